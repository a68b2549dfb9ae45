"""After acceptance, the binôme meets within 21 days, covering the programme's checklist."""

from datetime import timedelta

from domain.errors import InvalidInput, NotAllowed
from domain.schedule import due_facts, next_deadline
from domain.stages import Stage
from domain.tasks import open_tasks
from tests.domain.gwt import (
    ACCEPTED_AT, FIRST_MEETING_AT, FIRST_MEETING_DUE_AT, accepted, given, proposed, then_facts, then_refused, until,
    when, when_time_passes,
)


def test_the_first_meeting_records_what_the_checklist_covered_and_missed():
    result = when(given(*accepted()), "RecordFirstMeeting", {
        "mode": "in_person", "checklist": ["expectations", "availability", "expectations"], "notes": " ok ",
    }, at=FIRST_MEETING_AT)

    (fact,) = then_facts(result, ("FirstMeetingHeld", {
        "mode": "in_person",
        "duration_minutes": 90,
        "checklist_covered": ["expectations", "availability"],
        "checklist_missing": ["job_search_situation", "confidentiality", "next_steps"],
        "notes": "ok",
    }))
    assert fact.occurred_at == FIRST_MEETING_AT
    assert result.state.stage == Stage.AWAITING_VALIDATION
    assert result.state.first_meeting_at == FIRST_MEETING_AT
    assert next_deadline(result.state) is None


def test_an_unknown_checklist_point_is_refused():
    result = when(given(*accepted()), "RecordFirstMeeting", {"mode": "video", "checklist": ["expectations", "salary"]},
                  at=FIRST_MEETING_AT)

    error = then_refused(result, InvalidInput, "checklist_unknown_points", field="checklist")
    assert error.params["unknown"] == "salary"
    assert error.params["expected"].startswith("expectations, availability")


def test_a_first_meeting_has_a_known_mode():
    result = when(given(*accepted()), "RecordFirstMeeting", {"mode": "phone"}, at=FIRST_MEETING_AT)

    then_refused(result, InvalidInput, "choice_expected", field="mode", params={"choices": "in_person, video"})


def test_a_first_meeting_lasts_between_one_minute_and_eight_hours():
    too_long = when(given(*accepted()), "RecordFirstMeeting", {"mode": "video", "duration_minutes": 481},
                    at=FIRST_MEETING_AT)
    empty = when(given(*accepted()), "RecordFirstMeeting", {"mode": "video", "duration_minutes": 0},
                 at=FIRST_MEETING_AT)

    then_refused(too_long, InvalidInput, "duration_out_of_range", field="duration_minutes", params={"max": 480})
    then_refused(empty, InvalidInput, "duration_out_of_range", field="duration_minutes", params={"max": 480})


def test_the_first_meeting_follows_the_acceptance():
    result = when(given(*proposed()), "RecordFirstMeeting", {"mode": "video"}, at=ACCEPTED_AT)

    then_refused(result, NotAllowed, "first_meeting_after_acceptance", params={"stage_code": "stage.proposed"})


def test_the_first_meeting_is_not_dated_before_the_acceptance():
    result = when(given(*accepted()), "RecordFirstMeeting", {"mode": "video"},
                  at=FIRST_MEETING_AT, occurred_at=ACCEPTED_AT - timedelta(days=1))

    then_refused(result, InvalidInput, "date_before_step", field="occurred_at",
                 params={"step_code": "moment.acceptance", "earliest": "2025-01-08"})


def test_nothing_is_overdue_until_21_days_after_acceptance():
    assert due_facts(given(*accepted()), FIRST_MEETING_DUE_AT - timedelta(seconds=1)) == []


def test_the_first_meeting_is_overdue_21_days_after_acceptance():
    result = when_time_passes(given(*accepted()), FIRST_MEETING_DUE_AT + timedelta(days=2))

    (fact,) = then_facts(result, ("FirstMeetingOverdue", {"due_at": "2025-01-29T09:00:00+00:00"}))
    assert fact.occurred_at == FIRST_MEETING_DUE_AT
    assert result.state.stage == Stage.AWAITING_FIRST_MEETING
    assert next_deadline(result.state) is None


def test_an_overdue_first_meeting_opens_an_overdue_staff_task():
    state = given(*accepted(), until(FIRST_MEETING_DUE_AT))

    (task,) = open_tasks(state)
    assert task.kind == "first_meeting_overdue"
    assert task.since == FIRST_MEETING_DUE_AT
    assert task.overdue_since == FIRST_MEETING_DUE_AT
    assert (task.code, task.params) == ("task.first_meeting_overdue", {})


def test_a_late_first_meeting_is_still_recorded_and_closes_the_task():
    state = given(*accepted(), until(FIRST_MEETING_DUE_AT))

    result = when(state, "RecordFirstMeeting", {"mode": "video"}, at=FIRST_MEETING_DUE_AT + timedelta(days=4))

    then_facts(result, "FirstMeetingHeld")
    assert result.state.stage == Stage.AWAITING_VALIDATION
    assert open_tasks(result.state) == []
