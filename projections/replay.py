"""A rebuild's fast path: the chosen projections, emptied, replay the whole log in one view transaction.

Replaying in batches of one transaction each (as the follower does) writes every binôme a batch touches once per
batch: on a large log, where a binôme's facts spread over many batches, that is most of a rebuild's time. Here
each projection keeps its batch open over many reads of the log and writes its rows only every `flush_every` facts
(so memory stays bounded) and at the end. Rows and positions commit together, so each fact is applied exactly once
as in any pass, and readers see the previous views until the new ones are committed.

Nothing is parked here: a fact that fails aborts the whole transaction (nothing changed), and the projector
replays in batches instead, where that fact is parked and every other one applied (see projector.py).
"""

from collections.abc import Callable

from sqlalchemy import Connection

from eventstore import FactStore, RecordedFact
from projections.projection import Batch, Projection


def replay(conn: Connection, store: FactStore, projections: list[Projection], read_size: int, flush_every: int,
           on_progress: Callable[[int, int], None] | None = None) -> tuple[int, int]:
    """Applies the whole log to `projections` (emptied by the caller, in this transaction); returns the facts
    replayed and the log position reached, which the caller records as theirs in the same transaction."""
    batches = {p.name: p.batch(conn) for p in projections}
    handled_types: dict[str, dict[str, bool]] = {p.name: {} for p in projections}
    total = store.last_log_position()
    position = done = unflushed = 0
    while facts := store.read_log(position, read_size):
        types = [recorded.fact.type for recorded in facts]
        for projection in projections:
            _apply(batches[projection.name], _handled(projection, facts, types, handled_types[projection.name]))
        position = facts[-1].notification_id
        done += len(facts)
        unflushed += len(facts)
        if unflushed >= flush_every:
            for projection in projections:
                batches[projection.name].flush()
                batches[projection.name] = projection.batch(conn)
            unflushed = 0
        if on_progress:
            on_progress(done, max(total, done))
    for batch in batches.values():
        batch.flush()
    return done, position


def _handled(projection: Projection, facts: list[RecordedFact], types: list[str],
             known: dict[str, bool]) -> list[RecordedFact]:
    """The facts `projection` handles; `types` are theirs, `known` what it said of each type so far."""
    for fact_type in set(types) - known.keys():
        known[fact_type] = projection.handles(fact_type)
    return [recorded for recorded, fact_type in zip(facts, types) if known[fact_type]]


def _apply(batch: Batch, facts: list[RecordedFact]) -> None:
    for recorded in facts:
        batch.apply(recorded)
