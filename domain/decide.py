"""The programme's rules for commands: given what is known, which new facts a command produces, or why not."""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from domain import commands as c
from domain.calendar import add_months, iso, parse_date
from domain.errors import IdempotencyConflict, InvalidInput, NotAllowed
from domain.facts import Actor, Fact
from domain.stages import STAGE_LABELS_FR, Stage
from domain.state import CONTRACT_PARTIES, SIDES, BinomeState

# A date a few minutes ahead of the server's clock is a clock difference, not the future.
CLOCK_TOLERANCE = timedelta(minutes=5)
MAX_MEETING_MINUTES = 8 * 60
MAX_TEXT = 5000

SIDE_LABELS_FR = {"mentor": "Le mentor", "mentee": "Le mentee", "programme": "Le programme"}
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


def decide(state: BinomeState, envelope: c.CommandEnvelope, now: datetime) -> list[Fact]:
    """New facts for `envelope`, or a DomainError. A command already processed (same id) gives no new fact."""
    previous = state.commands.get(envelope.command_id)
    if previous is not None:
        if previous.fingerprint != envelope.fingerprint:
            raise IdempotencyConflict("Cette clé d'idempotence a déjà servi pour une autre requête.")
        return []
    command = envelope.command()
    occurred_at = envelope.occurred_at or now
    if occurred_at > now + CLOCK_TOLERANCE:
        raise InvalidInput("occurred_at", "La date ne peut pas être dans le futur.")
    if state.stage is None and not isinstance(command, c.ProposeMentee):
        raise NotAllowed("Ce binôme n'a pas encore été proposé.")
    if state.finished:
        raise NotAllowed(f"Ce binôme est clos ({STAGE_LABELS_FR[state.stage]}).")
    new = _NewFacts(state, envelope, occurred_at)
    _HANDLERS[type(command)](state, command, new)
    return new.facts


# --- checks -------------------------------------------------------------------------------------


def _require_stage(state: BinomeState, allowed: tuple[Stage, ...], message: str) -> None:
    if state.stage not in allowed:
        raise NotAllowed(f"{message} (étape actuelle : {STAGE_LABELS_FR[state.stage]}).")


def _require_text(value: str, field: str, label: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(field, f"{label} est obligatoire.")
    if len(text) > MAX_TEXT:
        raise InvalidInput(field, f"{label} dépasse {MAX_TEXT} caractères.")
    return text


def _require_choice(value: str, field: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise InvalidInput(field, f"Valeur attendue parmi : {', '.join(choices)}.")
    return value


def _require_not_before(moment: datetime, earliest: datetime | None, what: str) -> None:
    if earliest is not None and moment < earliest:
        raise InvalidInput("occurred_at", f"La date ne peut pas précéder {what} ({earliest.date().isoformat()}).")


def _minutes(value: int | None, default: int) -> int:
    minutes = default if value is None else value
    if not 0 < minutes <= MAX_MEETING_MINUTES:
        raise InvalidInput("duration_minutes", f"La durée doit être comprise entre 1 et {MAX_MEETING_MINUTES} minutes.")
    return minutes


def _due_on(value: str | None, field: str) -> str | None:
    if value is None:
        return None
    try:
        return parse_date(value).isoformat()
    except ValueError as error:
        raise InvalidInput(field, "Date attendue au format AAAA-MM-JJ.") from error


def _action_item(item: dict[str, Any], action_id: str, field: str) -> dict[str, Any]:
    return {
        "action_id": action_id,
        "title": _require_text(item.get("title", ""), f"{field}.title", "Le titre de l'action"),
        "owner": _require_choice(item.get("owner", ""), f"{field}.owner", c.ACTION_OWNERS),
        "due_on": _due_on(item.get("due_on"), f"{field}.due_on"),
        "status": "todo",
    }


def _next_action_id(state: BinomeState, offset: int = 0) -> str:
    return f"A{len(state.actions) + offset + 1}"


# --- handlers -----------------------------------------------------------------------------------


def _propose(state: BinomeState, cmd: c.ProposeMentee, new: _NewFacts) -> None:
    if state.stage is not None:
        raise NotAllowed("Ce binôme a déjà été proposé.")
    mentor_id = _require_text(cmd.mentor_id, "mentor_id", "Le mentor")
    mentee_id = _require_text(cmd.mentee_id, "mentee_id", "Le mentee")
    if mentor_id == mentee_id:
        raise InvalidInput("mentee_id", "Le mentee doit être une autre personne que le mentor.")
    programme = state.programme
    new.add("MentorshipProposed", {
        "mentor_id": mentor_id,
        "mentee_id": mentee_id,
        "note": cmd.note.strip(),
        "programme": programme.to_dict(),
        "response_due_at": iso(new.occurred_at + programme.proposal_response_delay),
    })


def _accept(state: BinomeState, cmd: c.AcceptProposal, new: _NewFacts) -> None:
    _require_stage(state, (Stage.PROPOSED,), "La proposition n'attend plus de réponse")
    _require_not_before(new.occurred_at, state.proposed_at, "la proposition")
    new.add("ProposalAccepted", {"first_meeting_due_at": iso(new.occurred_at + state.programme.first_meeting_delay)})


def _refuse(state: BinomeState, cmd: c.RefuseProposal, new: _NewFacts) -> None:
    _require_stage(state, (Stage.PROPOSED,), "La proposition n'attend plus de réponse")
    _require_not_before(new.occurred_at, state.proposed_at, "la proposition")
    new.add("ProposalRefused", {"reason": _require_text(cmd.reason, "reason", "La raison du refus")})


def _first_meeting(state: BinomeState, cmd: c.RecordFirstMeeting, new: _NewFacts) -> None:
    _require_stage(state, (Stage.AWAITING_FIRST_MEETING,), "La première rencontre suit l'acceptation de la proposition")
    _require_not_before(new.occurred_at, state.accepted_at, "l'acceptation")
    checklist = state.programme.first_meeting_checklist
    unknown = [point for point in cmd.checklist if point not in checklist]
    if unknown:
        raise InvalidInput("checklist", f"Points inconnus : {', '.join(unknown)}. Points prévus : {', '.join(checklist)}.")
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
    _require_stage(state, (Stage.AWAITING_VALIDATION,), "La validation se fait après la première rencontre, avant le contrat")
    if side in state.validations:
        raise NotAllowed(f"{SIDE_LABELS_FR[side]} a déjà validé le binôme.")
    _require_not_before(new.occurred_at, state.first_meeting_at, "la première rencontre")
    if decision == "refused":
        new.add("BinomeRefused", {"side": side, "reason": _require_text(cmd.reason, "reason", "La raison du refus")})
    else:
        new.add("BinomeValidated", {"side": side})


def _sign(state: BinomeState, cmd: c.SignContract, new: _NewFacts) -> None:
    party = _require_choice(cmd.party, "party", CONTRACT_PARTIES)
    if state.stage in (Stage.PROPOSED, Stage.AWAITING_FIRST_MEETING, Stage.AWAITING_VALIDATION):
        raise NotAllowed("Le contrat ne peut pas être signé avant les deux validations.")
    _require_stage(state, (Stage.AWAITING_CONTRACT,), "Le contrat est déjà en vigueur")
    if party in state.signatures:
        raise NotAllowed(f"{SIDE_LABELS_FR[party]} a déjà signé le contrat.")
    _require_not_before(new.occurred_at, max(state.validations.values()), "les deux validations")
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
    _require_stage(state, (Stage.INTAKE,), "L'analyse des forces et faiblesses se fait pendant l'in-take")
    if state.analysis_at is not None:
        raise NotAllowed("L'analyse des forces et faiblesses est déjà enregistrée.")
    _require_not_before(new.occurred_at, state.period_start, "le début du mentorat")
    strengths = [_require_text(s, "strengths", "Une force") for s in cmd.strengths]
    weaknesses = [_require_text(w, "weaknesses", "Une faiblesse") for w in cmd.weaknesses]
    if not strengths:
        raise InvalidInput("strengths", "Au moins une force est attendue.")
    if not weaknesses:
        raise InvalidInput("weaknesses", "Au moins une faiblesse est attendue.")
    new.add("StrengthsWeaknessesAnalysed", {"strengths": strengths, "weaknesses": weaknesses})


def _plan(state: BinomeState, cmd: c.AgreeActionPlan, new: _NewFacts) -> None:
    _require_stage(state, (Stage.INTAKE,), "Le plan d'actions se construit pendant l'in-take")
    if state.analysis_at is None:
        raise NotAllowed("Le plan d'actions suit l'analyse des forces et faiblesses.")
    _require_not_before(new.occurred_at, state.analysis_at, "l'analyse des forces et faiblesses")
    if not cmd.actions:
        raise InvalidInput("actions", "Le plan d'actions contient au moins une action.")
    actions = [_action_item(item, _next_action_id(state, i), f"actions.{i}") for i, item in enumerate(cmd.actions)]
    new.add("ActionPlanAgreed", {"actions": actions})


def _add_action(state: BinomeState, cmd: c.AddAction, new: _NewFacts) -> None:
    _require_stage(state, (Stage.ACTIVE,), "Une action s'ajoute à un plan d'actions en cours")
    _require_not_before(new.occurred_at, state.action_plan_at, "le plan d'actions")
    new.add("ActionAdded", _action_item(
        {"title": cmd.title, "owner": cmd.owner, "due_on": cmd.due_on}, _next_action_id(state), "action"))


def _update_action(state: BinomeState, cmd: c.UpdateAction, new: _NewFacts) -> None:
    _require_stage(state, (Stage.ACTIVE,), "Les actions se mettent à jour pendant le travail en binôme")
    _require_not_before(new.occurred_at, state.action_plan_at, "le plan d'actions")
    action = state.actions.get(cmd.action_id)
    if action is None:
        raise InvalidInput("action_id", f"Action inconnue : {cmd.action_id}.")
    if cmd.status is None and cmd.due_on is None:
        raise InvalidInput("status", "Indiquez un nouveau statut ou une nouvelle échéance.")
    status = _require_choice(cmd.status, "status", c.ACTION_STATUSES) if cmd.status is not None else None
    new.add("ActionUpdated", {
        "action_id": action.action_id,
        "status": status,
        "previous_status": action.status,
        "due_on": _due_on(cmd.due_on, "due_on"),
        "note": cmd.note.strip(),
    })


def _require_during_period(state: BinomeState, new: _NewFacts, what: str) -> None:
    """During the period; after the exit, only a late entry of something that happened before it."""
    _require_stage(state, PERIOD_STAGES + (Stage.CLOSURE_DUE, Stage.EVALUATION),
                   f"{what} s'enregistrent entre la signature du contrat et la sortie")
    _require_not_before(new.occurred_at, state.period_start, "le début du mentorat")
    if state.exit_at is not None and new.occurred_at >= state.exit_at:
        raise NotAllowed(f"{what} s'enregistrent entre la signature du contrat et la sortie "
                         f"(sortie le {state.exit_at.date().isoformat()}).")


def _meeting(state: BinomeState, cmd: c.RecordMeeting, new: _NewFacts) -> None:
    _require_during_period(state, new, "Les rencontres")
    unknown = [a for a in cmd.actions_progressed if a not in state.actions]
    if unknown:
        raise InvalidInput("actions_progressed", f"Actions inconnues : {', '.join(unknown)}.")
    new.add("MeetingHeld", {
        "mode": _require_choice(cmd.mode, "mode", c.MEETING_MODES),
        "duration_minutes": _minutes(cmd.duration_minutes, state.programme.meeting_minutes),
        "notes": cmd.notes.strip(),
        "actions_progressed": list(dict.fromkeys(cmd.actions_progressed)),
    })


def _contact(state: BinomeState, cmd: c.LogContact, new: _NewFacts) -> None:
    _require_during_period(state, new, "Les contacts")
    new.add("ContactLogged", {"channel": _require_choice(cmd.channel, "channel", c.CONTACT_CHANNELS), "notes": cmd.notes.strip()})


def _monitoring(state: BinomeState, cmd: c.RecordMonitoringContact, new: _NewFacts) -> None:
    _require_stage(state, PERIOD_STAGES, "Le suivi se fait pendant la période de mentorat")
    _require_not_before(new.occurred_at, state.period_start, "le début du mentorat")
    outstanding = [m.number for m in state.monitoring if m.recorded_at is None]
    new.add("MonitoringContactRecorded", {
        # An off-schedule contact (none due) is kept too, with no number.
        "number": outstanding[0] if outstanding else None,
        "channel": _require_choice(cmd.channel, "channel", c.CONTACT_CHANNELS + ("in_person", "video")),
        "outcome": _require_text(cmd.outcome, "outcome", "Le résultat du contact"),
    })


def _positive_exit(state: BinomeState, cmd: c.RecordPositiveExit, new: _NewFacts) -> None:
    _require_stage(state, PERIOD_STAGES, "Une sortie s'enregistre après la signature du contrat, avant le terme")
    _require_not_before(new.occurred_at, state.period_start, "le début du mentorat")
    new.add("PositiveExitRecorded", {
        "outcome": _require_choice(cmd.outcome, "outcome", c.POSITIVE_OUTCOMES),
        "details": cmd.details.strip(),
    })


def _early_stop(state: BinomeState, cmd: c.RecordEarlyStop, new: _NewFacts) -> None:
    _require_stage(state, PERIOD_STAGES, "Un arrêt anticipé s'enregistre après la signature du contrat, avant le terme")
    _require_not_before(new.occurred_at, state.period_start, "le début du mentorat")
    new.add("EarlyStopRecorded", {
        "by": _require_choice(cmd.by, "by", c.EARLY_STOP_BY),
        "reason": _require_text(cmd.reason, "reason", "La raison de l'arrêt"),
    })


def _closure(state: BinomeState, cmd: c.RecordClosureMeeting, new: _NewFacts) -> None:
    _require_stage(state, (Stage.CLOSURE_DUE,), "La réunion de clôture suit une sortie ou le terme")
    _require_not_before(new.occurred_at, state.exit_at, "la sortie")
    new.add("ClosureMeetingHeld", {"notes": cmd.notes.strip()})
    new.add("EvaluationRequested", {
        "sides": list(SIDES),
        "due_at": iso(new.occurred_at + state.programme.evaluation_delay),
    })


def _evaluation(state: BinomeState, cmd: c.RecordEvaluation, new: _NewFacts) -> None:
    side = _require_choice(cmd.side, "side", SIDES)
    _require_stage(state, (Stage.EVALUATION,), "L'évaluation suit la réunion de clôture")
    if side in state.evaluations:
        raise NotAllowed(f"{SIDE_LABELS_FR[side]} a déjà rendu son évaluation.")
    _require_not_before(new.occurred_at, state.closure_meeting_at, "la réunion de clôture")
    if not 1 <= cmd.rating <= 5:
        raise InvalidInput("rating", "La note va de 1 à 5.")
    questions = state.programme.evaluation_questions
    unknown = [q for q in cmd.answers if q not in questions]
    if unknown:
        raise InvalidInput("answers", f"Questions inconnues : {', '.join(unknown)}.")
    answers = {q: a.strip() for q, a in cmd.answers.items() if a.strip()}
    if not answers:
        raise InvalidInput("answers", "Au moins une réponse est attendue.")
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
