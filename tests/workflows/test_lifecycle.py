"""Whole binôme lives on the time-skipping server, against a real store."""

from datetime import datetime, timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from domain.calendar import add_months
from domain.facts import Actor
from domain.schedule import next_deadline
from domain.state import BinomeState
from domain.tasks import open_tasks
from tests.support.assertions import assert_each_fact_once, types_of
from tests.support.driver import BinomeDriver
from tests.support.scenarios import close_and_evaluate, full_six_months, positive_exit_in_month_three, wait_for_state
from workflows.types import WorkflowOptions


@pytest.fixture
def driver(time_skipping_env, task_queue, worker, store) -> BinomeDriver:
    return BinomeDriver(time_skipping_env.client, task_queue, env=time_skipping_env, store=store)


def started_at(facts) -> datetime:
    return datetime.fromisoformat(next(f for f in facts if f.type == "MentorshipStarted").data["period_start"])


async def test_six_months_from_proposal_to_both_evaluations(time_skipping_env, driver, store):
    await full_six_months(time_skipping_env, driver)

    result = await driver.handle.result()
    facts = assert_each_fact_once(store, driver)
    types = types_of(facts)
    start = started_at(facts)
    assert result["stage"] == "completed" and result["version"] == len(facts)
    assert types.count("MeetingHeld") >= 12
    assert types.count("CadenceMet") == 6 and "CadenceShortfall" not in types
    due = [f for f in facts if f.type == "MonitoringContactDue"]
    assert [f.occurred_at - start for f in due] == [timedelta(weeks=w) for w in (6, 12, 18, 24)]
    assert types.count("MonitoringContactRecorded") == 4 and "MonitoringContactOverdue" not in types
    term = next(f for f in facts if f.type == "TermReached")
    assert term.occurred_at == add_months(start, 6)
    assert types[-5:] == ["ClosureMeetingHeld", "EvaluationRequested", "EvaluationRecorded", "EvaluationRecorded",
                          "BinomeCompleted"]
    assert facts[-1].data == {"reason": "evaluations_received", "missing": []}


async def test_positive_exit_in_month_three_then_evaluation_delay(time_skipping_env, driver, store):
    await positive_exit_in_month_three(time_skipping_env, driver)

    facts = assert_each_fact_once(store, driver)
    types = types_of(facts)
    start = started_at(facts)
    exit_fact = next(f for f in facts if f.type == "PositiveExitRecorded")
    assert add_months(start, 2) <= exit_fact.occurred_at < add_months(start, 3)
    assert exit_fact.data == {"outcome": "job", "details": "CDI chez un partenaire"}
    # Months 1 and 2 were whole and checked; month 3 was cut by the exit; no term after an exit.
    assert [f.data["month"] for f in facts if f.type in ("CadenceMet", "CadenceShortfall")] == [1, 2]
    assert "TermReached" not in types
    assert facts[-1].type == "BinomeCompleted"
    assert facts[-1].data == {"reason": "evaluation_delay_passed", "missing": ["mentee"]}
    assert (await driver.handle.result())["stage"] == "completed"


async def test_mentor_refuses_the_proposal(driver, store):
    await driver.start()
    mentor = Actor("mentor", (await driver.state())["mentor_id"])  # the proposal's own mentor
    await driver.send("RefuseProposal", {"reason": "Pas disponible ce semestre"}, actor=mentor)

    assert (await driver.handle.result())["stage"] == "proposal_refused"
    facts = assert_each_fact_once(store, driver)
    assert types_of(facts) == ["MentorshipProposed", "ProposalRefused"]
    assert facts[1].data == {"reason": "Pas disponible ce semestre"} and facts[1].actor.kind == "mentor"


async def test_refusal_at_validation_ends_the_binome_with_its_reason(driver, store):
    await driver.start()
    await driver.send("AcceptProposal")
    await driver.send("RecordFirstMeeting", {"mode": "video"})
    await driver.send("RecordValidation", {"side": "mentee", "decision": "validated"})
    await driver.send("RecordValidation", {"side": "mentor", "decision": "refused", "reason": "Attentes trop éloignées"})

    assert (await driver.handle.result())["stage"] == "refused_at_validation"
    facts = assert_each_fact_once(store, driver)
    assert facts[-1].type == "BinomeRefused"
    assert facts[-1].data == {"side": "mentor", "reason": "Attentes trop éloignées"}


async def test_unanswered_proposal_expires_after_seven_days(time_skipping_env, driver, store):
    await driver.start()
    await time_skipping_env.sleep(timedelta(days=7, hours=1))

    assert (await driver.handle.result())["stage"] == "proposal_expired"
    facts = assert_each_fact_once(store, driver)
    assert types_of(facts) == ["MentorshipProposed", "ProposalExpired"]
    assert facts[1].occurred_at - facts[0].occurred_at == timedelta(days=7)
    assert facts[1].actor.kind == "system"
    state = BinomeState.from_dict(await driver.state())
    assert [t.kind for t in open_tasks(state)] == ["proposal_expired"]


async def test_first_meeting_not_held_in_21_days_gives_staff_a_task(time_skipping_env, driver, store):
    await driver.start()
    await driver.send("AcceptProposal")
    await time_skipping_env.sleep(timedelta(days=21, hours=1))

    state = BinomeState.from_dict(await wait_for_state(driver, lambda s: s["first_meeting_overdue_at"] is not None))
    assert [(t.kind, t.overdue) for t in open_tasks(state)] == [("first_meeting_overdue", True)]
    # The binôme goes on: a late first meeting is still recorded, and the task goes away.
    await driver.send("RecordFirstMeeting", {"mode": "in_person"})
    assert open_tasks(BinomeState.from_dict(await driver.state())) == []
    assert types_of(assert_each_fact_once(store, driver))[-2:] == ["FirstMeetingOverdue", "FirstMeetingHeld"]


async def test_cadence_shortfall_is_recorded_and_given_to_staff(time_skipping_env, driver, store):
    await driver.through_intake()
    await time_skipping_env.sleep(timedelta(days=3))
    await driver.send("RecordMeeting", {"mode": "video"})
    await time_skipping_env.sleep(timedelta(days=32 + 3))

    state = BinomeState.from_dict(await wait_for_state(driver, lambda s: s["cadence_months_checked"] >= 1))
    shortfall = next(f for f in store.read(driver.stream_id) if f.fact.type == "CadenceShortfall").fact
    assert (shortfall.data["month"], shortfall.data["held"], shortfall.data["required"]) == (1, 1, 2)
    assert [t.kind for t in open_tasks(state)] == ["cadence_shortfall"]


async def test_early_stop_goes_to_closure_and_evaluation(time_skipping_env, driver, store):
    await driver.through_intake()
    await time_skipping_env.sleep(timedelta(days=20))
    await driver.send("RecordEarlyStop", {"by": "mentee", "reason": "Déménagement"})
    await close_and_evaluate(driver)

    assert (await driver.handle.result())["stage"] == "completed"
    types = types_of(assert_each_fact_once(store, driver))
    assert "EarlyStopRecorded" in types and "TermReached" not in types and "MonitoringContactDue" not in types


async def test_overdue_monitoring_contact_escalates(time_skipping_env, driver, store):
    await driver.through_intake()
    await time_skipping_env.sleep(timedelta(weeks=6, days=8))

    state = BinomeState.from_dict(await wait_for_state(driver, lambda s: bool(s["monitoring"]) and s["monitoring"][0]["overdue_at"]))
    [task] = [t for t in open_tasks(state) if t.kind == "monitoring_contact"]
    assert task.overdue and task.overdue_since - task.since == timedelta(days=7)
    await driver.send("RecordMonitoringContact", {"outcome": "Joint par téléphone", "channel": "phone"})
    state = BinomeState.from_dict(await driver.state())
    assert [t for t in open_tasks(state) if t.kind == "monitoring_contact"] == []


async def test_an_invalid_input_crosses_the_update_with_its_field_and_params(driver, store):
    await driver.start()
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await driver.send("RefuseProposal", {"reason": "  "})
    cause = refused.value.cause
    assert isinstance(cause, ApplicationError) and cause.type == "InvalidInput"
    assert cause.details[0] == {"code": "text_required", "field": "reason",
                                "params": {"what_code": "field.refusal_reason"}}
    assert types_of(assert_each_fact_once(store, driver)) == ["MentorshipProposed"]


async def test_a_refused_command_records_nothing_and_says_why(driver, store):
    await driver.start()
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await driver.send("SignContract", {"party": "mentor"})
    cause = refused.value.cause
    assert isinstance(cause, ApplicationError) and cause.type == "NotAllowed"
    assert cause.details[0] == {"code": "contract_before_validations", "field": None, "params": {}}
    assert types_of(assert_each_fact_once(store, driver)) == ["MentorshipProposed"]
    history = await driver.handle.fetch_history()
    accepted = [str(e) for e in history.events if e.HasField("workflow_execution_update_accepted_event_attributes")]
    assert any("ProposeMentee" in event for event in accepted)
    assert not any("SignContract" in event for event in accepted)


async def test_a_repeated_command_records_nothing_new(driver, store):
    await driver.start()
    first = await driver.send("AcceptProposal", command_id="accept-1")
    again = await driver.send("AcceptProposal", command_id="accept-1")
    assert again.repeated and again.positions == first.positions
    with pytest.raises(WorkflowUpdateFailedError) as conflict:
        await driver.send("RefuseProposal", {"reason": "x"}, command_id="accept-1")
    assert conflict.value.cause.type == "IdempotencyConflict"
    assert types_of(assert_each_fact_once(store, driver)) == ["MentorshipProposed", "ProposalAccepted"]


async def test_a_command_that_leaves_the_next_deadline_keeps_its_timer(driver):
    await driver.through_intake()
    deadline = next_deadline(BinomeState.from_dict(await driver.state()))

    def timer_events(history) -> int:
        return sum(1 for event in history.events if event.HasField("timer_started_event_attributes")
                   or event.HasField("timer_canceled_event_attributes"))

    before = timer_events(await driver.handle.fetch_history())
    for _ in range(3):
        await driver.send("RecordMeeting", {"mode": "video"})
    assert next_deadline(BinomeState.from_dict(await driver.state())) == deadline  # the meetings moved none
    assert timer_events(await driver.handle.fetch_history()) == before  # so no timer was cancelled or started


async def test_continue_as_new_keeps_the_lifecycle_whole(time_skipping_env, task_queue, worker, store):
    driver = BinomeDriver(time_skipping_env.client, task_queue, WorkflowOptions(continue_as_new_after_events=60),
                          env=time_skipping_env, store=store)
    await positive_exit_in_month_three(time_skipping_env, driver)

    facts = assert_each_fact_once(store, driver)
    assert facts[-1].type == "BinomeCompleted"
    first_run = time_skipping_env.client.get_workflow_handle(driver.handle.id, run_id=driver.handle.result_run_id)
    last_event = (await first_run.fetch_history()).events[-1]
    assert last_event.HasField("workflow_execution_continued_as_new_event_attributes")
    assert (await driver.handle.result())["version"] == len(facts)

