"""Pooled PostgreSQL connections are checked before use only when they have not been handed out for a while.

A server restart kills every connection, so one that sat in a pool through it must not be handed out: the pools
check it first (a round trip). Doing that at every checkout cost about a fifth of a command's CPU under load. A
connection handed out less than IDLE_BEFORE_CHECK_SECONDS ago is handed out unchecked. If the server went down
and came back within that second, that use fails; then the pools recover on their own: eventsourcing retries the
store's operation (ten tries, 0.2 s apart) and by then the other dead connections are due a check, and a failed
check drops them all (store.py); SQLAlchemy replaces the views' whole pool on the first disconnect it meets.
"""

import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

IDLE_BEFORE_CHECK_SECONDS = 1.0


class WhenIdle:
    """Says which checkouts need the check: a connection's first, and any `idle_seconds` or more after the last."""

    def __init__(self, idle_seconds: float = IDLE_BEFORE_CHECK_SECONDS, clock: Callable[[], float] = time.monotonic):
        self._idle_seconds, self._clock = idle_seconds, clock
        self._handed_out_at: weakref.WeakKeyDictionary[Any, float] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()  # the pools hand out connections from several threads

    def due(self, connection: Any) -> bool:
        """Records this checkout of `connection`; True if it must be checked before use."""
        now = self._clock()
        with self._lock:
            last = self._handed_out_at.get(connection)
            self._handed_out_at[connection] = now
        return last is None or now - last >= self._idle_seconds

    def forget(self, connection: Any) -> None:
        """`connection` failed its check: should it be handed out again, it is checked again."""
        with self._lock:
            self._handed_out_at.pop(connection, None)

    def wrap(self, check: Callable[[Any], None]) -> Callable[[Any], None]:
        """`check`, run only on the checkouts that need it (for psycopg_pool's `check` callback)."""
        def check_when_idle(connection: Any) -> None:
            if self.due(connection):
                try:
                    check(connection)
                except Exception:
                    self.forget(connection)
                    raise
        return check_when_idle
