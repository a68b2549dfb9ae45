"""Projection "staff_tasks": what each binôme asks of the staff now. It keeps its own copy of each binôme's
state (`staff_task_binomes`), since it has its own position and may stand apart from the binôme rows."""

import json
from collections.abc import Iterable

from sqlalchemy import Connection, bindparam, delete, insert, select

from domain import catalogue
from domain.state import BinomeState, evolve
from domain.tasks import ANSWERED_BY_PROPOSAL, open_tasks
from eventstore import RecordedFact
from projections import stored_states
from projections.database import upsert
from projections.memory import StateMemory
from projections.projection import Batch, Projection
from projections.tables import staff_task_binomes, staff_tasks
from projections.timestamps import to_text


# Built once: a statement built per call costs more than running it.
_STATE = select(staff_task_binomes.c.state).where(staff_task_binomes.c.binome_id == bindparam("binome_id"))
_STATES = (select(staff_task_binomes.c.binome_id, staff_task_binomes.c.state)
           .where(staff_task_binomes.c.binome_id.in_(bindparam("binome_ids", expanding=True))))
_CLEAR_TASKS = delete(staff_tasks).where(staff_tasks.c.binome_id.in_(bindparam("binome_ids", expanding=True)))
_OF_MENTEES = (select(staff_task_binomes.c.binome_id, staff_task_binomes.c.mentee_id)
               .where(staff_task_binomes.c.mentee_id.in_(bindparam("mentee_ids", expanding=True))))


_ANSWERING_FACTS = frozenset({"MentorshipProposed", "ProposalExpired"})
# Ids per `IN (…)`: a rebuild's batch may hold thousands; each database bounds the parameters of one statement.
_IDS_PER_QUERY = 1000


class StaffTasksProjection(Projection):
    name = "staff_tasks"
    tables = (staff_tasks, staff_task_binomes)

    def __init__(self):
        self._memory: StateMemory[BinomeState] = StateMemory()

    def handles(self, fact_type: str) -> bool:
        return catalogue.is_of(fact_type, catalogue.BINOME)

    def batch(self, conn: Connection) -> "StaffTasksBatch":
        return StaffTasksBatch(conn, self._memory)

    def forget(self, stream_ids: Iterable[str] | None = None) -> None:
        self._memory.forget(stream_ids)


class StaffTasksBatch(Batch):
    """Each binôme touched by the batch is loaded once (from memory if it can); its tasks are written at the flush.

    The rule across a mentee's binômes (a new proposal answers the mentee's expired ones) needs the mentee's other
    binômes: they are looked up once per flush, for every mentee concerned.
    """

    def __init__(self, conn: Connection, memory: StateMemory[BinomeState]):
        self._conn = conn
        self._memory = memory
        self._states: dict[str, BinomeState] = {}
        self._unwritten: set[str] = set()
        # Mentees whose binômes' tasks are written again (a proposal or an expiry may answer them).
        self._answering: set[str] = set()

    def apply(self, recorded: RecordedFact) -> None:
        binome_id = str(recorded.stream_id)
        state = self._states.get(binome_id)
        if state is None:
            state = self._states[binome_id] = self._load(binome_id, recorded.fact.position)
        evolve(state, recorded.fact)
        self._unwritten.add(binome_id)
        if recorded.fact.type in _ANSWERING_FACTS and state.mentee_id is not None:
            self._answering.add(state.mentee_id)

    def flush(self) -> None:
        states = [self._states[binome_id] for binome_id in self._unwritten]
        expired = {s.mentee_id for s in states if s.stage in ANSWERED_BY_PROPOSAL and s.mentee_id is not None}
        binomes_of = self._binomes_of(self._answering | expired)
        for mentee_id in self._answering:
            self._unwritten.update(binomes_of[mentee_id])
        self._write([self._states[binome_id] for binome_id in self._unwritten], binomes_of)
        # Every state of the batch is now its row: those written, and those only read (another of a mentee's).
        self._memory.keep(self._states)
        self._states, self._unwritten, self._answering = {}, set(), set()

    def _write(self, states: list[BinomeState], binomes_of: dict[str, set[str]]) -> None:
        if not states:
            return
        upsert(self._conn, staff_task_binomes, [
            {"binome_id": s.binome_id, "mentee_id": s.mentee_id, "version": s.version,
             "state": stored_states.stored(s)} for s in states])
        for binome_ids in _chunks([s.binome_id for s in states]):
            self._conn.execute(_CLEAR_TASKS, {"binome_ids": binome_ids})
        tasks = [{"task_id": task.task_id, "binome_id": task.binome_id, "programme_id": state.programme.id,
                  "kind": task.kind, "params": json.dumps(task.params), "since": to_text(task.since),
                  "overdue_since": to_text(task.overdue_since)}
                 for state in states for task in open_tasks(state, self._others_of_mentee(state, binomes_of))]
        if tasks:
            self._conn.execute(insert(staff_tasks), tasks)

    def _others_of_mentee(self, state: BinomeState, binomes_of: dict[str, set[str]]) -> list[BinomeState]:
        if state.stage not in ANSWERED_BY_PROPOSAL or state.mentee_id is None:
            return []
        return [self._states[b] for b in binomes_of[state.mentee_id] if b != state.binome_id]

    def _binomes_of(self, mentee_ids: set[str]) -> dict[str, set[str]]:
        """Each mentee's binômes (their rows, and those of this batch), loaded into the batch."""
        binomes_of: dict[str, set[str]] = {mentee_id: set() for mentee_id in mentee_ids}
        if not mentee_ids:
            return binomes_of
        for chunk in _chunks(list(mentee_ids)):
            for binome_id, mentee_id in self._conn.execute(_OF_MENTEES, {"mentee_ids": chunk}):
                binomes_of[mentee_id].add(binome_id)
        for binome_id, state in self._states.items():
            if state.mentee_id in binomes_of:
                binomes_of[state.mentee_id].add(binome_id)
        self._load_many({b for ids in binomes_of.values() for b in ids} - set(self._states))
        return binomes_of

    def _load(self, binome_id: str, position: int) -> BinomeState:
        return stored_states.state_before(self._conn, _STATE, self._memory, binome_id, position)

    def _load_many(self, binome_ids: set[str]) -> None:
        missing = []
        for binome_id in binome_ids:
            remembered = self._memory.get(binome_id)
            if remembered is not None:
                self._states[binome_id] = remembered
            else:
                missing.append(binome_id)
        for chunk in _chunks(missing):
            for binome_id, stored in self._conn.execute(_STATES, {"binome_ids": chunk}):
                self._states[binome_id] = stored_states.loaded(stored)


def _chunks(ids: list[str]) -> list[list[str]]:
    return [ids[start:start + _IDS_PER_QUERY] for start in range(0, len(ids), _IDS_PER_QUERY)]
