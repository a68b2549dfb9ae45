"""How each fact changes the views: binômes (state folded by the domain), staff tasks, persons."""

import json

from domain import persons
from domain.schedule import next_deadline
from domain.state import BinomeState, evolve
from domain.tasks import open_tasks
from eventstore import RecordedFact
from projections.db import Tx
from projections.timestamps import to_text

PERSON_FACTS = frozenset(persons.REGISTERED.values())


class BatchApplier:
    """Applies a batch of facts inside one view transaction, writing each touched binôme once."""

    def __init__(self, tx: Tx):
        self._tx = tx
        self._states: dict[str, BinomeState] = {}

    def apply(self, recorded: RecordedFact) -> None:
        fact = recorded.fact
        if fact.type in PERSON_FACTS:
            self._person(recorded)
            return
        binome_id = str(recorded.stream_id)
        state = self._states.get(binome_id) or self._load(binome_id)
        evolve(state, fact)
        self._states[binome_id] = state
        if fact.type == "MentorshipProposed":
            self._close_expired_proposals_of(state)

    def flush(self) -> None:
        for state in self._states.values():
            self._write(state)
        self._states.clear()

    def _load(self, binome_id: str) -> BinomeState:
        row = self._tx.one("SELECT state FROM binomes WHERE binome_id = ?", (binome_id,))
        return BinomeState.from_dict(json.loads(row["state"])) if row else BinomeState(binome_id)

    def _write(self, state: BinomeState) -> None:
        tasks = open_tasks(state)
        row = (
            state.stage.value, state.mentor_id, state.mentee_id, state.version,
            int(any(task.overdue for task in tasks)), to_text(state.proposed_at),
            to_text(next_deadline(state)), json.dumps(state.to_dict()), state.binome_id,
        )
        self._tx.execute(
            """INSERT INTO binomes (stage, mentor_id, mentee_id, version, overdue, proposed_at, next_due_at,
               state, binome_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (binome_id) DO UPDATE SET stage = excluded.stage, mentor_id = excluded.mentor_id,
               mentee_id = excluded.mentee_id, version = excluded.version, overdue = excluded.overdue,
               proposed_at = excluded.proposed_at, next_due_at = excluded.next_due_at, state = excluded.state""",
            row,
        )
        self._tx.execute("DELETE FROM staff_tasks WHERE binome_id = ?", (state.binome_id,))
        for task in tasks:
            self._tx.execute(
                """INSERT INTO staff_tasks (task_id, binome_id, kind, params, since, overdue_since)
                   VALUES (?, ?, ?, ?, ?, ?)""",
                (task.task_id, task.binome_id, task.kind, json.dumps(task.params), to_text(task.since),
                 to_text(task.overdue_since)),
            )

    def _close_expired_proposals_of(self, state: BinomeState) -> None:
        # Proposing the mentee again answers the "proposal expired" task of their earlier binômes.
        self._tx.execute(
            """DELETE FROM staff_tasks WHERE kind = 'proposal_expired' AND binome_id IN
               (SELECT binome_id FROM binomes WHERE mentee_id = ? AND binome_id <> ?)""",
            (state.mentee_id, state.binome_id),
        )

    def _person(self, recorded: RecordedFact) -> None:
        person = persons.from_fact(str(recorded.stream_id), recorded.fact)
        self._tx.execute(
            """INSERT INTO persons (person_id, role, name, email, phone, languages, registered_at)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            (person.person_id, person.role, person.name, person.email, person.phone,
             json.dumps(person.languages), to_text(recorded.fact.occurred_at)),
        )
