"""Pooled PostgreSQL connections are checked before use only when they have sat idle.

A server restart kills every connection, so one that sat in a pool through it must not be handed out: the pools
check (a round trip) before they hand one out. Doing it at every checkout cost about a fifth of a command's CPU
under load. A connection handed out less than IDLE_BEFORE_CHECK_SECONDS ago was alive then, and a restart takes
longer than that; one that dies in use fails that use, and the pools replace it (store: eventsourcing's retry;
views: SQLAlchemy invalidates the pool on a disconnect).
"""

import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

IDLE_BEFORE_CHECK_SECONDS = 1.0


class WhenIdle:
    """Says which checkouts need the check: a connection's first, and any after it sat `idle_seconds` or more."""

    def __init__(self, idle_seconds: float = IDLE_BEFORE_CHECK_SECONDS):
        self._idle_seconds = idle_seconds
        self._handed_out_at: weakref.WeakKeyDictionary[Any, float] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()  # the pools hand out connections from several threads

    def due(self, connection: Any) -> bool:
        """Records this checkout of `connection`; True if it must be checked before use."""
        now = time.monotonic()
        with self._lock:
            last = self._handed_out_at.get(connection)
            self._handed_out_at[connection] = now
        return last is None or now - last >= self._idle_seconds

    def wrap(self, check: Callable[[Any], None]) -> Callable[[Any], None]:
        """`check`, run only on the checkouts that need it (for psycopg_pool's `check` callback)."""
        def check_when_idle(connection: Any) -> None:
            if self.due(connection):
                check(connection)
        return check_when_idle
