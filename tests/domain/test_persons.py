"""Mentors and mentees are registered with a minimal record, one fact each."""

from dataclasses import replace

import pytest

from domain.errors import InvalidInput, NotAllowed
from domain.persons import Person, change_profile, evolve, fold, from_fact, register
from tests.domain.gwt import PROPOSED_AT, STAFF


def test_registering_a_mentor_records_one_fact_that_gives_the_person_back():
    person = Person("mentor-1", "mentor", "Awa Diallo", "awa@example.org", None, ["fr", "wo"])

    fact = register(person, STAFF, PROPOSED_AT, "reg-1", "fp-1")

    assert (fact.type, fact.position, fact.command_id) == ("MentorRegistered", 1, "reg-1")
    assert fact.occurred_at == PROPOSED_AT
    assert fact.data == {"name": "Awa Diallo", "email": "awa@example.org", "phone": None, "languages": ["fr", "wo"],
                         "programme_id": "default", "capacity": 1, "organisation_id": None, "step": "candidate",
                         "background": None}
    assert from_fact("mentor-1", fact) == replace(person, step="candidate")


def test_a_mentee_is_registered_as_a_mentee():
    person = Person("mentee-1", "mentee", "Léo Martin", None, "+33600000000", [])

    assert from_fact("mentee-1", register(person, STAFF, PROPOSED_AT, "reg-2", "fp-2")) == replace(person,
                                                                                                   step="applied")
    assert register(person, STAFF, PROPOSED_AT, "reg-2", "fp-2").type == "MenteeRegistered"


def test_a_person_is_a_stream_of_facts_profile_changes_included():
    person = Person("mentor-1", "mentor", "Awa Diallo", None, None, ["fr"], "bruxelles", 2)
    state = fold("mentor-1", [register(person, STAFF, PROPOSED_AT, "reg-1", "fp-1")])

    changes = change_profile(state, {"phone": "+32470000000", "capacity": 3}, STAFF, PROPOSED_AT, "chg-1", "fp")
    assert [(f.type, f.position, f.data) for f in changes] == [
        ("PersonProfileChanged", 2, {"changes": {"phone": "+32470000000", "capacity": 3}})]
    evolve(state, changes[0])

    assert (state.phone, state.capacity, state.programme_id, state.version) == ("+32470000000", 3, "bruxelles", 2)
    assert change_profile(state, {"phone": "+32470000000", "capacity": 3}, STAFF, PROPOSED_AT, "chg-1", "fp") == []


def test_a_profile_change_is_checked():
    mentee = fold("mentee-1", [register(Person("mentee-1", "mentee", "Léo", None, None, []), STAFF, PROPOSED_AT,
                                        "r", "f")])
    with pytest.raises(InvalidInput) as refused:
        change_profile(mentee, {"capacity": 2}, STAFF, PROPOSED_AT, "c", "f")
    assert (refused.value.code, refused.value.field) == ("capacity_for_mentors_only", "capacity")
    with pytest.raises(InvalidInput) as unknown:
        change_profile(mentee, {"role": "mentor"}, STAFF, PROPOSED_AT, "c", "f")
    assert unknown.value.field == "role"
    with pytest.raises(NotAllowed):
        change_profile(fold("nobody", []), {"phone": "1"}, STAFF, PROPOSED_AT, "c", "f")
