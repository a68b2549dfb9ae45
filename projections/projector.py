"""Follows the event store's notification log into the views, exactly once.

Each batch of facts and the new tracked position are written in one view transaction, so a crash
either keeps both or neither; the next run resumes from the tracked position. The SQLite recorder
has no subscription, so the projector polls (and can be woken early by a reader waiting for its write).
"""

import threading
import time
from collections.abc import Callable

import structlog

from eventstore import FactStore
from projections import schema
from projections.apply import BatchApplier
from projections.db import ViewDatabase

VIEW_NAME = "main"
log = structlog.get_logger("mentorat.projector")


class Projector:
    def __init__(self, store: FactStore, views: ViewDatabase, poll_seconds: float = 0.2, batch_size: int = 500):
        self._store = store
        self._views = views
        self._poll_seconds = poll_seconds
        self._batch_size = batch_size
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._progressed = threading.Condition()
        self._thread: threading.Thread | None = None

    def setup(self) -> None:
        with self._views.transaction() as tx:
            schema.create(tx)
            if tx.one("SELECT position FROM view_tracking WHERE view = ?", (VIEW_NAME,)) is None:
                tx.execute("INSERT INTO view_tracking (view, position) VALUES (?, 0)", (VIEW_NAME,))

    def position(self) -> int:
        with self._views.transaction(write=False) as tx:
            row = tx.one("SELECT position FROM view_tracking WHERE view = ?", (VIEW_NAME,))
        return row["position"] if row else 0

    def run_once(self) -> int:
        """Processes the next batch; returns how many facts it applied."""
        lock = " FOR UPDATE" if self._views.dialect == "postgres" else ""
        with self._views.transaction() as tx:
            # The row lock makes a second projector on the same views wait instead of applying twice.
            position = tx.one(f"SELECT position FROM view_tracking WHERE view = ?{lock}", (VIEW_NAME,))["position"]
            batch = self._store.read_log(position, self._batch_size)
            if not batch:
                return 0
            applier = BatchApplier(tx)
            for recorded in batch:
                applier.apply(recorded)
            applier.flush()
            tx.execute("UPDATE view_tracking SET position = ? WHERE view = ?", (batch[-1].notification_id, VIEW_NAME))
        with self._progressed:
            self._progressed.notify_all()
        return len(batch)

    def catch_up(self, on_progress: Callable[[int, int], None] | None = None) -> int:
        """Applies everything recorded so far; `on_progress(done, total)` after each batch."""
        total = max(self._store.last_log_position() - self.position(), 0)
        done = 0
        while (count := self.run_once()) > 0:
            done += count
            if on_progress:
                on_progress(done, max(total, done))
        return done

    def rebuild(self, on_progress: Callable[[int, int], None] | None = None) -> int:
        with self._views.transaction() as tx:
            schema.drop(tx)
        self.setup()
        return self.catch_up(on_progress)

    def start(self) -> None:
        self.setup()
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="projector", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def wake(self) -> None:
        self._wake.set()

    def wait_until(self, condition: Callable[[], bool], timeout: float) -> bool:
        """Blocks until `condition()` holds (checked after each batch), or `timeout` passes."""
        deadline = time.monotonic() + timeout
        while not condition():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            self.wake()
            with self._progressed:
                self._progressed.wait(min(remaining, self._poll_seconds))
        return True

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                while self.run_once() > 0 and not self._stop.is_set():
                    pass
            except Exception:  # a view database hiccup must not kill the follower; it resumes from its position
                log.exception("projection_failed")
                self._stop.wait(1.0)
            self._wake.wait(self._poll_seconds)
            self._wake.clear()
