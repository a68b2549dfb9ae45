"""Each side evaluates the mentorship (answers to the programme's questions, a 1–5 rating) within 30 days."""

from datetime import timedelta

import pytest

from domain.errors import InvalidInput, NotAllowed
from domain.schedule import due_facts, next_deadline
from domain.stages import Stage
from tests.domain.gwt import (
    MENTEE, MENTOR, active, answers, command, given, regular_meetings, then_facts, then_refused, utc, when,
    when_time_passes,
)

EXIT_AT = utc(2025, 4, 15)
CLOSURE_AT = utc(2025, 4, 22)
EVALUATION_DUE_AT = CLOSURE_AT + timedelta(days=30)
SOON = CLOSURE_AT + timedelta(days=3)


def closed() -> list:
    return [*active(), *regular_meetings(1, 2), command("RecordPositiveExit", {"outcome": "job"}, at=EXIT_AT),
            command("RecordClosureMeeting", {}, at=CLOSURE_AT)]


def evaluation(side: str, at=SOON, rating: int = 4):
    return command("RecordEvaluation", {"side": side, "answers": answers(), "rating": rating}, at=at,
                   actor=MENTOR if side == "mentor" else MENTEE)


def test_one_side_evaluates_and_the_binome_waits_for_the_other():
    result = when(given(*closed()), "RecordEvaluation", {
        "side": "mentee", "rating": 5,
        "answers": {"objectives_reached": " Oui. ", "relationship": "Très bonne.", "recommend": "   "},
    }, at=SOON, actor=MENTEE)

    then_facts(result, ("EvaluationRecorded", {
        "side": "mentee", "rating": 5, "answers": {"objectives_reached": "Oui.", "relationship": "Très bonne."}}))
    assert result.state.stage == Stage.EVALUATION
    assert result.state.evaluations == {"mentee": SOON}


@pytest.mark.parametrize("first, second", [("mentor", "mentee"), ("mentee", "mentor")])
def test_both_evaluations_complete_the_binome(first, second):
    state = given(*closed(), evaluation(first))

    result = when(state, "RecordEvaluation", {"side": second, "answers": answers(), "rating": 3},
                  at=SOON + timedelta(days=1))

    recorded, completed = then_facts(result, ("EvaluationRecorded", {"side": second, "rating": 3}), (
        "BinomeCompleted", {"reason": "evaluations_received", "missing": []}))
    assert completed.occurred_at == SOON + timedelta(days=1)
    assert completed.position == recorded.position + 1
    assert (result.state.stage, result.state.completion_reason) == (Stage.COMPLETED, "evaluations_received")
    assert result.state.finished
    assert next_deadline(result.state) is None


@pytest.mark.parametrize("rating", [0, 6])
def test_a_rating_goes_from_1_to_5(rating):
    result = when(given(*closed()), "RecordEvaluation", {"side": "mentor", "answers": answers(), "rating": rating},
                  at=SOON)

    then_refused(result, InvalidInput, "rating_out_of_range", field="rating")


@pytest.mark.parametrize("rating", [1, 5])
def test_ratings_at_both_ends_are_accepted(rating):
    result = when(given(*closed()), "RecordEvaluation", {"side": "mentor", "answers": answers(), "rating": rating},
                  at=SOON)

    then_facts(result, ("EvaluationRecorded", {"rating": rating}))


def test_answers_are_to_the_programme_questions_only():
    result = when(given(*closed()), "RecordEvaluation",
                  {"side": "mentor", "answers": answers(salary="Non", mood="Bien"), "rating": 4}, at=SOON)

    then_refused(result, InvalidInput, "evaluation_unknown_questions", field="answers",
                 params={"unknown": "salary, mood"})


def test_an_evaluation_answers_at_least_one_question():
    result = when(given(*closed()), "RecordEvaluation", {"side": "mentor", "answers": {"recommend": " "}, "rating": 4},
                  at=SOON)

    then_refused(result, InvalidInput, "answers_required", field="answers")


def test_a_side_evaluates_once():
    result = when(given(*closed(), evaluation("mentor")), "RecordEvaluation",
                  {"side": "mentor", "answers": answers(), "rating": 2}, at=SOON + timedelta(hours=1))

    then_refused(result, NotAllowed, "side_already_evaluated", params={"side_code": "party.mentor"})


def test_evaluations_are_by_mentor_or_mentee():
    result = when(given(*closed()), "RecordEvaluation", {"side": "programme", "answers": answers(), "rating": 4},
                  at=SOON)

    then_refused(result, InvalidInput, "choice_expected", field="side", params={"choices": "mentor, mentee"})


def test_evaluation_follows_the_closure_meeting():
    state = given(*active(), command("RecordPositiveExit", {"outcome": "job"}, at=EXIT_AT))

    result = when(state, "RecordEvaluation", {"side": "mentor", "answers": answers(), "rating": 4},
                  at=EXIT_AT + timedelta(days=1))

    then_refused(result, NotAllowed, "evaluation_after_closure", params={"stage_code": "stage.closure_due"})


def test_an_evaluation_is_not_dated_before_the_closure_meeting():
    result = when(given(*closed()), "RecordEvaluation", {"side": "mentor", "answers": answers(), "rating": 4},
                  at=SOON, occurred_at=CLOSURE_AT - timedelta(days=1))

    then_refused(result, InvalidInput, "date_before_step", field="occurred_at",
                 params={"step_code": "moment.closure_meeting", "earliest": "2025-04-22"})


def test_an_evaluation_entered_late_keeps_its_date():
    result = when(given(*closed()), "RecordEvaluation", {"side": "mentor", "answers": answers(), "rating": 4},
                  at=SOON, occurred_at=CLOSURE_AT + timedelta(hours=2))

    (fact,) = then_facts(result, "EvaluationRecorded")
    assert fact.occurred_at == result.state.evaluations["mentor"] == CLOSURE_AT + timedelta(hours=2)


def test_when_the_delay_passes_the_binome_completes_with_the_missing_side():
    state = given(*closed(), evaluation("mentee"))

    assert due_facts(state, EVALUATION_DUE_AT - timedelta(seconds=1)) == []
    result = when_time_passes(state, EVALUATION_DUE_AT + timedelta(days=4))

    (fact,) = then_facts(result, ("BinomeCompleted", {"reason": "evaluation_delay_passed", "missing": ["mentor"]}))
    assert fact.occurred_at == EVALUATION_DUE_AT
    assert (result.state.stage, result.state.completed_at) == (Stage.COMPLETED, EVALUATION_DUE_AT)


def test_when_nobody_evaluates_both_sides_are_missing():
    result = when_time_passes(given(*closed()), EVALUATION_DUE_AT)

    then_facts(result, ("BinomeCompleted", {"reason": "evaluation_delay_passed", "missing": ["mentor", "mentee"]}))


def test_an_evaluation_after_the_delay_is_refused():
    result = when(given(*closed()), "RecordEvaluation", {"side": "mentor", "answers": answers(), "rating": 4},
                  at=EVALUATION_DUE_AT)

    assert [f.type for f in result.elapsed] == ["BinomeCompleted"]
    then_refused(result, NotAllowed, "binome_finished", params={"stage_code": "stage.completed"})


@pytest.mark.parametrize("name, payload", [
    ("RecordMeeting", {"mode": "video"}),
    ("RecordClosureMeeting", {}),
    ("RecordMonitoringContact", {"outcome": "ok"}),
    ("ProposeMentee", {"mentor_id": "m-2", "mentee_id": "e-2"}),
])
def test_a_completed_binome_accepts_no_command(name, payload):
    state = given(*closed(), evaluation("mentor"), evaluation("mentee"))
    assert state.stage == Stage.COMPLETED

    result = when(state, name, payload, at=SOON + timedelta(days=2))

    then_refused(result, NotAllowed, "binome_finished", params={"stage_code": "stage.completed"})


def test_a_completed_binome_has_nothing_left_to_happen():
    state = given(*closed(), evaluation("mentor"), evaluation("mentee"))

    assert due_facts(state, utc(2030, 1, 1)) == []
