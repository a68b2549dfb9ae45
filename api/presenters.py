"""Domain and store objects turned into response bodies; labels rendered in the reader's language."""

import i18n
from domain.schedule import meetings_in, month_window, pending_deadlines
from domain.stages import stage_code
from domain.state import BinomeState
from domain.principals import Principal
from domain.tasks import StaffTask
from eventstore import RecordedFact
from api import schemas as s

DEADLINE_LABELS = {
    "ProposalExpired": "response_due",
    "FirstMeetingOverdue": "first_meeting_due",
    "CadenceMet": "cadence_check",
    "CadenceShortfall": "cadence_check",
    "MonitoringContactDue": "monitoring_contact_due",
    "MonitoringContactOverdue": "monitoring_contact_overdue",
    "TermReached": "term",
    "BinomeCompleted": "evaluation_due",
}


def fact_out(recorded: RecordedFact) -> s.FactOut:
    fact = recorded.fact
    return s.FactOut(position=fact.position, type=fact.type, occurred_at=fact.occurred_at,
                     recorded_at=recorded.recorded_at, actor=str(fact.actor), data=fact.data,
                     command_id=fact.command_id)


def person_out(person: dict, principal: Principal, language: str) -> s.PersonOut:
    """A person's record; the matching profile only for staff and the person themself (a partner follows the
    journey, not the profile)."""
    shown = {name: value for name, value in person.items() if name in s.PersonOut.model_fields}
    if not (principal.is_staff or principal.person_id == person["person_id"]):
        shown["profile"] = None
    return s.PersonOut(**shown, step_label=step_label(person["step"], language))


def step_label(step: str, language: str) -> str:
    return i18n.render(f"step.{step}", None, language)


def stage_label(stage: str, language: str) -> str:
    return i18n.render(stage_code(stage), None, language)


def task_out(task: StaffTask, language: str) -> s.TaskOut:
    return s.TaskOut(task_id=task.task_id, binome_id=task.binome_id, person_id=task.person_id,
                     session_id=task.session_id, kind=task.kind,
                     label=i18n.render(task.code, task.params, language),
                     since=task.since, overdue=task.overdue, overdue_since=task.overdue_since)


def binome_out(state: BinomeState, tasks: list[StaffTask], language: str) -> s.BinomeOut:
    months = []
    if state.period_started:
        elapsed = state.cadence_months_checked + 1
        months = [meetings_in(state, *month_window(state, m))
                  for m in range(1, min(elapsed, state.programme.period_months) + 1)]
    return s.BinomeOut(
        binome_id=state.binome_id, stage=state.stage.value, stage_label=stage_label(state.stage, language),
        mentor_id=state.mentor_id, mentee_id=state.mentee_id, programme_id=state.programme.id,
        version=state.version, proposed_at=state.proposed_at, accepted_at=state.accepted_at,
        first_meeting_at=state.first_meeting_at, validations=state.validations, signatures=state.signatures,
        period_start=state.period_start, term_at=state.term_at, exit_kind=state.exit_kind, exit_at=state.exit_at,
        ended_reason=state.ended_reason, closure_meeting_at=state.closure_meeting_at,
        evaluations=state.evaluations, completed_at=state.completed_at, completion_reason=state.completion_reason,
        meetings_held=len(state.meeting_dates), meetings_by_month=months, contacts_logged=state.contacts,
        next_due=sorted((s.DueDate(what=DEADLINE_LABELS.get(d.fact_type, d.fact_type), at=d.at)
                         for d in pending_deadlines(state)), key=lambda d: d.at),
        action_plan=[s.ActionOut(**vars(a)) for a in state.actions.values()],
        open_tasks=[task_out(t, language) for t in tasks],
    )
