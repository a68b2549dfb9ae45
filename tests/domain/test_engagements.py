"""The rules across binômes: one open binôme per mentee, a mentor's capacity, no pair open twice; an end frees."""

from datetime import timedelta

import pytest

from domain import engagements, persons
from domain.engagements import Engagement
from domain.errors import NotAllowed, NotFound
from domain.facts import Fact
from domain.persons import Person, PersonState
from domain.state import BinomeState, fold as fold_binome
from tests.domain.gwt import PROPOSED_AT, STAFF


def registered(person_id: str, role: str, *, capacity: int = 1, programme_id: str = "default",
               step: str | None = None) -> PersonState:
    fact = persons.register(Person(person_id, role, person_id, None, None, [], programme_id, capacity,
                                   step=step or persons.PROPOSABLE_STEP[role]), STAFF, PROPOSED_AT, f"reg-{person_id}", "fp")
    return persons.fold(person_id, [fact])


def joining(binome_id: str, mentor: str = "mentor-1", mentee: str = "mentee-1") -> Engagement:
    return Engagement(binome_id, mentor, mentee, "join", PROPOSED_AT)


def apply(state: PersonState, facts: list[tuple[str, Fact]]) -> PersonState:
    for person_id, fact in facts:
        if person_id == state.person_id:
            persons.evolve(state, fact)
    return state


def test_a_proposal_takes_the_place_of_both_persons_on_their_own_streams():
    mentor, mentee = registered("mentor-1", "mentor"), registered("mentee-1", "mentee")

    facts = engagements.join(joining("b1"), mentor, mentee, STAFF)

    assert [(pid, f.type, f.position, f.data) for pid, f in facts] == [
        ("mentor-1", "BinomeJoined", 2, {"binome_id": "b1", "partner_id": "mentee-1"}),
        ("mentee-1", "BinomeJoined", 2, {"binome_id": "b1", "partner_id": "mentor-1"}),
    ]


def test_a_mentee_in_an_open_binome_cannot_be_proposed_again():
    mentor, other_mentor, mentee = registered("mentor-1", "mentor"), registered("mentor-2", "mentor"), \
        registered("mentee-1", "mentee")
    apply(mentee, engagements.join(joining("b1"), mentor, mentee, STAFF))

    with pytest.raises(NotAllowed) as refused:
        engagements.join(joining("b2", mentor="mentor-2"), other_mentor, mentee, STAFF)

    assert (refused.value.code, refused.value.params) == ("mentee_already_in_binome", {"binome_id": "b1"})


def test_a_mentor_at_capacity_is_refused_and_a_larger_capacity_allows_more():
    mentor = registered("mentor-1", "mentor")
    first, second = registered("mentee-1", "mentee"), registered("mentee-2", "mentee")
    apply(mentor, engagements.join(joining("b1"), mentor, first, STAFF))

    with pytest.raises(NotAllowed) as refused:
        engagements.join(joining("b2", mentee="mentee-2"), mentor, second, STAFF)
    assert (refused.value.code, refused.value.params) == ("mentor_at_capacity", {"capacity": 1})

    roomy = registered("mentor-9", "mentor", capacity=2)
    apply(roomy, engagements.join(joining("b3", mentor="mentor-9"), roomy, registered("mentee-3", "mentee"), STAFF))
    assert len(engagements.join(joining("b4", mentor="mentor-9", mentee="mentee-2"), roomy, second, STAFF)) == 2


def test_the_same_pair_is_not_open_twice():
    mentor = registered("mentor-1", "mentor", capacity=3)
    mentee = registered("mentee-1", "mentee")
    apply(mentor, engagements.join(joining("b1"), mentor, mentee, STAFF))

    with pytest.raises(NotAllowed) as refused:
        engagements.join(joining("b2"), mentor, registered("mentee-1", "mentee"), STAFF)

    assert refused.value.code == "pair_already_open"


def test_joining_again_for_the_same_binome_records_nothing():
    mentor, mentee = registered("mentor-1", "mentor"), registered("mentee-1", "mentee")
    facts = engagements.join(joining("b1"), mentor, mentee, STAFF)
    apply(mentor, facts), apply(mentee, facts)

    assert engagements.join(joining("b1"), mentor, mentee, STAFF) == []


def test_roles_and_programmes_are_checked():
    mentor, mentee = registered("mentor-1", "mentor"), registered("mentee-1", "mentee")
    with pytest.raises(NotFound) as wrong_role:
        engagements.join(joining("b1"), mentee, mentee, STAFF)
    assert (wrong_role.value.code, wrong_role.value.field) == ("mentor_not_found", "mentor_id")
    with pytest.raises(NotFound) as unknown:
        engagements.join(joining("b1"), mentor, PersonState("nobody"), STAFF)
    assert (unknown.value.code, unknown.value.field) == ("mentee_not_found", "mentee_id")

    with pytest.raises(NotAllowed) as elsewhere:
        engagements.join(joining("b1"), mentor, registered("mentee-1", "mentee", programme_id="wallonie"), STAFF)
    assert elsewhere.value.code == "pair_in_different_programmes"


def proposal(binome_id: str = "b1") -> list[Fact]:
    return [Fact("MentorshipProposed", 1, PROPOSED_AT, STAFF,
                 {"mentor_id": "mentor-1", "mentee_id": "mentee-1", "note": "", "programme": {},
                  "response_due_at": None})]


def test_a_proposal_asks_to_join_and_an_end_asks_to_leave():
    before = BinomeState("b1")
    assert engagements.change_for(before, proposal()) == joining("b1")

    proposed = fold_binome("b1", [])
    proposed.stage, proposed.mentor_id, proposed.mentee_id, proposed.version = "proposed", "mentor-1", "mentee-1", 1
    expired = Fact("ProposalExpired", 2, PROPOSED_AT + timedelta(days=7), STAFF, {"reason": "response_delay_passed"})

    change = engagements.change_for(proposed, [expired])

    assert (change.change, change.reason, change.occurred_at) == ("leave", "proposal_expired", expired.occurred_at)
    accepted = Fact("ProposalAccepted", 2, PROPOSED_AT, STAFF, {"first_meeting_due_at": PROPOSED_AT.isoformat()})
    assert engagements.change_for(proposed, [accepted]) is None


def test_leaving_frees_the_places_and_the_mentee_can_be_proposed_again():
    mentor, mentee = registered("mentor-1", "mentor"), registered("mentee-1", "mentee")
    joined = engagements.join(joining("b1"), mentor, mentee, STAFF)
    apply(mentor, joined), apply(mentee, joined)
    ended = Engagement("b1", "mentor-1", "mentee-1", "leave", PROPOSED_AT + timedelta(days=7),
                       reason="proposal_expired")

    left = engagements.leave(ended, [mentor, mentee])
    apply(mentor, left), apply(mentee, left)

    assert [f.type for _, f in left] == ["BinomeLeft", "BinomeLeft"]
    assert mentor.open_binomes == mentee.open_binomes == {}
    assert engagements.leave(ended, [mentor, mentee]) == []
    again = Engagement("b2", "mentor-1", "mentee-1", "join", PROPOSED_AT + timedelta(days=8))
    assert len(engagements.join(again, mentor, mentee, STAFF)) == 2
