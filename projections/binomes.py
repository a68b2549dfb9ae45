"""Projection "binomes": one row per binôme (stage, parties, version, overdue, next due date, folded state)."""

import json

from sqlalchemy import Connection, bindparam, select

from domain import catalogue
from domain.schedule import next_deadline
from domain.state import BinomeState, evolve
from domain.tasks import open_tasks
from eventstore import RecordedFact
from projections.database import upsert
from projections.projection import Batch, Projection
from projections.tables import binomes
from projections.timestamps import to_text


_STATE = select(binomes.c.state).where(binomes.c.binome_id == bindparam("binome_id"))  # built once


class BinomesProjection(Projection):
    name = "binomes"
    tables = (binomes,)

    def handles(self, fact_type: str) -> bool:
        return catalogue.is_of(fact_type, catalogue.BINOME)

    def batch(self, conn: Connection) -> "BinomesBatch":
        return BinomesBatch(conn)


class BinomesBatch(Batch):
    """Each binôme touched by the batch is loaded once and written once, at the flush."""

    def __init__(self, conn: Connection):
        self._conn = conn
        self._states: dict[str, BinomeState] = {}

    def apply(self, recorded: RecordedFact) -> None:
        binome_id = str(recorded.stream_id)
        state = self._states.get(binome_id) or self._load(binome_id)
        evolve(state, recorded.fact)
        self._states[binome_id] = state

    def flush(self) -> None:
        upsert(self._conn, binomes, [_row(state) for state in self._states.values()])
        self._states.clear()

    def _load(self, binome_id: str) -> BinomeState:
        stored = self._conn.execute(_STATE, {"binome_id": binome_id}).scalar()
        return BinomeState.from_dict(json.loads(stored)) if stored else BinomeState(binome_id)


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
        "state": json.dumps(state.to_dict()),
        "programme_id": state.programme.id,
    }
