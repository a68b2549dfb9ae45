"""Facts set aside by one projection: the one it could not apply, and the later facts of the same stream
waiting behind it (so that stream's view never skips a fact). Everything else goes on."""

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update

from eventstore import RecordedFact
from projections.tables import parked_facts
from projections.timestamps import from_text, to_text

MAX_ERROR_CHARS = 2000


@dataclass(frozen=True)
class ParkedFact:
    projection: str
    notification_id: int
    stream_id: str
    position: int
    fact_type: str
    error: str
    parked_at: datetime


# Built once: asked for every batch of every projection.
_BLOCKED = (select(parked_facts.c.stream_id, func.min(parked_facts.c.notification_id))
            .where(parked_facts.c.projection == bindparam("projection")).group_by(parked_facts.c.stream_id))


def blocked_streams(conn: Connection, projection: str) -> dict[str, int]:
    """Streams with parked facts: stream id -> notification id of its first parked fact."""
    return {stream_id: first for stream_id, first in conn.execute(_BLOCKED, {"projection": projection})}


def park(conn: Connection, projection: str, recorded: RecordedFact, error: str) -> None:
    conn.execute(insert(parked_facts).values(
        projection=projection, notification_id=recorded.notification_id, stream_id=str(recorded.stream_id),
        position=recorded.fact.position, fact_type=recorded.fact.type, error=_clean(error),
        parked_at=to_text(datetime.now(timezone.utc))))


def waiting_behind(first_notification_id: int) -> str:
    return f"waiting behind fact #{first_notification_id} of the same stream"


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def set_error(conn: Connection, projection: str, notification_id: int, error: str) -> None:
    conn.execute(update(parked_facts).values(error=_clean(error)).where(
        parked_facts.c.projection == projection, parked_facts.c.notification_id == notification_id))


def remove(conn: Connection, projection: str, notification_id: int) -> None:
    conn.execute(delete(parked_facts).where(parked_facts.c.projection == projection,
                                            parked_facts.c.notification_id == notification_id))


def remove_all(conn: Connection, projection: str) -> None:
    conn.execute(delete(parked_facts).where(parked_facts.c.projection == projection))


def listed(conn: Connection, projection: str | None = None) -> list[ParkedFact]:
    query = select(parked_facts).order_by(parked_facts.c.projection, parked_facts.c.notification_id)
    if projection is not None:
        query = query.where(parked_facts.c.projection == projection)
    return [ParkedFact(**{**row._mapping, "parked_at": from_text(row.parked_at)}) for row in conn.execute(query)]


def counts(conn: Connection) -> dict[str, int]:
    rows = conn.execute(select(parked_facts.c.projection, func.count()).group_by(parked_facts.c.projection))
    return dict(rows.all())


def _clean(error: str) -> str:
    # PostgreSQL text refuses NUL characters; a long traceback message is cut.
    return error.replace("\x00", "")[:MAX_ERROR_CHARS]
