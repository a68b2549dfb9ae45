"""What is known of one binôme, folded from its facts (`evolve`). Used by the workflow and the read views alike."""

import copy
from dataclasses import dataclass, field
from datetime import datetime

from domain.calendar import from_iso
from domain.facts import Fact
from domain.programme import Programme
from domain.serialization import from_jsonable, to_jsonable
from domain.stages import TERMINAL_STAGES, Stage

SIDES = ("mentor", "mentee")
CONTRACT_PARTIES = ("mentor", "mentee", "programme")


@dataclass
class Action:
    action_id: str
    title: str
    owner: str
    due_on: str | None
    status: str
    updated_at: datetime


@dataclass
class MonitoringContact:
    number: int
    due_at: datetime
    recorded_at: datetime | None = None
    overdue_at: datetime | None = None
    outcome: str | None = None


@dataclass
class Shortfall:
    month: int
    month_end: datetime
    held: int
    required: int
    followed_up: bool = False


@dataclass
class CommandRecord:
    """A processed command: its body's fingerprint and the positions of the facts it produced."""

    fingerprint: str | None
    positions: list[int]


@dataclass
class BinomeState:
    binome_id: str
    programme: Programme = field(default_factory=Programme)
    stage: Stage | None = None
    version: int = 0
    mentor_id: str | None = None
    mentee_id: str | None = None
    proposed_at: datetime | None = None
    response_due_at: datetime | None = None
    accepted_at: datetime | None = None
    first_meeting_due_at: datetime | None = None
    first_meeting_overdue_at: datetime | None = None
    first_meeting_at: datetime | None = None
    validations: dict[str, datetime] = field(default_factory=dict)
    ended_reason: str | None = None
    ended_at: datetime | None = None
    signatures: dict[str, datetime] = field(default_factory=dict)
    period_start: datetime | None = None
    term_at: datetime | None = None
    analysis_at: datetime | None = None
    action_plan_at: datetime | None = None
    actions: dict[str, Action] = field(default_factory=dict)
    meeting_dates: list[datetime] = field(default_factory=list)
    contacts: int = 0
    cadence_months_checked: int = 0
    shortfalls: list[Shortfall] = field(default_factory=list)
    monitoring: list[MonitoringContact] = field(default_factory=list)
    exit_kind: str | None = None
    exit_at: datetime | None = None
    closure_meeting_at: datetime | None = None
    evaluation_due_at: datetime | None = None
    evaluations: dict[str, datetime] = field(default_factory=dict)
    completed_at: datetime | None = None
    completion_reason: str | None = None
    commands: dict[str, CommandRecord] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        return self.stage in TERMINAL_STAGES

    @property
    def period_started(self) -> bool:
        return self.period_start is not None

    def copy(self) -> "BinomeState":
        return copy.deepcopy(self)

    def to_dict(self) -> dict:
        return to_jsonable(self)

    @classmethod
    def from_dict(cls, data: dict) -> "BinomeState":
        return from_jsonable(cls, data)


def evolve(state: BinomeState, fact: Fact) -> BinomeState:
    """Applies one fact in place (and returns the state, for folding)."""
    apply = _APPLIERS.get(fact.type)
    if apply is not None:
        apply(state, fact)
    state.version = fact.position
    if fact.command_id is not None:
        record = state.commands.setdefault(fact.command_id, CommandRecord(fact.fingerprint, []))
        record.positions.append(fact.position)
    return state


def fold(binome_id: str, facts: list[Fact]) -> BinomeState:
    state = BinomeState(binome_id)
    for fact in facts:
        evolve(state, fact)
    return state


def _proposed(s: BinomeState, f: Fact) -> None:
    s.stage = Stage.PROPOSED
    s.programme = Programme.from_dict(f.data["programme"])
    s.mentor_id = f.data["mentor_id"]
    s.mentee_id = f.data["mentee_id"]
    s.proposed_at = f.occurred_at
    s.response_due_at = from_iso(f.data["response_due_at"])


def _accepted(s: BinomeState, f: Fact) -> None:
    s.stage = Stage.AWAITING_FIRST_MEETING
    s.accepted_at = f.occurred_at
    s.first_meeting_due_at = from_iso(f.data["first_meeting_due_at"])


# Facts recorded before reasons became codes hold French prose: read them as the code they stand for.
LEGACY_REASONS = {"Délai de réponse du mentor dépassé.": "response_delay_passed"}


def _ended(stage: Stage):
    def apply(s: BinomeState, f: Fact) -> None:
        s.stage = stage
        s.ended_at = f.occurred_at
        reason = f.data.get("reason")
        s.ended_reason = LEGACY_REASONS.get(reason, reason) if f.type == "ProposalExpired" else reason

    return apply


def _first_meeting_overdue(s: BinomeState, f: Fact) -> None:
    s.first_meeting_overdue_at = f.occurred_at


def _first_meeting(s: BinomeState, f: Fact) -> None:
    s.stage = Stage.AWAITING_VALIDATION
    s.first_meeting_at = f.occurred_at


def _validated(s: BinomeState, f: Fact) -> None:
    s.validations[f.data["side"]] = f.occurred_at
    if all(side in s.validations for side in SIDES):
        s.stage = Stage.AWAITING_CONTRACT


def _signed(s: BinomeState, f: Fact) -> None:
    s.signatures[f.data["party"]] = f.occurred_at


def _started(s: BinomeState, f: Fact) -> None:
    s.stage = Stage.INTAKE
    s.period_start = from_iso(f.data["period_start"])
    s.term_at = from_iso(f.data["term_at"])


def _analysed(s: BinomeState, f: Fact) -> None:
    s.analysis_at = f.occurred_at


def _action_from(data: dict, at: datetime) -> Action:
    return Action(data["action_id"], data["title"], data["owner"], data.get("due_on"), data.get("status", "todo"), at)


def _plan_agreed(s: BinomeState, f: Fact) -> None:
    s.action_plan_at = f.occurred_at
    if s.stage == Stage.INTAKE:
        s.stage = Stage.ACTIVE
    for item in f.data["actions"]:
        s.actions[item["action_id"]] = _action_from(item, f.occurred_at)


def _action_added(s: BinomeState, f: Fact) -> None:
    s.actions[f.data["action_id"]] = _action_from(f.data, f.occurred_at)


def _action_updated(s: BinomeState, f: Fact) -> None:
    action = s.actions[f.data["action_id"]]
    action.status = f.data.get("status") or action.status
    action.due_on = f.data.get("due_on") or action.due_on
    action.updated_at = f.occurred_at


def _meeting(s: BinomeState, f: Fact) -> None:
    s.meeting_dates.append(f.occurred_at)
    for action_id in f.data.get("actions_progressed", []):
        if action_id in s.actions:
            s.actions[action_id].updated_at = f.occurred_at


def _contact(s: BinomeState, f: Fact) -> None:
    s.contacts += 1


def _cadence_met(s: BinomeState, f: Fact) -> None:
    s.cadence_months_checked = f.data["month"]


def _cadence_shortfall(s: BinomeState, f: Fact) -> None:
    s.cadence_months_checked = f.data["month"]
    s.shortfalls.append(Shortfall(f.data["month"], from_iso(f.data["month_end"]), f.data["held"], f.data["required"]))


def _monitoring_due(s: BinomeState, f: Fact) -> None:
    s.monitoring.append(MonitoringContact(f.data["number"], from_iso(f.data["due_at"])))


def _monitoring_overdue(s: BinomeState, f: Fact) -> None:
    s.monitoring[f.data["number"] - 1].overdue_at = f.occurred_at


def _monitoring_recorded(s: BinomeState, f: Fact) -> None:
    number = f.data.get("number")
    if number is not None:
        contact = s.monitoring[number - 1]
        contact.recorded_at = f.occurred_at
        contact.outcome = f.data.get("outcome")
    for shortfall in s.shortfalls:
        shortfall.followed_up = True


def _exited(kind: str):
    def apply(s: BinomeState, f: Fact) -> None:
        s.stage = Stage.CLOSURE_DUE
        s.exit_kind = kind
        s.exit_at = f.occurred_at

    return apply


def _closure_meeting(s: BinomeState, f: Fact) -> None:
    s.closure_meeting_at = f.occurred_at


def _evaluation_requested(s: BinomeState, f: Fact) -> None:
    s.stage = Stage.EVALUATION
    s.evaluation_due_at = from_iso(f.data["due_at"])


def _evaluation(s: BinomeState, f: Fact) -> None:
    s.evaluations[f.data["side"]] = f.occurred_at


def _completed(s: BinomeState, f: Fact) -> None:
    s.stage = Stage.COMPLETED
    s.completed_at = f.occurred_at
    s.completion_reason = f.data["reason"]


_APPLIERS = {
    "MentorshipProposed": _proposed,
    "ProposalAccepted": _accepted,
    "ProposalRefused": _ended(Stage.PROPOSAL_REFUSED),
    "ProposalExpired": _ended(Stage.PROPOSAL_EXPIRED),
    "FirstMeetingOverdue": _first_meeting_overdue,
    "FirstMeetingHeld": _first_meeting,
    "BinomeValidated": _validated,
    "BinomeRefused": _ended(Stage.REFUSED_AT_VALIDATION),
    "ContractSigned": _signed,
    "MentorshipStarted": _started,
    "StrengthsWeaknessesAnalysed": _analysed,
    "ActionPlanAgreed": _plan_agreed,
    "ActionAdded": _action_added,
    "ActionUpdated": _action_updated,
    "MeetingHeld": _meeting,
    "ContactLogged": _contact,
    "CadenceMet": _cadence_met,
    "CadenceShortfall": _cadence_shortfall,
    "MonitoringContactDue": _monitoring_due,
    "MonitoringContactOverdue": _monitoring_overdue,
    "MonitoringContactRecorded": _monitoring_recorded,
    "PositiveExitRecorded": _exited("positive"),
    "EarlyStopRecorded": _exited("early_stop"),
    "TermReached": _exited("term"),
    "ClosureMeetingHeld": _closure_meeting,
    "EvaluationRequested": _evaluation_requested,
    "EvaluationRecorded": _evaluation,
    "BinomeCompleted": _completed,
}
