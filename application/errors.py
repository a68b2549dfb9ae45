"""Errors of the application layer that are not rules of the programme: the service cannot answer now.

Same shape as the domain's errors (`kind`, `code`, `params`, `field`), so the edge maps every error the
same way; `retry_after` says when to try again (seconds).
"""

from typing import Any

from domain.errors import DomainError


class ServiceError(DomainError):
    kind = "unavailable"
    retry_after = 5

    def __init__(self, code: str, *, field: str | None = None, retry_after: int | None = None, **params: Any):
        super().__init__(code, field=field, **params)
        if retry_after is not None:
            self.retry_after = retry_after


class CommandPending(ServiceError):
    """No answer in time: the command may still be recorded; resend it with the same Idempotency-Key (503)."""

    kind = "pending"

    def __init__(self, command_id: str, retry_after: int | None = None):
        super().__init__("command_pending", command_id=command_id, retry_after=retry_after)


class Saturated(ServiceError):
    """Too many requests or commands at once: nothing was recorded; try again later, same key (429)."""

    kind = "saturated"


class Unavailable(ServiceError):
    """A dependency (Temporal, the database) does not answer (503)."""

    kind = "unavailable"
