"""A command's id recorded with its facts: the same command again records nothing; its id with another body is
refused (the Idempotency-Key rule, shared by every stream's decisions)."""

from collections.abc import Mapping

from domain.errors import IdempotencyConflict

_ABSENT = object()


def already_recorded(commands: Mapping[str, str | None], command_id: str, fingerprint: str | None) -> bool:
    """Whether `command_id` was recorded already (nothing to do). `commands`: command id -> its body's fingerprint."""
    previous = commands.get(command_id, _ABSENT)
    if previous is _ABSENT:
        return False
    if previous != fingerprint:
        raise IdempotencyConflict()
    return True
