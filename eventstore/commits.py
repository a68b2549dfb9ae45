"""Says when facts may have been committed to the store, so a follower of its log need not poll often.

On PostgreSQL, eventsourcing's recorder NOTIFYs a channel named after the events table in every transaction that
inserts events; PostgreSQL delivers the notification once that transaction is committed, to every session that
LISTENs on the channel. A `CommitWatch` LISTENs on a connection of its own, in a thread of its own, and calls
`on_commit` for each notification. A lost connection does not end it: it connects again (at once, then 1 s, 2 s,
… 10 s apart while that fails) and calls `on_commit` once listening again, since facts may have been committed
meanwhile. A notification can still be lost in between, or with a connection that died silently: followers keep
a slow poll for that. SQLite has no such channel: its followers poll (see `FactStore.watch_commits`).
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
import structlog
from psycopg import sql

log = structlog.get_logger("mentorat.commits")

FIRST_PAUSE_SECONDS, LONGEST_PAUSE_SECONDS = 1.0, 10.0
# How often the listening thread looks up from the socket to see whether it was stopped.
STOP_CHECK_SECONDS = 0.25
APPLICATION_NAME = "mentorat-commit-watch"
# A connection that died without a word (a cut network) is noticed within about a minute.
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3}


@dataclass(frozen=True)
class CommitChannel:
    """Where to listen: the store's database (a libpq connection string) and the channel its inserts notify."""

    conninfo: str
    name: str


class CommitWatch:
    def __init__(self, channel: CommitChannel, on_commit: Callable[[], None]):
        self._channel = channel
        self._on_commit = on_commit
        self._stop = threading.Event()
        self._listening = threading.Event()
        self._thread = threading.Thread(target=self._run, name="commit-watch", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    @property
    def listening(self) -> bool:
        return self._listening.is_set()

    def _run(self) -> None:
        failures = 0  # in a row: a connection that listened, then was lost, is tried again at once
        while not self._stop.is_set():
            try:
                self._listen()
            except Exception as error:
                failures = 1 if self._listening.is_set() else failures + 1
                log.warning("commit_watch_disconnected", channel=self._channel.name, failures=failures,
                            error=f"{type(error).__name__}: {error}")
            finally:
                self._listening.clear()
            if failures > 1:
                self._stop.wait(min(FIRST_PAUSE_SECONDS * 2 ** (failures - 2), LONGEST_PAUSE_SECONDS))

    def _listen(self) -> None:
        with psycopg.connect(self._channel.conninfo, autocommit=True, application_name=APPLICATION_NAME,
                             **KEEPALIVES) as conn:
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self._channel.name)))
            self._listening.set()
            self._on_commit()  # what was committed while nobody listened
            while not self._stop.is_set():
                for _ in conn.notifies(timeout=STOP_CHECK_SECONDS, stop_after=1):
                    self._on_commit()
