"""The period ends by a positive exit, an early stop, or the term; a closure meeting then asks for evaluations."""

from datetime import timedelta

import pytest

from domain.errors import InvalidInput, NotAllowed
from domain.schedule import due_facts, next_deadline
from domain.stages import Stage
from domain.tasks import open_tasks
from tests.domain.gwt import (
    MENTEE, MENTOR_SIGNED_AT, START, TERM, active, command, given, regular_meetings, then_facts, then_refused,
    until, utc, validated, when, when_time_passes,
)

IN_MONTH_3 = utc(2025, 4, 15)
CLOSURE_AT = utc(2025, 4, 22)


def exited(at=IN_MONTH_3):
    return [*active(), *regular_meetings(1, 2), command("RecordPositiveExit", {"outcome": "job"}, at=at)]


def test_a_positive_exit_in_month_three_closes_the_period_early():
    state = given(*active(), *regular_meetings(1, 2))

    result = when(state, "RecordPositiveExit", {"outcome": "job", "details": " CDI chez Acme "}, at=IN_MONTH_3)

    (fact,) = then_facts(result, ("PositiveExitRecorded", {"outcome": "job", "details": "CDI chez Acme"}))
    assert fact.occurred_at == IN_MONTH_3
    assert (result.state.stage, result.state.exit_kind, result.state.exit_at) == (Stage.CLOSURE_DUE, "positive",
                                                                                   IN_MONTH_3)
    assert [(t.kind, t.since) for t in open_tasks(result.state)] == [("closure_meeting", IN_MONTH_3)]


def test_after_an_exit_the_term_never_comes():
    result = when_time_passes(given(*exited()), TERM + timedelta(days=90))

    assert result.facts == []
    assert next_deadline(result.state) is None


def test_a_positive_exit_names_a_known_outcome():
    result = when(given(*active()), "RecordPositiveExit", {"outcome": "lottery"}, at=IN_MONTH_3)

    then_refused(result, InvalidInput, "choice_expected", field="outcome",
                 params={"choices": "job, training, internship, business_creation, return_to_studies"})


def test_an_early_stop_keeps_who_stopped_and_why():
    result = when(given(*active()), "RecordEarlyStop", {"by": "mentee", "reason": " Déménagement. "},
                  at=IN_MONTH_3, actor=MENTEE)

    then_facts(result, ("EarlyStopRecorded", {"by": "mentee", "reason": "Déménagement."}))
    assert (result.state.stage, result.state.exit_kind) == (Stage.CLOSURE_DUE, "early_stop")


@pytest.mark.parametrize("payload, field, code, params", [
    ({"by": "mentor", "reason": ""}, "reason", "text_required", {"what_code": "field.stop_reason"}),
    ({"by": "employer", "reason": "Fin."}, "by", "choice_expected", {"choices": "mentor, mentee, staff"}),
])
def test_an_early_stop_says_by_whom_and_why(payload, field, code, params):
    result = when(given(*active()), "RecordEarlyStop", payload, at=IN_MONTH_3)

    then_refused(result, InvalidInput, code, field=field, params=params)


def test_an_early_stop_may_happen_during_intake():
    signatures = [command("SignContract", {"party": p}, at=START) for p in ("mentor", "mentee", "programme")]
    state = given(*validated(), *signatures)

    result = when(state, "RecordEarlyStop", {"by": "staff", "reason": "Injoignable."}, at=START + timedelta(days=3))

    then_facts(result, "EarlyStopRecorded")


def test_no_exit_before_the_contract():
    result = when(given(*validated()), "RecordPositiveExit", {"outcome": "job"}, at=MENTOR_SIGNED_AT)

    then_refused(result, NotAllowed, "exit_during_period", params={"stage_code": "stage.awaiting_contract"})


def test_an_exit_is_not_dated_before_the_period():
    result = when(given(*active()), "RecordPositiveExit", {"outcome": "job"}, at=IN_MONTH_3,
                  occurred_at=START - timedelta(days=1))

    then_refused(result, InvalidInput, "date_before_step", field="occurred_at",
                 params={"step_code": "moment.period_start", "earliest": "2025-02-03"})


def test_a_binome_exits_once():
    result = when(given(*exited()), "RecordEarlyStop", {"by": "mentor", "reason": "Fin."},
                  at=IN_MONTH_3 + timedelta(days=1))

    then_refused(result, NotAllowed, "early_stop_during_period", params={"stage_code": "stage.closure_due"})


def test_the_term_is_reached_six_months_after_the_start():
    state = given(*active(), *regular_meetings(1, 2, 3, 4, 5, 6), until(TERM - timedelta(seconds=1)))
    assert state.stage == Stage.ACTIVE

    result = when_time_passes(state, TERM)

    then_facts(result, ("TermReached", {}))
    assert result.facts[0].occurred_at == TERM
    assert (result.state.stage, result.state.exit_kind, result.state.exit_at) == (Stage.CLOSURE_DUE, "term", TERM)
    assert [(t.kind, t.since) for t in open_tasks(result.state)] == [("closure_meeting", TERM)]


def test_a_command_at_the_term_finds_the_period_over():
    state = given(*active(), *regular_meetings(1, 2, 3, 4, 5, 6))

    result = when(state, "RecordMeeting", {"mode": "video"}, at=TERM)

    assert "TermReached" in [f.type for f in result.elapsed]
    then_refused(result, NotAllowed, "meetings_after_exit", params={"exit_on": "2025-08-03"})


def test_the_closure_meeting_waits_for_an_exit_or_the_term():
    result = when(given(*active()), "RecordClosureMeeting", {}, at=IN_MONTH_3)

    then_refused(result, NotAllowed, "closure_after_exit", params={"stage_code": "stage.active"})


def test_the_closure_meeting_asks_both_sides_for_an_evaluation_within_30_days():
    result = when(given(*exited()), "RecordClosureMeeting", {"notes": " Bilan positif "}, at=CLOSURE_AT)

    held, requested = then_facts(result, ("ClosureMeetingHeld", {"notes": "Bilan positif"}), ("EvaluationRequested", {
        "sides": ["mentor", "mentee"], "due_at": "2025-05-22T10:00:00+00:00"}))
    assert held.occurred_at == requested.occurred_at == CLOSURE_AT
    assert result.state.stage == Stage.EVALUATION
    assert result.state.evaluation_due_at == CLOSURE_AT + timedelta(days=30)
    assert next_deadline(result.state) == CLOSURE_AT + timedelta(days=30)
    assert open_tasks(result.state) == []


def test_a_closure_meeting_entered_late_counts_its_30_days_from_when_it_was_held():
    result = when(given(*exited()), "RecordClosureMeeting", {}, at=CLOSURE_AT, occurred_at=utc(2025, 4, 17))

    then_facts(result, "ClosureMeetingHeld", ("EvaluationRequested", {"due_at": "2025-05-17T10:00:00+00:00"}))


def test_the_closure_meeting_is_not_dated_before_the_exit():
    result = when(given(*exited()), "RecordClosureMeeting", {}, at=CLOSURE_AT,
                  occurred_at=IN_MONTH_3 - timedelta(days=1))

    then_refused(result, InvalidInput, "date_before_step", field="occurred_at",
                 params={"step_code": "moment.exit", "earliest": "2025-04-15"})


def test_the_closure_meeting_is_held_once():
    state = given(*exited(), command("RecordClosureMeeting", {}, at=CLOSURE_AT))

    result = when(state, "RecordClosureMeeting", {}, at=CLOSURE_AT + timedelta(days=1))

    then_refused(result, NotAllowed, "closure_after_exit", params={"stage_code": "stage.evaluation"})


def test_after_the_term_the_closure_meeting_follows():
    state = given(*active(), *regular_meetings(1, 2, 3, 4, 5, 6), until(TERM + timedelta(days=3)))

    result = when(state, "RecordClosureMeeting", {}, at=TERM + timedelta(days=10))

    then_facts(result, "ClosureMeetingHeld", "EvaluationRequested")
    assert due_facts(result.state, TERM + timedelta(days=39, hours=23)) == []
