"""Appends facts to a store through the domain's rules, as the worker would."""

import uuid
from datetime import datetime, timedelta, timezone

from domain import persons
from domain.commands import CommandEnvelope
from domain.decide import decide
from domain.facts import Actor
from domain.schedule import due_facts
from domain.state import BinomeState, evolve
from projections.results_reads import ResultReads

STAFF = Actor("staff", "alice")
T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)

PROPOSED = [("ProposeMentee", {"mentor_id": "m", "mentee_id": "e"})]
ACCEPTED = PROPOSED + [("AcceptProposal", {})]


def record_binome(store, steps: list[tuple[str, dict]], binome_id: uuid.UUID | None = None,
                  start: datetime = T0) -> uuid.UUID:
    """Appends, through the domain's rules, the facts of `steps` for a new binôme, an hour apart after `start`."""
    binome_id = binome_id or uuid.uuid4()
    state = BinomeState(str(binome_id))
    for number, (name, payload) in enumerate(steps, start=1):
        at = start + timedelta(hours=number)
        facts = decide(state, CommandEnvelope(name, payload, f"c{number}", STAFF, at), at)
        store.append(binome_id, facts)
        for fact in facts:
            evolve(state, fact)
    return binome_id


def time_passes(store, binome_id: uuid.UUID, now: datetime) -> None:
    """Appends the facts time has made due by `now` (as the workflow's timers would)."""
    state = BinomeState(str(binome_id))
    for recorded in store.read(binome_id):
        evolve(state, recorded.fact)
    store.append(binome_id, due_facts(state, now))


def record_expired_proposal(store, mentee_id: str) -> uuid.UUID:
    """A proposal the mentor never answered: eight days later it has expired."""
    binome_id = uuid.uuid4()
    state = BinomeState(str(binome_id))
    facts = decide(state, CommandEnvelope("ProposeMentee", {"mentor_id": "m1", "mentee_id": mentee_id}, "c1", STAFF,
                                          T0), T0)
    for fact in facts:
        evolve(state, fact)
    store.append(binome_id, facts + due_facts(state, T0 + timedelta(days=8)))
    return binome_id


def register(store, role: str, name: str) -> uuid.UUID:
    person_id = uuid.uuid4()
    person = persons.Person(str(person_id), role, name, None, None, ["fr"], step=persons.PROPOSABLE_STEP[role])
    store.append(person_id, [persons.register(person, STAFF, T0, str(person_id), "fp")])
    return person_id


def snapshot(views) -> tuple:
    """Everything the views answer, to compare two states of them."""
    binomes = views.binomes(None, None, None, None, 1000)
    # The results view over the same database (it has reads of its own, not in Views).
    results = sorted(ResultReads(views._db).rows(None, None), key=lambda row: row["binome_id"])
    return (binomes.items, views.tasks(None, None, 1000).items, views.persons("mentor", 1000).items,
            views.persons("mentee", 1000).items, [views.binome(row.binome_id) for row in binomes.items],
            views.programmes(), results)
