"""Meetings are recorded during the period; each whole month is checked for its two meetings, 3 days after it ends."""

from datetime import timedelta

from domain.errors import InvalidInput, NotAllowed
from domain.programme import Programme
from domain.schedule import due_facts
from domain.stages import Stage
from domain.tasks import open_tasks
from tests.domain.gwt import (
    MENTOR_SIGNED_AT, START, TERM, active, command, given, meeting, month_start, regular_meetings, started,
    then_facts, then_refused, until, utc, validated, when, when_time_passes,
)

MONTH_1_END = utc(2025, 3, 3)
MONTH_1_CHECK = utc(2025, 3, 6)  # month end + 3 days of grace


def cadence_facts(facts):
    return [f for f in facts if f.type.startswith("Cadence")]


# --- meetings -------------------------------------------------------------------------------------


def test_meetings_are_not_recorded_before_the_contract():
    result = when(given(*validated()), "RecordMeeting", {"mode": "video"}, at=MENTOR_SIGNED_AT)

    then_refused(result, NotAllowed, "meetings_during_period", params={"stage_code": "stage.awaiting_contract"})


def test_a_meeting_during_intake_is_recorded_with_the_programme_duration():
    result = when(given(*started()), "RecordMeeting", {"mode": "in_person", "notes": " CV relu "},
                  at=utc(2025, 2, 4))

    (fact,) = then_facts(result, ("MeetingHeld", {"mode": "in_person", "duration_minutes": 90, "notes": "CV relu",
                                                  "actions_progressed": []}))
    assert fact.occurred_at == utc(2025, 2, 4)
    assert result.state.meeting_dates == [utc(2025, 2, 4)]


def test_a_meeting_entered_late_keeps_the_date_it_was_held():
    result = when(given(*active()), "RecordMeeting", {"mode": "video"}, at=utc(2025, 2, 20),
                  occurred_at=utc(2025, 2, 12))

    (fact,) = then_facts(result, "MeetingHeld")
    assert fact.occurred_at == utc(2025, 2, 12)
    assert result.state.meeting_dates == [utc(2025, 2, 12)]


def test_a_meeting_is_not_dated_in_the_future():
    result = when(given(*active()), "RecordMeeting", {"mode": "video"}, at=utc(2025, 2, 20),
                  occurred_at=utc(2025, 2, 21))

    then_refused(result, InvalidInput, "date_in_future", field="occurred_at")


def test_a_few_minutes_ahead_is_a_clock_difference_not_the_future():
    now = utc(2025, 2, 20)

    in_tolerance = when(given(*active()), "RecordMeeting", {"mode": "video"}, at=now,
                        occurred_at=now + timedelta(minutes=5))
    beyond = when(given(*active()), "RecordMeeting", {"mode": "video"}, at=now,
                  occurred_at=now + timedelta(minutes=5, seconds=1))

    then_facts(in_tolerance, "MeetingHeld")
    then_refused(beyond, InvalidInput, "date_in_future", field="occurred_at")


def test_a_meeting_is_not_dated_before_the_period():
    result = when(given(*active()), "RecordMeeting", {"mode": "video"}, at=utc(2025, 2, 20),
                  occurred_at=START - timedelta(days=1))

    then_refused(result, InvalidInput, "date_before_step", field="occurred_at",
                 params={"step_code": "moment.period_start", "earliest": "2025-02-03"})


def test_a_meeting_progresses_known_actions_only():
    unknown = when(given(*active()), "RecordMeeting", {"mode": "video", "actions_progressed": ["A1", "A7"]},
                   at=utc(2025, 2, 20))
    known = when(given(*active()), "RecordMeeting", {"mode": "video", "actions_progressed": ["A1", "A1"]},
                 at=utc(2025, 2, 20), occurred_at=utc(2025, 2, 19))

    then_refused(unknown, InvalidInput, "actions_unknown", field="actions_progressed", params={"unknown": "A7"})
    then_facts(known, ("MeetingHeld", {"actions_progressed": ["A1"]}))
    assert known.state.actions["A1"].updated_at == utc(2025, 2, 19)


def test_meetings_are_not_recorded_after_the_exit():
    state = given(*active(), command("RecordPositiveExit", {"outcome": "job"}, at=utc(2025, 3, 10)))

    result = when(state, "RecordMeeting", {"mode": "video"}, at=utc(2025, 3, 11))

    then_refused(result, NotAllowed, "meetings_after_exit", params={"exit_on": "2025-03-10"})


def test_a_meeting_held_before_the_exit_can_still_be_entered_after_it():
    state = given(*active(), command("RecordPositiveExit", {"outcome": "job"}, at=utc(2025, 3, 10)))

    result = when(state, "RecordMeeting", {"mode": "video"}, at=utc(2025, 3, 12), occurred_at=utc(2025, 3, 7))

    then_facts(result, ("MeetingHeld", {"mode": "video"}))
    assert result.facts[0].occurred_at == utc(2025, 3, 7)


def test_contacts_are_logged_during_the_period():
    result = when(given(*started()), "LogContact", {"channel": "email", "notes": " relance "},
                  at=START + timedelta(hours=1))

    then_facts(result, ("ContactLogged", {"channel": "email", "notes": "relance"}))
    assert result.state.contacts == 1


def test_a_contact_has_a_known_channel():
    result = when(given(*started()), "LogContact", {"channel": "pigeon"}, at=START + timedelta(hours=1))

    then_refused(result, InvalidInput, "choice_expected", field="channel", params={"choices": "phone, email, message"})


# --- cadence --------------------------------------------------------------------------------------


def test_two_meetings_in_a_month_meet_the_cadence_three_days_after_it_ends():
    state = given(*active(), *regular_meetings(1))

    assert due_facts(state, MONTH_1_CHECK - timedelta(seconds=1)) == []
    result = when_time_passes(state, MONTH_1_CHECK)

    (fact,) = then_facts(result, ("CadenceMet", {
        "month": 1, "month_start": "2025-02-03T10:00:00+00:00", "month_end": "2025-03-03T10:00:00+00:00",
        "held": 2, "required": 2,
    }))
    assert fact.occurred_at == MONTH_1_CHECK
    assert result.state.cadence_months_checked == 1
    assert open_tasks(result.state) == []


def test_fewer_meetings_are_a_shortfall_with_a_staff_task():
    state = given(*active(), meeting(utc(2025, 2, 10)))

    result = when_time_passes(state, MONTH_1_CHECK)

    (fact,) = then_facts(result, ("CadenceShortfall", {"month": 1, "held": 1, "required": 2,
                                                       "month_end": "2025-03-03T10:00:00+00:00"}))
    assert fact.occurred_at == MONTH_1_CHECK
    (task,) = open_tasks(result.state)
    assert (task.kind, task.since, task.overdue_since) == ("cadence_shortfall", MONTH_1_END, MONTH_1_END)
    assert (task.code, task.params) == ("task.cadence_shortfall", {"month": 1, "held": 1, "required": 2})


def test_a_month_without_meetings_holds_none():
    result = when_time_passes(given(*active()), MONTH_1_CHECK)

    then_facts(result, ("CadenceShortfall", {"month": 1, "held": 0, "required": 2}))


def test_a_meeting_entered_within_the_grace_counts_for_the_month_it_was_held():
    state = given(*active(), meeting(utc(2025, 2, 10)), meeting(utc(2025, 3, 2), entered_at=utc(2025, 3, 5)))

    result = when_time_passes(state, MONTH_1_CHECK)

    then_facts(result, ("CadenceMet", {"month": 1, "held": 2}))


def test_a_meeting_entered_after_the_check_leaves_the_shortfall_and_does_not_count_for_the_next_month():
    state = given(*active(), meeting(utc(2025, 2, 10)), until(MONTH_1_CHECK),
                  meeting(utc(2025, 3, 2), entered_at=utc(2025, 3, 7)), meeting(utc(2025, 3, 20)))

    result = when_time_passes(state, utc(2025, 4, 6))

    assert [(s.month, s.held) for s in result.state.shortfalls] == [(1, 1), (2, 1)]
    assert utc(2025, 3, 2) in result.state.meeting_dates


def test_a_meeting_at_the_very_start_of_a_month_counts_for_that_month():
    state = given(*active(), meeting(utc(2025, 2, 10)), meeting(MONTH_1_END), meeting(utc(2025, 3, 20)))

    result = when_time_passes(state, utc(2025, 4, 6))

    assert [(s.month, s.held) for s in result.state.shortfalls] == [(1, 1)]
    assert [(f.type, f.data["month"], f.data["held"]) for f in cadence_facts(result.facts)] == [("CadenceMet", 2, 2)]


def test_a_monitoring_contact_follows_up_a_shortfall():
    state = given(*active(), until(MONTH_1_CHECK))
    assert [t.kind for t in open_tasks(state)] == ["cadence_shortfall"]

    result = when(state, "RecordMonitoringContact", {"outcome": "Rythme relancé."}, at=utc(2025, 3, 7))

    then_facts(result, ("MonitoringContactRecorded", {"number": None}))
    assert result.state.shortfalls[0].followed_up
    assert open_tasks(result.state) == []


def test_months_cut_short_by_an_exit_are_not_checked():
    # Exit on 4 April, in month 3: month 2 is still checked (on 6 April), months 3 to 6 never are.
    exit_ = command("RecordPositiveExit", {"outcome": "job"}, at=utc(2025, 4, 4))
    state = given(*active(), *regular_meetings(1, 2), exit_)

    result = when_time_passes(state, utc(2026, 1, 1))

    assert [(f.type, f.data.get("month"), f.occurred_at) for f in result.facts] == [
        ("CadenceMet", 2, utc(2025, 4, 6))]
    assert result.state.cadence_months_checked == 2


def test_a_month_ending_exactly_at_the_exit_is_still_checked():
    stop = command("RecordEarlyStop", {"by": "mentee", "reason": "Déménagement."}, at=month_start(4))
    state = given(*active(), *regular_meetings(1, 2, 3), stop)

    result = when_time_passes(state, utc(2026, 1, 1))

    assert [(f.type, f.data["month"]) for f in result.facts] == [("CadenceMet", 3)]


def test_six_months_of_meetings_meet_the_cadence_every_month_the_last_after_the_term():
    state = given(*active(), *regular_meetings(1, 2, 3, 4, 5, 6))
    assert (state.cadence_months_checked, state.shortfalls) == (5, [])

    result = when_time_passes(state, utc(2026, 1, 1))

    ending = [(f.type, f.data.get("month"), f.occurred_at) for f in result.facts
              if f.type in ("TermReached", "CadenceMet", "CadenceShortfall")]
    assert ending == [("TermReached", None, TERM), ("CadenceMet", 6, TERM + timedelta(days=3))]
    assert result.state.stage == Stage.CLOSURE_DUE


def test_the_cadence_and_its_grace_are_the_programme_s_own():
    programme = Programme(min_meetings_per_month=1, cadence_grace_days=0)
    state = given(*active(), meeting(utc(2025, 2, 10)), programme=programme)

    result = when_time_passes(state, MONTH_1_END)

    (fact,) = then_facts(result, ("CadenceMet", {"month": 1, "held": 1, "required": 1}))
    assert fact.occurred_at == MONTH_1_END


def test_the_last_month_is_checked_even_when_the_closure_meeting_comes_first():
    state = given(*active(), *regular_meetings(1, 2, 3, 4, 5, 6), until(TERM),
                  command("RecordClosureMeeting", {}, at=TERM + timedelta(days=1)))

    result = when_time_passes(state, TERM + timedelta(days=4))

    assert [(f.type, f.data["month"]) for f in result.facts] == [("CadenceMet", 6)]
    assert result.state.stage == "evaluation"
