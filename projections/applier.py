"""Applies facts to one projection inside its transaction, parking the ones it cannot apply.

Fast path: the whole batch through one `Batch` (each touched row written once), in a savepoint. If any
fact fails, that savepoint is rolled back and the batch is replayed one fact at a time, each in its own
savepoint: a fact that fails is parked with its error, later facts of its stream are parked behind it,
and every other fact is applied. A database outage is not a fact's fault: it is raised, so the whole
transaction (and the position) rolls back and the projector tries again later. Whatever fails, the
projection forgets the states it remembered (memory.py): they may have been changed before the rollback.
"""

from collections.abc import Callable

import structlog
from sqlalchemy import Connection
from sqlalchemy import exc as sa_exc

from eventstore import RecordedFact
from projections import parking
from projections.projection import Projection

log = structlog.get_logger("mentorat.projector")

# Errors that say the view database (or its schema) is unavailable, whatever the fact.
_OUTAGES = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.ProgrammingError, sa_exc.InternalError,
            sa_exc.TimeoutError, sa_exc.ResourceClosedError)


def is_outage(error: BaseException) -> bool:
    return isinstance(error, _OUTAGES) or (isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated)


def apply_facts(conn: Connection, projection: Projection, facts: list[RecordedFact]) -> int:
    """Applies `facts` (log order, all handled by `projection`); returns how many were parked."""
    if not facts:
        return 0
    blocked = parking.blocked_streams(conn, projection.name)
    try:
        try:
            with conn.begin_nested():
                return _all_at_once(conn, projection, facts, blocked)
        except Exception as error:
            projection.forget()  # the batch changed remembered states in place before it was rolled back
            if is_outage(error):
                raise
        return _one_by_one(conn, projection, facts, blocked)
    finally:
        # Never remembered: retrying their parked facts (perhaps in another process) changes their rows without
        # moving the position.
        projection.forget(blocked)


def apply_one(conn: Connection, projection: Projection, recorded: RecordedFact) -> None:
    """One fact in its own savepoint: applied entirely, or not at all (and raises)."""
    try:
        with conn.begin_nested():
            batch = projection.batch(conn)
            batch.apply(recorded)
            batch.flush()
    except Exception:
        projection.forget()  # it may have changed remembered states in place before it failed
        raise


def _all_at_once(conn: Connection, projection: Projection, facts: list[RecordedFact], blocked: dict[str, int]) -> int:
    batch = projection.batch(conn)
    parked = 0
    for recorded in facts:
        first = blocked.get(str(recorded.stream_id)) if blocked else None
        if first is not None:
            parking.park(conn, projection.name, recorded, parking.waiting_behind(first))
            parked += 1
        else:
            batch.apply(recorded)
    batch.flush()
    return parked


def _one_by_one(conn: Connection, projection: Projection, facts: list[RecordedFact], blocked: dict[str, int]) -> int:
    parked = 0
    for recorded in facts:
        stream_id = str(recorded.stream_id)
        first = blocked.get(stream_id)
        if first is not None:
            parking.park(conn, projection.name, recorded, parking.waiting_behind(first))
            parked += 1
            continue
        try:
            apply_one(conn, projection, recorded)
        except Exception as error:
            if is_outage(error):
                raise
            parking.park(conn, projection.name, recorded, parking.describe(error))
            blocked[stream_id] = recorded.notification_id
            parked += 1
            log.error("fact_parked", projection=projection.name, notification_id=recorded.notification_id,
                      stream_id=stream_id, position=recorded.fact.position, fact_type=recorded.fact.type,
                      error=parking.describe(error))
    return parked


def reapply_parked(conn: Connection, projection: Projection,
                   read: Callable[[parking.ParkedFact], RecordedFact]) -> tuple[int, int]:
    """Applies the projection's parked facts again, in log order; a stream stops at its first failure.

    Returns (applied and removed, still parked).
    """
    applied = still = 0
    failed: dict[str, int] = {}
    for parked in parking.listed(conn, projection.name):
        first = failed.get(parked.stream_id)
        if first is not None:
            parking.set_error(conn, projection.name, parked.notification_id, parking.waiting_behind(first))
            still += 1
            continue
        try:
            apply_one(conn, projection, read(parked))
        except Exception as error:
            if is_outage(error):
                raise
            parking.set_error(conn, projection.name, parked.notification_id, parking.describe(error))
            failed[parked.stream_id] = parked.notification_id
            still += 1
            continue
        parking.remove(conn, projection.name, parked.notification_id)
        applied += 1
    return applied, still
