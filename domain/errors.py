"""Why a command is refused. The API maps these to 422 / 409; nothing is recorded."""


class DomainError(Exception):
    """A refused command; `message` is staff-facing (French)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    """The command names a value the rules cannot accept (422)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class NotAllowed(DomainError):
    """The command is well formed but the binôme's stage does not allow it (409)."""


class IdempotencyConflict(DomainError):
    """The same command id (Idempotency-Key) was used before with another body (422)."""
