"""Binômes opened before places were recorded get them recorded once, so the rules across binômes see them."""

import uuid
from datetime import datetime, timezone

from application import backfill
from domain import persons
from domain.commands import CommandEnvelope
from domain.decide import decide
from domain.facts import Actor
from domain.state import BinomeState, evolve

STAFF = Actor("staff", "alice")
T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)


def registered(store, role: str) -> str:
    person_id = uuid.uuid4()
    store.append(person_id, [persons.register(persons.Person(str(person_id), role, role, None, None, []), STAFF, T0,
                                              f"r-{person_id}", "fp")])
    return str(person_id)


def proposed_without_places(store, mentor: str, mentee: str, refused: bool = False) -> str:
    """As the version before programmes recorded it: the binôme's facts only."""
    binome_id = uuid.uuid4()
    state = BinomeState(str(binome_id))
    facts = decide(state, CommandEnvelope("ProposeMentee", {"mentor_id": mentor, "mentee_id": mentee}, "c1", STAFF,
                                          T0), T0)
    if refused:
        for fact in facts:
            evolve(state, fact)
        facts += decide(state, CommandEnvelope("RefuseProposal", {"reason": "non"}, "c2", STAFF, T0), T0)
    store.append(binome_id, facts)
    return str(binome_id)


def open_binomes(store, person_id: str) -> dict:
    return persons.fold(person_id, [r.fact for r in store.read(uuid.UUID(person_id))]).open_binomes


def test_open_binomes_get_their_places_once_and_ended_ones_none(container):
    store = container.store
    mentor, mentee, other = registered(store, "mentor"), registered(store, "mentee"), registered(store, "mentee")
    open_one = proposed_without_places(store, mentor, mentee)
    proposed_without_places(store, mentor, other, refused=True)

    assert backfill.record_held_places(store) == 2
    assert backfill.record_held_places(store) == 0

    assert open_binomes(store, mentor) == {open_one: mentee}
    assert open_binomes(store, mentee) == {open_one: mentor}
    assert open_binomes(store, other) == {}
