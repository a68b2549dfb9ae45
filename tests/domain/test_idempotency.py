"""A command delivered twice (same id, same body) gives no new fact; the same id with another body is refused."""

from datetime import timedelta

from domain.errors import IdempotencyConflict, InvalidInput
from domain.stages import Stage
from tests.domain.gwt import (
    ACCEPTED_AT, FIRST_MEETING_AT, MENTOR, START, active, answers, command, fingerprint, given, proposed, started,
    then_facts, then_no_facts, then_refused, utc, validated, when,
)

ACCEPT = command("AcceptProposal", at=ACCEPTED_AT, actor=MENTOR, command_id="accept-1")


def test_a_repeated_command_gives_no_new_fact():
    state = given(*proposed(), ACCEPT)

    result = when(state, "AcceptProposal", at=ACCEPTED_AT + timedelta(minutes=1), actor=MENTOR,
                  command_id="accept-1")

    then_no_facts(result)
    assert result.state.version == state.version
    assert state.commands["accept-1"].positions == [2]


def test_a_command_repeated_after_the_binome_moved_on_still_gives_nothing():
    state = given(*proposed(), ACCEPT, command("RecordFirstMeeting", {"mode": "video"}, at=FIRST_MEETING_AT))

    result = when(state, "AcceptProposal", at=FIRST_MEETING_AT + timedelta(days=1), actor=MENTOR,
                  command_id="accept-1")

    then_no_facts(result)


def test_the_same_id_with_another_body_is_a_conflict():
    state = given(*proposed(), ACCEPT)

    result = when(state, "RefuseProposal", {"reason": "Finalement non."}, at=ACCEPTED_AT + timedelta(minutes=1),
                  command_id="accept-1")

    then_refused(result, IdempotencyConflict, "idempotency_key_reused", field="Idempotency-Key")


def test_the_fingerprint_covers_the_declared_date():
    state = given(*active(), command("RecordMeeting", {"mode": "video"}, at=utc(2025, 2, 12),
                                     occurred_at=utc(2025, 2, 10), command_id="meeting-1"))

    same = when(state, "RecordMeeting", {"mode": "video"}, at=utc(2025, 2, 13), occurred_at=utc(2025, 2, 10),
                command_id="meeting-1")
    other_day = when(state, "RecordMeeting", {"mode": "video"}, at=utc(2025, 2, 13), occurred_at=utc(2025, 2, 11),
                     command_id="meeting-1")

    then_no_facts(same)
    then_refused(other_day, IdempotencyConflict, "idempotency_key_reused", field="Idempotency-Key")
    assert fingerprint("RecordMeeting", {"mode": "video"}, utc(2025, 2, 10)) != fingerprint(
        "RecordMeeting", {"mode": "video"}, utc(2025, 2, 11))


def test_every_fact_of_a_command_is_remembered_under_its_id():
    state = given(*validated(), command("SignContract", {"party": "mentor"}, at=utc(2025, 1, 28)),
                  command("SignContract", {"party": "mentee"}, at=utc(2025, 1, 29)))

    result = when(state, "SignContract", {"party": "programme"}, at=START, command_id="sign-programme")

    signed, started_ = then_facts(result, "ContractSigned", "MentorshipStarted")
    record = result.state.commands["sign-programme"]
    assert record.positions == [signed.position, started_.position]
    assert record.fingerprint == signed.fingerprint == started_.fingerprint
    then_no_facts(when(result.state, "SignContract", {"party": "programme"}, at=START + timedelta(hours=1),
                       command_id="sign-programme"))


def test_a_refused_command_leaves_no_trace_and_its_id_can_be_used_again():
    state = given(*proposed())

    refused = when(state, "RefuseProposal", {"reason": ""}, at=ACCEPTED_AT, command_id="answer-1")
    then_refused(refused, InvalidInput, "text_required", field="reason", params={"what_code": "field.refusal_reason"})
    assert "answer-1" not in refused.state.commands

    retried = when(refused.state, "RefuseProposal", {"reason": "Indisponible."}, at=ACCEPTED_AT,
                   command_id="answer-1")
    then_facts(retried, ("ProposalRefused", {"reason": "Indisponible."}))


def test_a_repeat_reaching_a_completed_binome_is_answered_as_a_repeat_not_refused():
    evaluation = {"side": "mentee", "answers": answers(), "rating": 5}
    state = given(*active(), command("RecordPositiveExit", {"outcome": "job"}, at=utc(2025, 3, 10)),
                  command("RecordClosureMeeting", {}, at=utc(2025, 3, 12)),
                  command("RecordEvaluation", {"side": "mentor", "answers": answers(), "rating": 4},
                          at=utc(2025, 3, 13)),
                  command("RecordEvaluation", evaluation, at=utc(2025, 3, 14), command_id="eval-mentee"))
    assert state.stage == Stage.COMPLETED

    repeat = when(state, "RecordEvaluation", evaluation, at=utc(2025, 3, 15), command_id="eval-mentee")
    reuse = when(state, "RecordEvaluation", {**evaluation, "rating": 1}, at=utc(2025, 3, 15), command_id="eval-mentee")

    then_no_facts(repeat)
    then_refused(reuse, IdempotencyConflict, "idempotency_key_reused", field="Idempotency-Key")


def test_facts_made_by_time_carry_no_command_id():
    state = given(*started())

    result = when(state, "RecordMeeting", {"mode": "video"}, at=utc(2025, 3, 20))

    assert [f.type for f in result.elapsed] == ["CadenceShortfall", "MonitoringContactDue"]
    assert all(f.command_id is None and f.fingerprint is None for f in result.elapsed)
    assert result.state.version == state.version + 3
