"""Why a command is refused, as codes: the edge renders them in the reader's language. Nothing is recorded.

Each error has a `kind` (what sort of no it is: the API maps kinds to HTTP statuses in one place),
a `code` (a message catalogue key), `params` to fill the message in, and the `field` at fault, if any.
"""

from typing import Any


class DomainError(Exception):
    kind = "conflict"

    def __init__(self, code: str, *, field: str | None = None, **params: Any):
        super().__init__(code)
        self.code = code
        self.field = field
        self.params = params

    def __str__(self) -> str:
        return f"{self.code} {self.params}" if self.params else self.code


class InvalidInput(DomainError):
    """The command names a value the rules cannot accept (422)."""

    kind = "invalid"


class NotAllowed(DomainError):
    """Well formed, but a programme rule refuses it now: the stage, the mentee's other binôme, … (409)."""

    kind = "conflict"


class IdempotencyConflict(InvalidInput):
    """The same command id (Idempotency-Key) was used before with another body (422)."""

    def __init__(self) -> None:
        super().__init__("idempotency_key_reused", field="Idempotency-Key")


class NotFound(DomainError):
    """What the command names does not exist (404)."""

    kind = "not_found"


class Unauthenticated(DomainError):
    """No valid credentials say who asks (401)."""

    kind = "unauthenticated"


class Forbidden(DomainError):
    """The one asking may not do this (403)."""

    kind = "forbidden"


ERROR_TYPES: dict[str, type[DomainError]] = {
    cls.__name__: cls for cls in (DomainError, InvalidInput, NotAllowed, IdempotencyConflict, NotFound, Forbidden,
                                  Unauthenticated)
}


def error_from(type_name: str, code: str, field: str | None, params: dict[str, Any]) -> DomainError:
    """Rebuilds an error that crossed a boundary (a workflow update's failure) from its plain parts."""
    kind = ERROR_TYPES.get(type_name, DomainError)
    if kind is IdempotencyConflict:
        return IdempotencyConflict()
    return kind(code, field=field, **params)
