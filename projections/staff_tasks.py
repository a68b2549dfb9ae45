"""Projection "staff_tasks": what each binôme asks of the staff now. It keeps its own copy of each binôme's
state (`staff_task_binomes`), since it has its own position and may stand apart from the binôme rows."""

import json

from sqlalchemy import Connection, delete, insert, select

from domain.state import BinomeState, evolve
from domain.tasks import open_tasks
from eventstore import RecordedFact
from projections.database import upsert
from projections.persons import PERSON_FACTS
from projections.projection import Batch, Projection
from projections.tables import staff_task_binomes, staff_tasks
from projections.timestamps import to_text


class StaffTasksProjection(Projection):
    name = "staff_tasks"
    tables = (staff_tasks, staff_task_binomes)

    def handles(self, fact_type: str) -> bool:
        return fact_type not in PERSON_FACTS  # every fact of a binôme's stream

    def batch(self, conn: Connection) -> "StaffTasksBatch":
        return StaffTasksBatch(conn)


class StaffTasksBatch(Batch):
    def __init__(self, conn: Connection):
        self._conn = conn
        self._states: dict[str, BinomeState] = {}

    def apply(self, recorded: RecordedFact) -> None:
        binome_id = str(recorded.stream_id)
        state = self._states.get(binome_id) or self._load(binome_id)
        evolve(state, recorded.fact)
        self._states[binome_id] = state
        if recorded.fact.type == "MentorshipProposed":
            self.flush()  # the rule below must see every binôme as of this fact, whatever the batch size
            close_expired_proposals_of_mentee(self._conn, state.mentee_id, state.binome_id)

    def flush(self) -> None:
        for state in self._states.values():
            upsert(self._conn, staff_task_binomes, {"binome_id": state.binome_id, "mentee_id": state.mentee_id,
                                                    "version": state.version,
                                                    "state": json.dumps(state.to_dict())})
            self._conn.execute(delete(staff_tasks).where(staff_tasks.c.binome_id == state.binome_id))
            tasks = [{"task_id": task.task_id, "binome_id": task.binome_id, "kind": task.kind, "label": task.label,
                      "since": to_text(task.since), "overdue_since": to_text(task.overdue_since)}
                     for task in open_tasks(state)]
            if tasks:
                self._conn.execute(insert(staff_tasks), tasks)
        self._states.clear()

    def _load(self, binome_id: str) -> BinomeState:
        stored = self._conn.execute(
            select(staff_task_binomes.c.state).where(staff_task_binomes.c.binome_id == binome_id)).scalar()
        return BinomeState.from_dict(json.loads(stored)) if stored else BinomeState(binome_id)


def close_expired_proposals_of_mentee(conn: Connection, mentee_id: str | None, proposed_binome_id: str) -> None:
    """Proposing the mentee again answers the "proposal expired" task of their earlier binômes.

    (A programme rule kept here until the domain states it: it spans binômes.)
    """
    others = select(staff_task_binomes.c.binome_id).where(
        staff_task_binomes.c.mentee_id == mentee_id, staff_task_binomes.c.binome_id != proposed_binome_id)
    conn.execute(delete(staff_tasks).where(staff_tasks.c.kind == "proposal_expired",
                                           staff_tasks.c.binome_id.in_(others)))
