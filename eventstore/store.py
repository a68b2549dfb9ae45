"""Appends facts to streams exactly once and reads them back, over eventsourcing's recorders.

Each stream (a binôme, a person, a programme) is an eventsourcing aggregate sequence; a fact's position is
its aggregate version, so the store itself refuses a second fact at the same place. A retried
append (a crash after the commit, before the caller heard of it) finds its own facts already
there and succeeds without writing; anything else at those places is a real conflict.
A stream's category is its facts' (see `domain.catalogue`): a person's id read as a binôme finds nothing.
On PostgreSQL the store also says when facts are committed, by any process (`watch_commits`, commits.py).
"""

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError
from psycopg.conninfo import make_conninfo

from domain import catalogue
from domain.facts import Actor, Fact, same_facts
from eventstore.commits import CommitChannel, CommitWatch
from eventstore.fact_events import EVENT_CLASSES, FactRecorded, data_in_current_shape
from eventstore.idle_check import WhenIdle


@dataclass(frozen=True)
class RecordedFact:
    stream_id: UUID
    fact: Fact
    recorded_at: datetime
    notification_id: int | None = None


@dataclass(frozen=True)
class Held:
    """What a stream holds from a `record`'s first position on, and whether that record wrote it."""

    facts: list[RecordedFact]
    written: bool


class AppendConflict(Exception):
    """Other facts already hold the positions an append wanted: two writers disagree."""


class StaleStreams(Exception):
    """Another writer moved one of the other streams of an `append_with` first: read them again and re-decide."""


class _EventStoreApp(Application[UUID]):
    name = "EventStore"


class FactStore:
    def __init__(self, env: dict[str, str]):
        self._app = _EventStoreApp(env=env)
        self._recorder = self._app.recorder
        _check_only_idle_connections(self._recorder)
        self._mapper = self._app.mapper
        self._commit_channel = _commit_channel(env, self._recorder)

    @classmethod
    def sqlite(cls, path: str) -> "FactStore":
        return cls({"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": path, "SQLITE_LOCK_TIMEOUT": "10"})

    @classmethod
    def postgres(cls, host: str, port: int, dbname: str, user: str, password: str, pool_size: int = 10) -> "FactStore":
        return cls({
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_HOST": host,
            "POSTGRES_PORT": str(port),
            "POSTGRES_DBNAME": dbname,
            "POSTGRES_USER": user,
            "POSTGRES_PASSWORD": password,
            "POSTGRES_POOL_SIZE": str(pool_size),
            "POSTGRES_MAX_OVERFLOW": str(pool_size),
            "CREATE_TABLE": "y",
            # A pooled connection that sat idle is checked before use: after a PostgreSQL restart, dead ones are
            # replaced (only idle ones: `_check_only_idle_connections`).
            "POSTGRES_PRE_PING": "y",
            # A server that does not answer fails a request in seconds (503, resend), not after 30 s per attempt.
            "POSTGRES_CONNECT_TIMEOUT": "10",
        })

    def close(self) -> None:
        self._app.close()

    def append(self, stream_id: UUID, facts: Sequence[Fact]) -> bool:
        """Writes `facts` (consecutive positions) in one transaction. False if they were already written."""
        if not facts:
            return False
        _check_consecutive(facts)
        if self._save(stream_id, facts) is not None:
            return True
        if self._holds(stream_id, facts):
            return False
        raise AppendConflict(f"stream {stream_id}: positions {facts[0].position}..{facts[-1].position} hold other facts")

    def append_with(self, stream_id: UUID, facts: Sequence[Fact],
                    others: Sequence[tuple[UUID, Fact]]) -> bool:
        """Writes `facts` on `stream_id` and the `others` (each on its own stream, at the position its writer read)
        in one transaction. False if `facts` were already written (then so were the others, with them).
        `StaleStreams` if one of the others' positions was taken meanwhile: nothing was written."""
        if not others:
            return self.append(stream_id, facts)
        if self._save(stream_id, facts, others) is not None:
            return True
        if self._holds(stream_id, facts):
            return False
        if self.read(stream_id, after=facts[0].position - 1, upto=facts[-1].position):
            raise AppendConflict(f"stream {stream_id}: positions {facts[0].position}..{facts[-1].position} "
                                 "hold other facts")
        raise StaleStreams(str(stream_id))

    def record(self, stream_id: UUID, facts: Sequence[Fact],
               others: Sequence[tuple[UUID, Fact]] = ()) -> "Held":
        """Writes `facts` (with `others`, as `append_with`) unless their stream already holds facts from the first
        one's position on; returns what the stream holds from there, as recorded.

        For a stream with a single writer that folds what this returns: a write that ran before a crash, decided
        at another moment, comes back as it was stored, and the writer catches up with it instead of conflicting.
        `StaleStreams` if one of the others' positions was taken meanwhile: nothing was written.
        """
        _check_consecutive(facts)
        recordings = self._save(stream_id, facts, others)
        if recordings is not None:
            mine = recordings[:len(facts)]
            return Held([_to_recorded(r.domain_event, notification_id=r.notification.id) for r in mine], True)
        stored = self.read(stream_id, after=facts[0].position - 1)
        if stored:
            return Held(stored, False)
        if others:
            raise StaleStreams(str(stream_id))
        raise AppendConflict(f"stream {stream_id}: positions from {facts[0].position} refused, yet empty")

    def _save(self, stream_id: UUID, facts: Sequence[Fact], others: Sequence[tuple[UUID, Fact]] = ()):
        """The recordings of `facts` then `others`, written in one transaction; None if a position was taken."""
        recorded_at = datetime.now(timezone.utc)
        events = [_to_event(stream_id, fact, recorded_at) for fact in facts]
        events += [_to_event(other_id, fact, recorded_at) for other_id, fact in others]
        try:
            return self._app.save(*events)
        except IntegrityError:
            return None

    def _holds(self, stream_id: UUID, facts: Sequence[Fact]) -> bool:
        stored = self.read(stream_id, after=facts[0].position - 1, upto=facts[-1].position)
        return same_facts([s.fact for s in stored], facts)

    def read(self, stream_id: UUID, after: int | None = None, upto: int | None = None,
             category: str | None = None) -> list[RecordedFact]:
        """The stream's facts in order; none when `category` is given and the stream is of another category."""
        stored = self._recorder.select_events(stream_id, gt=after, lte=upto)
        facts = [_to_recorded(self._mapper.to_domain_event(event)) for event in stored]
        if category is not None and facts and not self._is_of(stream_id, facts, after, category):
            return []
        return facts

    def _is_of(self, stream_id: UUID, facts: list[RecordedFact], after: int | None, category: str) -> bool:
        first = facts[0] if not after else self.read(stream_id, upto=1)[0]
        spec = catalogue.SPECS.get(first.fact.type)
        return spec is not None and spec.category == category

    def read_log(self, after: int, limit: int) -> list[RecordedFact]:
        """The store's notification log: every fact of every stream, in commit order, after position `after`."""
        notifications = self._recorder.select_notifications(after, limit, inclusive_of_start=False)
        return [
            _to_recorded(self._mapper.to_domain_event(n), notification_id=n.id)
            for n in notifications
        ]

    def holds_any(self, fact_type: str) -> bool:
        """Whether any stream holds a fact of this type (the log is scanned in order: for early, rare facts)."""
        topic = f"{EVENT_CLASSES[fact_type].__module__}:{fact_type}"
        return bool(self._recorder.select_notifications(0, 1, topics=[topic]))

    def last_log_position(self) -> int:
        return self._recorder.max_notification_id() or 0

    def watch_commits(self, on_commit: Callable[[], None]) -> CommitWatch | None:
        """On PostgreSQL, calls `on_commit` (from a thread of its own) soon after each commit of facts, by any
        process, until the watch is stopped (see commits.py). None on SQLite, which has no such signal: poll."""
        if self._commit_channel is None:
            return None
        watch = CommitWatch(self._commit_channel, on_commit)
        watch.start()
        return watch


def _check_only_idle_connections(recorder) -> None:
    """eventsourcing gives psycopg_pool a check for every checkout (POSTGRES_PRE_PING) and no way to pass another:
    the pool's check is wrapped so that it runs only on connections that sat idle (idle_check.py), and a failed
    check drops every dead connection at once. Should the pool no longer keep its check there, every checkout
    stays checked: slower, never wrong."""
    pool = getattr(getattr(recorder, "datastore", None), "pool", None)
    check = getattr(pool, "_check", None)
    if check is None:
        return

    def check_or_drop_the_dead(connection) -> None:
        try:
            check(connection)
        except Exception:
            # A restart killed every pooled connection: all are dropped now, not one per step of the pool's
            # backoff (1 s, 2 s, 4 s..., past its 10 s timeout while the first request after a restart waits).
            with contextlib.suppress(Exception):  # the check's own failure is the one to report
                pool.check()
            raise

    pool._check = WhenIdle().wrap(check_or_drop_the_dead)


def _commit_channel(env: dict[str, str], recorder) -> CommitChannel | None:
    """The channel eventsourcing's PostgreSQL recorder notifies in each insert's transaction, and its database."""
    if env.get("PERSISTENCE_MODULE") != "eventsourcing.postgres":
        return None
    conninfo = make_conninfo(host=env["POSTGRES_HOST"], port=env["POSTGRES_PORT"], dbname=env["POSTGRES_DBNAME"],
                             user=env["POSTGRES_USER"], password=env.get("POSTGRES_PASSWORD") or None,
                             connect_timeout=env.get("POSTGRES_CONNECT_TIMEOUT", "10"))
    return CommitChannel(conninfo, recorder.channel_name)


def _check_consecutive(facts: Sequence[Fact]) -> None:
    first = facts[0].position
    if [f.position for f in facts] != list(range(first, first + len(facts))):
        raise ValueError("facts must have consecutive positions")


def _to_event(stream_id: UUID, fact: Fact, recorded_at: datetime) -> FactRecorded:
    return EVENT_CLASSES[fact.type](
        originator_id=stream_id,
        originator_version=fact.position,
        timestamp=recorded_at,
        type=fact.type,
        occurred_at=fact.occurred_at,
        actor_kind=fact.actor.kind,
        actor_id=fact.actor.id,
        data=fact.data,
        command_id=fact.command_id,
        fingerprint=fact.fingerprint,
    )


def _to_recorded(event: FactRecorded, notification_id: int | None = None) -> RecordedFact:
    fact = Fact(
        type=event.type,
        position=event.originator_version,
        occurred_at=event.occurred_at,
        actor=Actor(event.actor_kind, event.actor_id),
        data=data_in_current_shape(event),
        command_id=event.command_id,
        fingerprint=event.fingerprint,
    )
    return RecordedFact(event.originator_id, fact, event.timestamp, notification_id)
