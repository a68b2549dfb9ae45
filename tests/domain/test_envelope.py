"""Commands arrive as a name and a plain payload; actors are written '<kind>:<id>'."""

from datetime import timedelta

import pytest

from domain.errors import InvalidInput
from domain.facts import Actor, Fact
from tests.domain.gwt import PROPOSED_AT, STAFF, given, proposed, then_refused, when


def test_an_unknown_command_is_refused_by_name():
    result = when(given(*proposed()), "ApproveEverything", {}, at=PROPOSED_AT)

    then_refused(result, InvalidInput, "command_unknown", field="name", params={"name": "ApproveEverything"})


def test_an_unknown_field_is_named():
    result = when(given(*proposed()), "RefuseProposal", {"reason": "Non.", "tone": "sec"}, at=PROPOSED_AT)

    then_refused(result, InvalidInput, "field_unknown", field="tone")


def test_a_missing_field_is_refused_as_an_incomplete_payload():
    result = when(given(), "ProposeMentee", {"mentor_id": "m-1"}, at=PROPOSED_AT)

    then_refused(result, InvalidInput, "fields_missing", field="payload", params={"missing": "mentee_id"})


@pytest.mark.parametrize("text, actor", [
    ("staff:claire", Actor("staff", "claire")),
    ("mentor: m-1 ", Actor("mentor", "m-1")),
    ("system:mentorat", Actor("system", "mentorat")),
])
def test_an_actor_is_read_from_kind_and_id(text, actor):
    assert Actor.parse(text) == actor
    assert str(actor) == f"{actor.kind}:{actor.id}"


@pytest.mark.parametrize("text", ["claire", "boss:claire", "staff:", "staff:  "])
def test_an_actor_needs_a_known_kind_and_an_id(text):
    with pytest.raises(ValueError):
        Actor.parse(text)


def test_a_retried_fact_is_the_same_whoever_wrote_it():
    fact = Fact("MeetingHeld", 12, PROPOSED_AT, STAFF, {"mode": "video"}, "cmd-1", "f-1")

    assert fact.same_as(Fact("MeetingHeld", 12, PROPOSED_AT, Actor("system", "x"), {"mode": "video"}, "cmd-1", "f-2"))
    assert not fact.same_as(Fact("MeetingHeld", 12, PROPOSED_AT, STAFF, {"mode": "in_person"}, "cmd-1", "f-1"))
    assert not fact.same_as(Fact("MeetingHeld", 13, PROPOSED_AT, STAFF, {"mode": "video"}, "cmd-1", "f-1"))
    assert not fact.same_as(Fact("MeetingHeld", 12, PROPOSED_AT + timedelta(days=1), STAFF, {"mode": "video"},
                                 "cmd-1", "f-1"))
