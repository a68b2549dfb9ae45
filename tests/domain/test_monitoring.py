"""Staff contact the binôme every 6 weeks of the period; a contact not made within 7 days escalates."""

from datetime import timedelta

from domain.errors import InvalidInput, NotAllowed
from domain.schedule import due_facts
from domain.tasks import open_tasks
from tests.domain.gwt import (
    MENTOR_SIGNED_AT, START, TERM, active, given, monitoring_contact, regular_meetings, then_facts,
    then_refused, until, utc, validated, when, when_time_passes,
)

DUE = {1: utc(2025, 3, 17), 2: utc(2025, 4, 28), 3: utc(2025, 6, 9), 4: utc(2025, 7, 21)}  # weeks 6, 12, 18, 24
OVERDUE = {n: at + timedelta(days=7) for n, at in DUE.items()}


def monitoring_facts(facts):
    return [(f.type, f.data["number"], f.occurred_at) for f in facts if f.type.startswith("MonitoringContact")]


def test_contacts_fall_due_every_six_weeks_exactly_four_times_over_the_period():
    state = given(*active())

    result = when_time_passes(state, TERM + timedelta(days=60))

    due = [f for f in result.facts if f.type == "MonitoringContactDue"]
    assert [(f.data["number"], f.occurred_at) for f in due] == sorted(DUE.items())
    assert [f.data["due_at"] for f in due] == [at.isoformat() for at in DUE.values()]
    assert DUE[4] == START + timedelta(weeks=24)


def test_a_due_contact_opens_a_staff_task_not_yet_overdue():
    state = given(*active())

    result = when_time_passes(state, DUE[1])

    assert monitoring_facts(result.facts) == [("MonitoringContactDue", 1, DUE[1])]
    (task,) = [t for t in open_tasks(result.state) if t.kind == "monitoring_contact"]
    assert (task.task_id, task.since, task.overdue) == ("binome-1/monitoring_contact/1", DUE[1], False)
    assert (task.code, task.params) == ("task.monitoring_contact", {"number": 1})


def test_a_contact_not_made_within_seven_days_escalates():
    state = given(*active(), *regular_meetings(1, 2), until(DUE[1]))

    assert due_facts(state, OVERDUE[1] - timedelta(seconds=1)) == []
    result = when_time_passes(state, OVERDUE[1])

    assert monitoring_facts(result.facts) == [("MonitoringContactOverdue", 1, OVERDUE[1])]
    (task,) = open_tasks(result.state)
    assert (task.kind, task.since, task.overdue_since) == ("monitoring_contact", DUE[1], OVERDUE[1])
    assert (task.code, task.params) == ("task.monitoring_contact_overdue", {"number": 1})


def test_recording_a_contact_closes_the_due_one():
    state = given(*active(), *regular_meetings(1), until(DUE[1]))

    result = when(state, "RecordMonitoringContact", {"outcome": " Bon rythme. ", "channel": "video"},
                  at=DUE[1] + timedelta(days=2))

    then_facts(result, ("MonitoringContactRecorded", {"number": 1, "channel": "video", "outcome": "Bon rythme."}))
    contact = result.state.monitoring[0]
    assert (contact.recorded_at, contact.outcome) == (DUE[1] + timedelta(days=2), "Bon rythme.")
    assert [t for t in open_tasks(result.state) if t.kind == "monitoring_contact"] == []


def test_a_contact_made_in_time_never_escalates():
    state = given(*active(), *regular_meetings(1, 2), until(DUE[1]), monitoring_contact(DUE[1] + timedelta(days=1)))

    result = when_time_passes(state, DUE[2] - timedelta(days=1))

    assert monitoring_facts(result.facts) == []


def test_recording_a_contact_closes_the_oldest_outstanding_one():
    state = given(*active(), *regular_meetings(1, 2, 3), until(DUE[2]))
    assert [m.number for m in state.monitoring if m.recorded_at is None] == [1, 2]

    first = when(state, "RecordMonitoringContact", {"outcome": "Rattrapage."}, at=DUE[2] + timedelta(hours=1))
    second = when(first.state, "RecordMonitoringContact", {"outcome": "À jour."}, at=DUE[2] + timedelta(hours=2))

    then_facts(first, ("MonitoringContactRecorded", {"number": 1}))
    then_facts(second, ("MonitoringContactRecorded", {"number": 2}))
    assert [t.kind for t in open_tasks(second.state)] == []


def test_a_contact_with_none_due_is_kept_without_a_number():
    result = when(given(*active()), "RecordMonitoringContact", {"outcome": "Point informel."}, at=utc(2025, 2, 20))

    then_facts(result, ("MonitoringContactRecorded", {"number": None, "channel": "phone"}))
    assert result.state.monitoring == []


def test_a_monitoring_contact_has_an_outcome_and_a_known_channel():
    no_outcome = when(given(*active()), "RecordMonitoringContact", {"outcome": " "}, at=utc(2025, 2, 20))
    by_letter = when(given(*active()), "RecordMonitoringContact", {"outcome": "ok", "channel": "letter"},
                     at=utc(2025, 2, 20))

    then_refused(no_outcome, InvalidInput, "text_required", field="outcome",
                 params={"what_code": "field.contact_outcome"})
    then_refused(by_letter, InvalidInput, "choice_expected", field="channel",
                 params={"choices": "phone, email, message, in_person, video"})


def test_monitoring_happens_during_the_period_only():
    result = when(given(*validated()), "RecordMonitoringContact", {"outcome": "ok"}, at=MENTOR_SIGNED_AT)

    then_refused(result, NotAllowed, "monitoring_during_period", params={"stage_code": "stage.awaiting_contract"})


def test_an_exit_stops_monitoring_and_its_tasks():
    state = given(*active(), *regular_meetings(1, 2), until(DUE[1]))
    assert [t.kind for t in open_tasks(state)] == ["monitoring_contact"]

    exited = when(state, "RecordPositiveExit", {"outcome": "training"}, at=DUE[1] + timedelta(days=1))
    later = when_time_passes(exited.state, TERM + timedelta(days=60))

    assert monitoring_facts(later.facts) == []
    assert [t.kind for t in open_tasks(later.state)] == ["closure_meeting"]


def test_time_records_contacts_due_and_overdue_in_date_order_at_consecutive_positions():
    state = given(*active())

    result = when_time_passes(state, TERM)

    assert monitoring_facts(result.facts) == [
        ("MonitoringContactDue", 1, DUE[1]), ("MonitoringContactOverdue", 1, OVERDUE[1]),
        ("MonitoringContactDue", 2, DUE[2]), ("MonitoringContactOverdue", 2, OVERDUE[2]),
        ("MonitoringContactDue", 3, DUE[3]), ("MonitoringContactOverdue", 3, OVERDUE[3]),
        ("MonitoringContactDue", 4, DUE[4]), ("MonitoringContactOverdue", 4, OVERDUE[4]),
    ]
    assert [f.occurred_at for f in result.facts] == sorted(f.occurred_at for f in result.facts)
    assert [f.position for f in result.facts] == list(range(state.version + 1, state.version + 1 + len(result.facts)))


def test_looking_ahead_leaves_the_state_untouched():
    state = given(*active())
    before = state.to_dict()

    assert len(due_facts(state, TERM)) == 14  # 4 due, 4 overdue, 5 cadence checks, the term
    assert state.to_dict() == before
