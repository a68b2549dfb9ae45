"""Appends facts to streams exactly once and reads them back, over eventsourcing's recorders.

Each stream (a binôme, a person) is an eventsourcing aggregate sequence; a fact's position is
its aggregate version, so the store itself refuses a second fact at the same place. A retried
append (a crash after the commit, before the caller heard of it) finds its own facts already
there and succeeds without writing; anything else at those places is a real conflict.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import IntegrityError

from domain.facts import Actor, Fact


class FactRecorded(DomainEvent):
    """The stored form of a fact. `timestamp` is when it was recorded; `occurred_at` when it happened."""

    type: str
    occurred_at: datetime
    actor_kind: str
    actor_id: str
    data: dict[str, Any]
    command_id: str | None
    fingerprint: str | None


@dataclass(frozen=True)
class RecordedFact:
    stream_id: UUID
    fact: Fact
    recorded_at: datetime
    notification_id: int | None = None


class AppendConflict(Exception):
    """Other facts already hold the positions an append wanted: two writers disagree."""


class _EventStoreApp(Application[UUID]):
    name = "EventStore"


class FactStore:
    def __init__(self, env: dict[str, str]):
        self._app = _EventStoreApp(env=env)
        self._recorder = self._app.recorder
        self._mapper = self._app.mapper

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
        })

    def close(self) -> None:
        self._app.close()

    def append(self, stream_id: UUID, facts: Sequence[Fact]) -> bool:
        """Writes `facts` (consecutive positions) in one transaction. False if they were already written."""
        if not facts:
            return False
        first = facts[0].position
        if [f.position for f in facts] != list(range(first, first + len(facts))):
            raise ValueError("facts must have consecutive positions")
        recorded_at = datetime.now(timezone.utc)
        events = [_to_event(stream_id, fact, recorded_at) for fact in facts]
        try:
            self._app.save(*events)
        except IntegrityError:
            stored = self.read(stream_id, after=first - 1, upto=facts[-1].position)
            if len(stored) == len(facts) and all(s.fact.same_as(f) for s, f in zip(stored, facts)):
                return False
            raise AppendConflict(f"stream {stream_id}: positions {first}..{facts[-1].position} hold other facts") from None
        return True

    def read(self, stream_id: UUID, after: int | None = None, upto: int | None = None) -> list[RecordedFact]:
        stored = self._recorder.select_events(stream_id, gt=after, lte=upto)
        return [_to_recorded(self._mapper.to_domain_event(event)) for event in stored]

    def read_log(self, after: int, limit: int) -> list[RecordedFact]:
        """The store's notification log: every fact of every stream, in commit order, after position `after`."""
        notifications = self._recorder.select_notifications(after, limit, inclusive_of_start=False)
        return [
            _to_recorded(self._mapper.to_domain_event(n), notification_id=n.id)
            for n in notifications
        ]

    def last_log_position(self) -> int:
        return self._recorder.max_notification_id() or 0


def _to_event(stream_id: UUID, fact: Fact, recorded_at: datetime) -> FactRecorded:
    return FactRecorded(
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
        data=event.data,
        command_id=event.command_id,
        fingerprint=event.fingerprint,
    )
    return RecordedFact(event.originator_id, fact, event.timestamp, notification_id)
