"""Projection "staff_tasks": what each binôme asks of the staff now. It keeps its own copy of each binôme's
state (`staff_task_binomes`), since it has its own position and may stand apart from the binôme rows."""

import json

from sqlalchemy import Connection, bindparam, delete, insert, select

from domain import catalogue
from domain.stages import Stage
from domain.state import BinomeState, evolve
from domain.tasks import open_tasks
from eventstore import RecordedFact
from projections.database import upsert
from projections.projection import Batch, Projection
from projections.tables import staff_task_binomes, staff_tasks
from projections.timestamps import to_text


# Built once: a statement built per call costs more than running it.
_STATE = select(staff_task_binomes.c.state).where(staff_task_binomes.c.binome_id == bindparam("binome_id"))
_CLEAR_TASKS = delete(staff_tasks).where(staff_tasks.c.binome_id.in_(bindparam("binome_ids", expanding=True)))
_OF_MENTEE = select(staff_task_binomes.c.binome_id).where(staff_task_binomes.c.mentee_id == bindparam("mentee_id"))


_ANSWERING_FACTS = frozenset({"MentorshipProposed", "ProposalExpired"})


class StaffTasksProjection(Projection):
    name = "staff_tasks"
    tables = (staff_tasks, staff_task_binomes)

    def handles(self, fact_type: str) -> bool:
        return catalogue.is_of(fact_type, catalogue.BINOME)

    def batch(self, conn: Connection) -> "StaffTasksBatch":
        return StaffTasksBatch(conn)


class StaffTasksBatch(Batch):
    """Each binôme touched by the batch is loaded once; its tasks are written at the flush."""

    def __init__(self, conn: Connection):
        self._conn = conn
        self._states: dict[str, BinomeState] = {}
        self._unwritten: set[str] = set()

    def apply(self, recorded: RecordedFact) -> None:
        binome_id = str(recorded.stream_id)
        state = self._states.get(binome_id) or self._load(binome_id)
        evolve(state, recorded.fact)
        self._states[binome_id] = state
        self._unwritten.add(binome_id)
        if recorded.fact.type in _ANSWERING_FACTS and state.mentee_id is not None:
            # A proposal may answer the mentee's expired proposals (a rule of the domain, see open_tasks):
            # their tasks are written again with it.
            self._unwritten.update(self._binomes_of(state.mentee_id))

    def flush(self) -> None:
        self._write(list(self._unwritten))

    def _write(self, binome_ids: list[str]) -> None:
        if not binome_ids:
            return
        states = [self._states[binome_id] for binome_id in binome_ids]
        upsert(self._conn, staff_task_binomes, [
            {"binome_id": s.binome_id, "mentee_id": s.mentee_id, "version": s.version,
             "state": json.dumps(s.to_dict())} for s in states])
        self._conn.execute(_CLEAR_TASKS, {"binome_ids": binome_ids})
        tasks = [{"task_id": task.task_id, "binome_id": task.binome_id, "programme_id": state.programme.id,
                  "kind": task.kind, "params": json.dumps(task.params), "since": to_text(task.since),
                  "overdue_since": to_text(task.overdue_since)}
                 for state in states for task in open_tasks(state, self._others_of_mentee(state))]
        if tasks:
            self._conn.execute(insert(staff_tasks), tasks)
        self._unwritten.difference_update(binome_ids)

    def _others_of_mentee(self, state: BinomeState) -> list[BinomeState]:
        if state.stage != Stage.PROPOSAL_EXPIRED or state.mentee_id is None:
            return []
        return [self._states[b] for b in self._binomes_of(state.mentee_id) if b != state.binome_id]

    def _binomes_of(self, mentee_id: str) -> set[str]:
        """The mentee's binômes, loaded into the batch (as of the facts applied so far)."""
        known = set(self._conn.execute(_OF_MENTEE, {"mentee_id": mentee_id}).scalars())
        known |= {b for b, s in self._states.items() if s.mentee_id == mentee_id}
        for binome_id in known - set(self._states):
            self._states[binome_id] = self._load(binome_id)
        return known

    def _load(self, binome_id: str) -> BinomeState:
        stored = self._conn.execute(_STATE, {"binome_id": binome_id}).scalar()
        return BinomeState.from_dict(json.loads(stored)) if stored else BinomeState(binome_id)
