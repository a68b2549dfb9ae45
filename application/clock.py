"""The services' present moment: now, unless a tool runs them at another moment of a story (`at`), as the demo
does to fill an installation with months of history through the real services.

A context variable, so it follows a call into its worker threads (`asyncio.to_thread` copies the context) and
never leaks into another request.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone

_moment: ContextVar[datetime | None] = ContextVar("mentorat_moment", default=None)


def now() -> datetime:
    return _moment.get() or datetime.now(timezone.utc)


@contextmanager
def at(moment: datetime) -> Iterator[None]:
    token = _moment.set(moment)
    try:
        yield
    finally:
        _moment.reset(token)
