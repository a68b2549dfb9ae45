"""Projection "binomes": one row per binôme (stage, parties, version, overdue, next due date, folded state)."""

from collections.abc import Iterable

from sqlalchemy import Connection, bindparam, select

from domain import catalogue
from domain.schedule import next_deadline
from domain.state import BinomeState, evolve
from domain.tasks import open_tasks
from eventstore import RecordedFact
from projections import stored_states
from projections.database import upsert
from projections.memory import StateMemory
from projections.projection import Batch, Projection
from projections.tables import binomes
from projections.timestamps import to_text


_STATE = select(binomes.c.state).where(binomes.c.binome_id == bindparam("binome_id"))  # built once


class BinomesProjection(Projection):
    name = "binomes"
    tables = (binomes,)

    def __init__(self):
        self._memory: StateMemory[BinomeState] = StateMemory()

    def handles(self, fact_type: str) -> bool:
        return catalogue.is_of(fact_type, catalogue.BINOME)

    def batch(self, conn: Connection) -> "BinomesBatch":
        return BinomesBatch(conn, self._memory)

    def forget(self, stream_ids: Iterable[str] | None = None) -> None:
        self._memory.forget(stream_ids)


class BinomesBatch(Batch):
    """Each binôme touched by the batch is loaded once (from memory if it can) and written once, at the flush."""

    def __init__(self, conn: Connection, memory: StateMemory[BinomeState]):
        self._conn = conn
        self._memory = memory
        self._states: dict[str, BinomeState] = {}

    def apply(self, recorded: RecordedFact) -> None:
        binome_id = str(recorded.stream_id)
        state = self._states.get(binome_id)
        if state is None:
            state = self._states[binome_id] = self._load(binome_id, recorded.fact.position)
        evolve(state, recorded.fact)

    def flush(self) -> None:
        upsert(self._conn, binomes, [_row(state) for state in self._states.values()])
        self._memory.keep(self._states)
        self._states = {}

    def _load(self, binome_id: str, position: int) -> BinomeState:
        return stored_states.state_before(self._conn, _STATE, self._memory, binome_id, position)


def _row(state: BinomeState) -> dict:
    return {
        "binome_id": state.binome_id,
        "stage": state.stage.value,
        "mentor_id": state.mentor_id,
        "mentee_id": state.mentee_id,
        "version": state.version,
        "overdue": int(any(task.overdue for task in open_tasks(state))),
        "proposed_at": to_text(state.proposed_at) or "",  # the list's sort key: never NULL (see tables.py)
        "next_due_at": to_text(next_deadline(state)),
        "state": stored_states.stored(state),
        "programme_id": state.programme.id,
    }
