"""Staff tasks are read from the state: what needs doing, since when, and whether it is overdue."""

from datetime import timedelta

from domain.tasks import StaffTask, open_tasks
from tests.domain.gwt import (
    START, accepted, active, command, given, happened, regular_meetings, started, until, utc, validated,
)


def test_a_binome_on_track_asks_nothing_of_staff():
    assert open_tasks(given(*validated())) == []
    assert open_tasks(given(*active(), *regular_meetings(1), until(utc(2025, 3, 10)))) == []


def test_a_shortfall_that_happened_asks_staff_to_contact_the_binome():
    month_end = utc(2025, 3, 3)
    state = given(*started(), happened("CadenceShortfall", month_end + timedelta(days=3), month=1,
                                       month_end=month_end.isoformat(), held=0, required=2))

    (task,) = open_tasks(state)
    assert task == StaffTask("binome-1/cadence_shortfall/1", "binome-1", "cadence_shortfall", month_end, month_end,
                             {"month": 1, "held": 0, "required": 2})
    assert task.overdue and task.code == "task.cadence_shortfall"


def test_neglected_binome_accumulates_one_task_per_missed_month_and_contact():
    state = given(*active(), until(utc(2025, 4, 28) + timedelta(days=1)))

    tasks = open_tasks(state)

    assert [(t.task_id, t.since, t.overdue_since) for t in tasks] == [
        ("binome-1/cadence_shortfall/1", utc(2025, 3, 3), utc(2025, 3, 3)),
        ("binome-1/cadence_shortfall/2", utc(2025, 4, 3), utc(2025, 4, 3)),
        ("binome-1/monitoring_contact/1", utc(2025, 3, 17), utc(2025, 3, 24)),
        ("binome-1/monitoring_contact/2", utc(2025, 4, 28), None),
    ]


def test_an_exit_replaces_the_follow_up_tasks_with_the_closure_meeting():
    state = given(*active(), until(utc(2025, 4, 29)),
                  command("RecordEarlyStop", {"by": "staff", "reason": "Injoignable."}, at=utc(2025, 4, 30)))

    assert [(t.kind, t.since) for t in open_tasks(state)] == [("closure_meeting", utc(2025, 4, 30))]


def test_the_task_ids_are_stable_as_time_passes():
    early = given(*accepted(), until(utc(2025, 1, 29, 9)))
    later = given(*accepted(), until(utc(2025, 3, 1)))

    assert [t.task_id for t in open_tasks(early)] == [t.task_id for t in open_tasks(later)] == [
        "binome-1/first_meeting_overdue/1"]


def test_tasks_name_their_binome():
    state = given(*started(), until(START + timedelta(weeks=6)), binome_id="b-42")

    assert {t.binome_id for t in open_tasks(state)} == {"b-42"}
    assert all(t.task_id.startswith("b-42/") for t in open_tasks(state))
