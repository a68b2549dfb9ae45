"""A mentee is proposed to a mentor, who accepts or refuses within 7 days, or the proposal expires."""

from datetime import timedelta

from domain.errors import InvalidInput, NotAllowed
from domain.facts import SYSTEM
from domain.programme import Programme
from domain.schedule import catch_up, due_facts, next_deadline
from domain.stages import Stage
from domain.tasks import open_tasks
from tests.domain.gwt import (
    ACCEPTED_AT, MENTOR, PROPOSED_AT, RESPONSE_DUE_AT, accepted, given, happened, proposed, then_facts,
    then_refused, until, when, when_time_passes,
)


def test_a_proposal_records_both_people_and_the_response_deadline_seven_days_on():
    result = when(given(), "ProposeMentee", {"mentor_id": " mentor-1 ", "mentee_id": "mentee-1", "note": " CV "},
                  at=PROPOSED_AT)

    (fact,) = then_facts(result, ("MentorshipProposed", {
        "mentor_id": "mentor-1", "mentee_id": "mentee-1", "note": "CV",
        "response_due_at": "2025-01-13T09:00:00+00:00",
    }))
    assert fact.position == 1
    assert fact.occurred_at == PROPOSED_AT
    assert fact.data["programme"]["proposal_response_days"] == 7
    assert result.state.stage == Stage.PROPOSED
    assert next_deadline(result.state) == RESPONSE_DUE_AT


def test_the_proposal_keeps_the_programme_delays_it_was_made_under():
    state = given(*proposed(), programme=Programme(id="court", proposal_response_days=3))

    assert state.programme.id == "court"
    assert state.response_due_at == PROPOSED_AT + timedelta(days=3)


def test_a_mentee_cannot_be_their_own_mentor():
    result = when(given(), "ProposeMentee", {"mentor_id": "p-1", "mentee_id": "p-1"}, at=PROPOSED_AT)

    then_refused(result, InvalidInput, "mentee_is_mentor", field="mentee_id")


def test_a_proposal_names_a_mentor():
    result = when(given(), "ProposeMentee", {"mentor_id": "  ", "mentee_id": "mentee-1"}, at=PROPOSED_AT)

    then_refused(result, InvalidInput, "text_required", field="mentor_id", params={"what_code": "field.mentor"})


def test_a_binome_is_proposed_only_once():
    result = when(given(*proposed()), "ProposeMentee", {"mentor_id": "m-2", "mentee_id": "e-2"}, at=ACCEPTED_AT)

    then_refused(result, NotAllowed, "binome_already_proposed")


def test_nothing_happens_to_a_binome_before_its_proposal():
    result = when(given(), "AcceptProposal", at=ACCEPTED_AT)

    then_refused(result, NotAllowed, "binome_not_proposed")


def test_the_mentor_accepts_and_the_first_meeting_is_due_21_days_later():
    result = when(given(*proposed()), "AcceptProposal", at=ACCEPTED_AT, actor=MENTOR)

    (fact,) = then_facts(result, ("ProposalAccepted", {"first_meeting_due_at": "2025-01-29T09:00:00+00:00"}))
    assert fact.actor == MENTOR
    assert result.state.stage == Stage.AWAITING_FIRST_MEETING
    assert next_deadline(result.state) == ACCEPTED_AT + timedelta(days=21)


def test_an_acceptance_is_not_dated_before_the_proposal():
    result = when(given(*proposed()), "AcceptProposal", at=ACCEPTED_AT, occurred_at=PROPOSED_AT - timedelta(hours=1))

    then_refused(result, InvalidInput, "date_before_step", field="occurred_at",
                 params={"step_code": "moment.proposal", "earliest": "2025-01-06"})


def test_a_proposal_is_answered_only_once():
    result = when(given(*accepted()), "RefuseProposal", {"reason": "Plus disponible."}, at=ACCEPTED_AT)

    then_refused(result, NotAllowed, "proposal_not_awaiting_answer",
                 params={"stage_code": "stage.awaiting_first_meeting"})


def test_the_mentor_refuses_with_a_reason_and_the_binome_ends():
    result = when(given(*proposed()), "RefuseProposal", {"reason": "  Pas de disponibilité avant l'été. "},
                  at=ACCEPTED_AT, actor=MENTOR)

    then_facts(result, ("ProposalRefused", {"reason": "Pas de disponibilité avant l'été."}))
    assert result.state.stage == Stage.PROPOSAL_REFUSED
    assert result.state.finished
    assert result.state.ended_reason == "Pas de disponibilité avant l'été."
    assert next_deadline(result.state) is None


def test_a_refusal_needs_a_reason():
    result = when(given(*proposed()), "RefuseProposal", {"reason": "   "}, at=ACCEPTED_AT, actor=MENTOR)

    then_refused(result, InvalidInput, "text_required", field="reason", params={"what_code": "field.refusal_reason"})


def test_a_refusal_without_the_reason_field_is_incomplete():
    result = when(given(*proposed()), "RefuseProposal", {}, at=ACCEPTED_AT, actor=MENTOR)

    then_refused(result, InvalidInput, "fields_missing", field="payload", params={"missing": "reason"})


def test_nothing_expires_a_moment_before_the_seven_days():
    assert due_facts(given(*proposed()), RESPONSE_DUE_AT - timedelta(seconds=1)) == []


def test_the_proposal_expires_at_exactly_seven_days():
    result = when_time_passes(given(*proposed()), RESPONSE_DUE_AT)

    (fact,) = then_facts(result, ("ProposalExpired", {"reason": "response_delay_passed"}))
    assert (fact.position, fact.occurred_at, fact.actor, fact.command_id) == (2, RESPONSE_DUE_AT, SYSTEM, None)
    assert result.state.stage == Stage.PROPOSAL_EXPIRED


def test_an_expiry_recorded_before_reasons_were_codes_reads_as_the_code():
    # Facts recorded by the first version hold the French sentence; they stay in the store as they are.
    state = given(*proposed(), happened("ProposalExpired", RESPONSE_DUE_AT, SYSTEM,
                                        reason="Délai de réponse du mentor dépassé."))

    assert state.stage == Stage.PROPOSAL_EXPIRED
    assert state.ended_reason == "response_delay_passed"
    assert given(*proposed(), until(RESPONSE_DUE_AT)).ended_reason == "response_delay_passed"


def test_an_expiry_noticed_late_is_dated_at_the_deadline():
    result = when_time_passes(given(*proposed()), RESPONSE_DUE_AT + timedelta(days=5))

    (fact,) = then_facts(result, "ProposalExpired")
    assert fact.occurred_at == RESPONSE_DUE_AT
    assert result.state.ended_at == RESPONSE_DUE_AT


def test_an_expired_proposal_asks_staff_to_propose_another_mentor():
    state = given(*proposed())
    expired = when_time_passes(state, RESPONSE_DUE_AT).state

    (task,) = open_tasks(expired)
    assert (task.kind, task.since, task.overdue) == ("proposal_expired", RESPONSE_DUE_AT, False)
    assert task.task_id == "binome-1/proposal_expired/1"


def test_an_acceptance_arriving_at_the_deadline_is_too_late():
    result = when(given(*proposed()), "AcceptProposal", at=RESPONSE_DUE_AT, actor=MENTOR)

    assert [f.type for f in result.elapsed] == ["ProposalExpired"]
    then_refused(result, NotAllowed, "binome_finished", params={"stage_code": "stage.proposal_expired"})


def test_an_acceptance_a_minute_before_the_deadline_is_in_time():
    result = when(given(*proposed()), "AcceptProposal", at=RESPONSE_DUE_AT - timedelta(minutes=1), actor=MENTOR)

    then_facts(result, "ProposalAccepted")
    assert result.elapsed == []


def test_catching_up_copies_the_state_only_when_time_made_something_due():
    state = given(*proposed())
    before = state.to_dict()

    unchanged, none = catch_up(state, RESPONSE_DUE_AT - timedelta(seconds=1))
    assert unchanged is state and none == []

    expired, facts = catch_up(state, RESPONSE_DUE_AT)
    assert [f.type for f in facts] == ["ProposalExpired"]
    assert expired is not state and expired.stage == Stage.PROPOSAL_EXPIRED
    assert state.to_dict() == before  # the state it was given is left as it was
