"""Projection "staff_tasks": what each binôme asks of the staff now. It keeps its own copy of each binôme's
state (`staff_task_binomes`), since it has its own position and may stand apart from the binôme rows."""

import json

from sqlalchemy import Connection, bindparam, delete, insert, select

from domain.state import BinomeState, evolve
from domain.tasks import open_tasks
from eventstore import RecordedFact
from projections.database import upsert
from projections.persons import PERSON_FACTS
from projections.projection import Batch, Projection
from projections.tables import staff_task_binomes, staff_tasks
from projections.timestamps import to_text


# Built once: a statement built per call costs more than running it.
_STATE = select(staff_task_binomes.c.state).where(staff_task_binomes.c.binome_id == bindparam("binome_id"))
_CLEAR_TASKS = delete(staff_tasks).where(staff_tasks.c.binome_id.in_(bindparam("binome_ids", expanding=True)))
_CLOSE_EXPIRED_PROPOSALS = delete(staff_tasks).where(
    staff_tasks.c.kind == "proposal_expired",
    staff_tasks.c.binome_id.in_(select(staff_task_binomes.c.binome_id).where(
        staff_task_binomes.c.mentee_id == bindparam("mentee_id"),
        staff_task_binomes.c.binome_id != bindparam("proposed_binome_id"))))


class StaffTasksProjection(Projection):
    name = "staff_tasks"
    tables = (staff_tasks, staff_task_binomes)

    def handles(self, fact_type: str) -> bool:
        return fact_type not in PERSON_FACTS  # every fact of a binôme's stream

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
        if recorded.fact.type == "MentorshipProposed":
            # The rule reads the mentee's other binômes from the database: write them first, so it sees
            # them as of this fact wherever the batch ends.
            self._write([other for other in self._unwritten
                         if other != binome_id and self._states[other].mentee_id == state.mentee_id])
            close_expired_proposals_of_mentee(self._conn, state.mentee_id, binome_id)

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
        tasks = [{"task_id": task.task_id, "binome_id": task.binome_id, "kind": task.kind, "label": task.label,
                  "since": to_text(task.since), "overdue_since": to_text(task.overdue_since)}
                 for state in states for task in open_tasks(state)]
        if tasks:
            self._conn.execute(insert(staff_tasks), tasks)
        self._unwritten.difference_update(binome_ids)

    def _load(self, binome_id: str) -> BinomeState:
        stored = self._conn.execute(_STATE, {"binome_id": binome_id}).scalar()
        return BinomeState.from_dict(json.loads(stored)) if stored else BinomeState(binome_id)


def close_expired_proposals_of_mentee(conn: Connection, mentee_id: str | None, proposed_binome_id: str) -> None:
    """Proposing the mentee again answers the "proposal expired" task of their earlier binômes.

    (A programme rule kept here until the domain states it: it spans binômes.)
    """
    if mentee_id is not None:
        conn.execute(_CLOSE_EXPIRED_PROPOSALS, {"mentee_id": mentee_id, "proposed_binome_id": proposed_binome_id})
