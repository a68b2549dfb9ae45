"""Mentors and mentees are registered with a minimal record, one fact each."""

from domain.persons import Person, from_fact, register
from tests.domain.gwt import PROPOSED_AT, STAFF


def test_registering_a_mentor_records_one_fact_that_gives_the_person_back():
    person = Person("mentor-1", "mentor", "Awa Diallo", "awa@example.org", None, ["fr", "wo"])

    fact = register(person, STAFF, PROPOSED_AT, "reg-1", "fp-1")

    assert (fact.type, fact.position, fact.command_id) == ("MentorRegistered", 1, "reg-1")
    assert fact.occurred_at == PROPOSED_AT
    assert fact.data == {"name": "Awa Diallo", "email": "awa@example.org", "phone": None, "languages": ["fr", "wo"]}
    assert from_fact("mentor-1", fact) == person


def test_a_mentee_is_registered_as_a_mentee():
    person = Person("mentee-1", "mentee", "Léo Martin", None, "+33600000000", [])

    assert from_fact("mentee-1", register(person, STAFF, PROPOSED_AT, "reg-2", "fp-2")) == person
    assert register(person, STAFF, PROPOSED_AT, "reg-2", "fp-2").type == "MenteeRegistered"
