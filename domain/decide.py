"""The programme's rules for commands: given what is known, which new facts a command produces, or why not."""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from domain import commands as c
from domain.access import check_may_send
from domain.calendar import add_months, iso, parse_date
from domain.errors import IdempotencyConflict, InvalidInput, NotAllowed
from domain.facts import Fact
from domain.stages import Stage, stage_code
from domain.state import CONTRACT_PARTIES, SIDES, BinomeState

# A date a few minutes ahead of the server's clock is a clock difference, not the future.
CLOCK_TOLERANCE = timedelta(minutes=5)
MAX_MEETING_MINUTES = 8 * 60
MAX_TEXT = 5000

PERIOD_STAGES = (Stage.INTAKE, Stage.ACTIVE)


class _NewFacts:
    """Collects the facts a command produces, numbering them after the state's version."""

    def __init__(self, state: BinomeState, envelope: c.CommandEnvelope, occurred_at: datetime):
        self.state = state
        self.envelope = envelope
        self.occurred_at = occurred_at
        self.facts: list[Fact] = []

    def add(self, fact_type: str, data: dict[str, Any], occurred_at: datetime | None = None) -> None:
        self.facts.append(
            Fact(
                type=fact_type,
                position=self.state.version + len(self.facts) + 1,
                occurred_at=occurred_at or self.occurred_at,
                actor=self.envelope.actor,
                data=data,
                command_id=self.envelope.command_id,
                fingerprint=self.envelope.fingerprint,
            )
        )


def decide(state: BinomeState, envelope: c.CommandEnvelope, now: datetime, *, admitted: bool = False) -> list[Fact]:
    """New facts for `envelope`, or a DomainError. A command already processed (same id) gives no new fact.

    `admitted`: whoever sent it was found allowed when it was admitted (a workflow's validator, now or in the
    history it replays), so that is not asked again: a history recorded under older rules replays as it ran.
    """
    command = envelope.command()
    if not admitted:  # before all else: a binôme not theirs is not even said to be finished, nor its commands
        check_may_send(state, command, envelope.actor)
    previous = state.commands.get(envelope.command_id)
    if previous is not None:
        if previous.fingerprint != envelope.fingerprint:
            raise IdempotencyConflict()
        return []
    occurred_at = envelope.occurred_at or now
    if occurred_at > now + CLOCK_TOLERANCE:
        raise InvalidInput("date_in_future", field="occurred_at")
    if state.stage is None and not isinstance(command, c.ProposeMentee):
        raise NotAllowed("binome_not_proposed")
    if state.finished:
        raise NotAllowed("binome_finished", stage_code=stage_code(state.stage))
    new = _NewFacts(state, envelope, occurred_at)
    _HANDLERS[type(command)](state, command, new)
    return new.facts


# --- checks -------------------------------------------------------------------------------------


def _require_stage(state: BinomeState, allowed: tuple[Stage, ...], code: str) -> None:
    if state.stage not in allowed:
        raise NotAllowed(code, stage_code=stage_code(state.stage))


def _require_text(value: str, field: str, what_code: str) -> str:
    """`what_code` names the text for the message (a `field.<name>` code: "La raison du refus est obligatoire")."""
    text = (value or "").strip()
    if not text:
        raise InvalidInput("text_required", field=field, what_code=what_code)
    if len(text) > MAX_TEXT:
        raise InvalidInput("text_too_long", field=field, what_code=what_code, max=MAX_TEXT)
    return text


def _require_choice(value: str, field: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise InvalidInput("choice_expected", field=field, choices=", ".join(choices))
    return value


def _require_not_before(moment: datetime, earliest: datetime | None, step_code: str) -> None:
    """`step_code` names the earlier step (a `moment.<step>` code)."""
    if earliest is not None and moment < earliest:
        raise InvalidInput("date_before_step", field="occurred_at", step_code=step_code,
                           earliest=earliest.date().isoformat())


def _minutes(value: int | None, default: int) -> int:
    minutes = default if value is None else value
    if not 0 < minutes <= MAX_MEETING_MINUTES:
        raise InvalidInput("duration_out_of_range", field="duration_minutes", max=MAX_MEETING_MINUTES)
    return minutes


def _due_on(value: str | None, field: str) -> str | None:
    if value is None:
        return None
    try:
        return parse_date(value).isoformat()
    except ValueError as error:
        raise InvalidInput("date_format_expected", field=field) from error


def _action_item(item: dict[str, Any], action_id: str, field: str) -> dict[str, Any]:
    return {
        "action_id": action_id,
        "title": _require_text(item.get("title", ""), f"{field}.title", "field.action_title"),
        "owner": _require_choice(item.get("owner", ""), f"{field}.owner", c.ACTION_OWNERS),
        "due_on": _due_on(item.get("due_on"), f"{field}.due_on"),
        "status": "todo",
    }


def _next_action_id(state: BinomeState, offset: int = 0) -> str:
    return f"A{len(state.actions) + offset + 1}"


# --- handlers -----------------------------------------------------------------------------------


def _propose(state: BinomeState, cmd: c.ProposeMentee, new: _NewFacts) -> None:
    if state.stage is not None:
        raise NotAllowed("binome_already_proposed")
    mentor_id = _require_text(cmd.mentor_id, "mentor_id", "field.mentor")
    mentee_id = _require_text(cmd.mentee_id, "mentee_id", "field.mentee")
    if mentor_id == mentee_id:
        raise InvalidInput("mentee_is_mentor", field="mentee_id")
    programme = state.programme
    new.add("MentorshipProposed", {
        "mentor_id": mentor_id,
        "mentee_id": mentee_id,
        "note": cmd.note.strip(),
        "programme": programme.to_dict(),
        "programme_id": programme.id,
        "response_due_at": iso(new.occurred_at + programme.proposal_response_delay),
    })
    if cmd.matching is not None:
        new.add("PairMatched", dict(cmd.matching))


def _accept(state: BinomeState, cmd: c.AcceptProposal, new: _NewFacts) -> None:
    _require_stage(state, (Stage.PROPOSED,), "proposal_not_awaiting_answer")
    _require_not_before(new.occurred_at, state.proposed_at, "moment.proposal")
    new.add("ProposalAccepted", {"first_meeting_due_at": iso(new.occurred_at + state.programme.first_meeting_delay)})


def _refuse(state: BinomeState, cmd: c.RefuseProposal, new: _NewFacts) -> None:
    _require_stage(state, (Stage.PROPOSED,), "proposal_not_awaiting_answer")
    _require_not_before(new.occurred_at, state.proposed_at, "moment.proposal")
    new.add("ProposalRefused", {"reason": _require_text(cmd.reason, "reason", "field.refusal_reason")})


def _first_meeting(state: BinomeState, cmd: c.RecordFirstMeeting, new: _NewFacts) -> None:
    _require_stage(state, (Stage.AWAITING_FIRST_MEETING,), "first_meeting_after_acceptance")
    _require_not_before(new.occurred_at, state.accepted_at, "moment.acceptance")
    checklist = state.programme.first_meeting_checklist
    unknown = [point for point in cmd.checklist if point not in checklist]
    if unknown:
        raise InvalidInput("checklist_unknown_points", field="checklist", unknown=", ".join(unknown), expected=", ".join(checklist))
    new.add("FirstMeetingHeld", {
        "mode": _require_choice(cmd.mode, "mode", c.MEETING_MODES),
        "duration_minutes": _minutes(cmd.duration_minutes, state.programme.first_meeting_minutes),
        "checklist_covered": list(dict.fromkeys(cmd.checklist)),
        "checklist_missing": [point for point in checklist if point not in cmd.checklist],
        "notes": cmd.notes.strip(),
    })


def _validation(state: BinomeState, cmd: c.RecordValidation, new: _NewFacts) -> None:
    side = _require_choice(cmd.side, "side", SIDES)
    decision = _require_choice(cmd.decision, "decision", c.VALIDATION_DECISIONS)
    _require_stage(state, (Stage.AWAITING_VALIDATION,), "validation_after_first_meeting")
    if side in state.validations:
        raise NotAllowed("side_already_validated", side_code=f"party.{side}")
    _require_not_before(new.occurred_at, state.first_meeting_at, "moment.first_meeting")
    if decision == "refused":
        new.add("BinomeRefused", {"side": side, "reason": _require_text(cmd.reason, "reason", "field.refusal_reason")})
    else:
        new.add("BinomeValidated", {"side": side})


def _sign(state: BinomeState, cmd: c.SignContract, new: _NewFacts) -> None:
    party = _require_choice(cmd.party, "party", CONTRACT_PARTIES)
    if state.stage in (Stage.PROPOSED, Stage.AWAITING_FIRST_MEETING, Stage.AWAITING_VALIDATION):
        raise NotAllowed("contract_before_validations")
    _require_stage(state, (Stage.AWAITING_CONTRACT,), "contract_already_in_force")
    if party in state.signatures:
        raise NotAllowed("party_already_signed", party_code=f"party.{party}")
    _require_not_before(new.occurred_at, max(state.validations.values()), "moment.validations")
    new.add("ContractSigned", {"party": party})
    signed = {**state.signatures, party: new.occurred_at}
    if all(p in signed for p in CONTRACT_PARTIES):
        # The six-month period starts when the last of the three signs.
        start = max(signed.values())
        new.add("MentorshipStarted", {
            "period_start": iso(start),
            "term_at": iso(add_months(start, state.programme.period_months)),
        }, occurred_at=start)


def _analysis(state: BinomeState, cmd: c.RecordAnalysis, new: _NewFacts) -> None:
    _require_stage(state, (Stage.INTAKE,), "analysis_during_intake")
    if state.analysis_at is not None:
        raise NotAllowed("analysis_already_recorded")
    _require_not_before(new.occurred_at, state.period_start, "moment.period_start")
    strengths = [_require_text(s, "strengths", "field.strength") for s in cmd.strengths]
    weaknesses = [_require_text(w, "weaknesses", "field.weakness") for w in cmd.weaknesses]
    if not strengths:
        raise InvalidInput("strengths_required", field="strengths")
    if not weaknesses:
        raise InvalidInput("weaknesses_required", field="weaknesses")
    new.add("StrengthsWeaknessesAnalysed", {"strengths": strengths, "weaknesses": weaknesses})


def _plan(state: BinomeState, cmd: c.AgreeActionPlan, new: _NewFacts) -> None:
    _require_stage(state, (Stage.INTAKE,), "action_plan_during_intake")
    if state.analysis_at is None:
        raise NotAllowed("action_plan_after_analysis")
    _require_not_before(new.occurred_at, state.analysis_at, "moment.analysis")
    if not cmd.actions:
        raise InvalidInput("actions_required", field="actions")
    actions = [_action_item(item, _next_action_id(state, i), f"actions.{i}") for i, item in enumerate(cmd.actions)]
    new.add("ActionPlanAgreed", {"actions": actions})


def _add_action(state: BinomeState, cmd: c.AddAction, new: _NewFacts) -> None:
    _require_stage(state, (Stage.ACTIVE,), "action_added_while_active")
    _require_not_before(new.occurred_at, state.action_plan_at, "moment.action_plan")
    new.add("ActionAdded", _action_item(
        {"title": cmd.title, "owner": cmd.owner, "due_on": cmd.due_on}, _next_action_id(state), "action"))


def _update_action(state: BinomeState, cmd: c.UpdateAction, new: _NewFacts) -> None:
    _require_stage(state, (Stage.ACTIVE,), "action_updated_while_active")
    _require_not_before(new.occurred_at, state.action_plan_at, "moment.action_plan")
    action = state.actions.get(cmd.action_id)
    if action is None:
        raise InvalidInput("action_unknown", field="action_id", action_id=cmd.action_id)
    if cmd.status is None and cmd.due_on is None:
        raise InvalidInput("action_change_required", field="status")
    status = _require_choice(cmd.status, "status", c.ACTION_STATUSES) if cmd.status is not None else None
    new.add("ActionUpdated", {
        "action_id": action.action_id,
        "status": status,
        "previous_status": action.status,
        "due_on": _due_on(cmd.due_on, "due_on"),
        "note": cmd.note.strip(),
    })


def _require_during_period(state: BinomeState, new: _NewFacts, stage_refused_code: str, after_exit_code: str) -> None:
    """During the period; after the exit, only a late entry of something that happened before it."""
    _require_stage(state, PERIOD_STAGES + (Stage.CLOSURE_DUE, Stage.EVALUATION), stage_refused_code)
    _require_not_before(new.occurred_at, state.period_start, "moment.period_start")
    if state.exit_at is not None and new.occurred_at >= state.exit_at:
        raise NotAllowed(after_exit_code, exit_on=state.exit_at.date().isoformat())


def _meeting(state: BinomeState, cmd: c.RecordMeeting, new: _NewFacts) -> None:
    _require_during_period(state, new, "meetings_during_period", "meetings_after_exit")
    unknown = [a for a in cmd.actions_progressed if a not in state.actions]
    if unknown:
        raise InvalidInput("actions_unknown", field="actions_progressed", unknown=", ".join(unknown))
    new.add("MeetingHeld", {
        "mode": _require_choice(cmd.mode, "mode", c.MEETING_MODES),
        "duration_minutes": _minutes(cmd.duration_minutes, state.programme.meeting_minutes),
        "notes": cmd.notes.strip(),
        "actions_progressed": list(dict.fromkeys(cmd.actions_progressed)),
    })


def _contact(state: BinomeState, cmd: c.LogContact, new: _NewFacts) -> None:
    _require_during_period(state, new, "contacts_during_period", "contacts_after_exit")
    new.add("ContactLogged", {"channel": _require_choice(cmd.channel, "channel", c.CONTACT_CHANNELS), "notes": cmd.notes.strip()})


def _monitoring(state: BinomeState, cmd: c.RecordMonitoringContact, new: _NewFacts) -> None:
    _require_stage(state, PERIOD_STAGES, "monitoring_during_period")
    _require_not_before(new.occurred_at, state.period_start, "moment.period_start")
    outstanding = [m.number for m in state.monitoring if m.recorded_at is None]
    new.add("MonitoringContactRecorded", {
        # An off-schedule contact (none due) is kept too, with no number.
        "number": outstanding[0] if outstanding else None,
        "channel": _require_choice(cmd.channel, "channel", c.CONTACT_CHANNELS + ("in_person", "video")),
        "outcome": _require_text(cmd.outcome, "outcome", "field.contact_outcome"),
    })


def _positive_exit(state: BinomeState, cmd: c.RecordPositiveExit, new: _NewFacts) -> None:
    _require_stage(state, PERIOD_STAGES, "exit_during_period")
    _require_not_before(new.occurred_at, state.period_start, "moment.period_start")
    new.add("PositiveExitRecorded", {
        "outcome": _require_choice(cmd.outcome, "outcome", c.POSITIVE_OUTCOMES),
        "details": cmd.details.strip(),
    })


def _early_stop(state: BinomeState, cmd: c.RecordEarlyStop, new: _NewFacts) -> None:
    _require_stage(state, PERIOD_STAGES, "early_stop_during_period")
    _require_not_before(new.occurred_at, state.period_start, "moment.period_start")
    new.add("EarlyStopRecorded", {
        "by": _require_choice(cmd.by, "by", c.EARLY_STOP_BY),
        "reason": _require_text(cmd.reason, "reason", "field.stop_reason"),
    })


def _closure(state: BinomeState, cmd: c.RecordClosureMeeting, new: _NewFacts) -> None:
    _require_stage(state, (Stage.CLOSURE_DUE,), "closure_after_exit")
    _require_not_before(new.occurred_at, state.exit_at, "moment.exit")
    new.add("ClosureMeetingHeld", {"notes": cmd.notes.strip()})
    new.add("EvaluationRequested", {
        "sides": list(SIDES),
        "due_at": iso(new.occurred_at + state.programme.evaluation_delay),
    })


def _evaluation(state: BinomeState, cmd: c.RecordEvaluation, new: _NewFacts) -> None:
    side = _require_choice(cmd.side, "side", SIDES)
    _require_stage(state, (Stage.EVALUATION,), "evaluation_after_closure")
    if side in state.evaluations:
        raise NotAllowed("side_already_evaluated", side_code=f"party.{side}")
    _require_not_before(new.occurred_at, state.closure_meeting_at, "moment.closure_meeting")
    if not 1 <= cmd.rating <= 5:
        raise InvalidInput("rating_out_of_range", field="rating")
    questions = state.programme.evaluation_questions
    unknown = [q for q in cmd.answers if q not in questions]
    if unknown:
        raise InvalidInput("evaluation_unknown_questions", field="answers", unknown=", ".join(unknown))
    answers = {q: a.strip() for q, a in cmd.answers.items() if a.strip()}
    if not answers:
        raise InvalidInput("answers_required", field="answers")
    new.add("EvaluationRecorded", {"side": side, "answers": answers, "rating": cmd.rating})
    if all(s in state.evaluations or s == side for s in SIDES):
        new.add("BinomeCompleted", {"reason": "evaluations_received", "missing": []})


_HANDLERS: dict[type, Callable[[BinomeState, Any, _NewFacts], None]] = {
    c.ProposeMentee: _propose,
    c.AcceptProposal: _accept,
    c.RefuseProposal: _refuse,
    c.RecordFirstMeeting: _first_meeting,
    c.RecordValidation: _validation,
    c.SignContract: _sign,
    c.RecordAnalysis: _analysis,
    c.AgreeActionPlan: _plan,
    c.AddAction: _add_action,
    c.UpdateAction: _update_action,
    c.RecordMeeting: _meeting,
    c.LogContact: _contact,
    c.RecordMonitoringContact: _monitoring,
    c.RecordPositiveExit: _positive_exit,
    c.RecordEarlyStop: _early_stop,
    c.RecordClosureMeeting: _closure,
    c.RecordEvaluation: _evaluation,
}
