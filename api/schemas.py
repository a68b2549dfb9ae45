"""Request and response bodies. Inputs are strict (unknown fields refused, lengths bounded); outputs never expose internals."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from domain import commands as c

Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]
RequiredText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Language = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=40)]

MeetingMode = Literal[c.MEETING_MODES]
ContactChannel = Literal[c.CONTACT_CHANNELS]
Owner = Literal[c.ACTION_OWNERS]
ActionStatus = Literal[c.ACTION_STATUSES]
Side = Literal["mentor", "mentee"]
Party = Literal["mentor", "mentee", "programme"]
Minutes = Annotated[int, Field(gt=0, le=480)]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CommandInput(Input):
    occurred_at: datetime | None = Field(
        None, description="Quand c'est arrivé (par défaut : maintenant). Une saisie tardive garde sa vraie date.")


# --- persons --------------------------------------------------------------------------------------

class PersonIn(Input):
    name: Name
    email: EmailStr | None = None
    phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] | None = None
    languages: list[Language] = Field(default_factory=list, max_length=20)


class PersonOut(BaseModel):
    person_id: str
    role: str
    name: str
    email: str | None
    phone: str | None
    languages: list[str]
    registered_at: datetime


class PersonPage(BaseModel):
    items: list[PersonOut]
    total: int
    limit: int
    offset: int


# --- binôme commands -----------------------------------------------------------------------------

class ProposalIn(CommandInput):
    mentor_id: str = Field(min_length=1, max_length=64)
    mentee_id: str = Field(min_length=1, max_length=64)
    note: Text = ""


class RefusalIn(CommandInput):
    reason: RequiredText


class AcceptIn(CommandInput):
    pass


class FirstMeetingIn(CommandInput):
    mode: MeetingMode
    checklist: list[str] = Field(default_factory=list, max_length=50)
    duration_minutes: Minutes | None = None
    notes: Text = ""


class ValidationIn(CommandInput):
    side: Side
    decision: Literal[c.VALIDATION_DECISIONS]
    reason: Text = ""


class SignatureIn(CommandInput):
    party: Party


class AnalysisIn(CommandInput):
    strengths: list[RequiredText] = Field(min_length=1, max_length=50)
    weaknesses: list[RequiredText] = Field(min_length=1, max_length=50)


class ActionIn(Input):
    title: RequiredText
    owner: Owner
    due_on: date | None = None


class ActionPlanIn(CommandInput):
    actions: list[ActionIn] = Field(min_length=1, max_length=100)


class NewActionIn(CommandInput, ActionIn):
    pass


class ActionChangeIn(CommandInput):
    status: ActionStatus | None = None
    due_on: date | None = None
    note: Text = ""


class MeetingIn(CommandInput):
    mode: MeetingMode
    duration_minutes: Minutes | None = None
    notes: Text = ""
    actions_progressed: list[str] = Field(default_factory=list, max_length=100)


class ContactIn(CommandInput):
    channel: ContactChannel
    notes: Text = ""


class MonitoringContactIn(CommandInput):
    channel: Literal[c.CONTACT_CHANNELS + ("in_person", "video")] = "phone"
    outcome: RequiredText


class PositiveExitIn(CommandInput):
    outcome: Literal[c.POSITIVE_OUTCOMES]
    details: Text = ""


class EarlyStopIn(CommandInput):
    by: Literal[c.EARLY_STOP_BY]
    reason: RequiredText


class ClosureMeetingIn(CommandInput):
    notes: Text = ""


class EvaluationIn(CommandInput):
    side: Side
    answers: dict[str, Text] = Field(min_length=1, max_length=50)
    rating: Annotated[int, Field(ge=1, le=5)]


# --- outputs -------------------------------------------------------------------------------------

class FactOut(BaseModel):
    position: int
    type: str
    occurred_at: datetime
    recorded_at: datetime
    actor: str
    data: dict[str, Any]
    command_id: str | None = None


class CommandResult(BaseModel):
    binome_id: str
    recorded: list[FactOut] = Field(description="Les faits enregistrés par cette commande.")


class History(BaseModel):
    binome_id: str
    facts: list[FactOut]


class DueDate(BaseModel):
    what: str
    at: datetime


class ActionOut(BaseModel):
    action_id: str
    title: str
    owner: str
    due_on: str | None
    status: str
    updated_at: datetime


class TaskOut(BaseModel):
    task_id: str
    binome_id: str
    kind: str
    label: str
    since: datetime
    overdue: bool
    overdue_since: datetime | None


class TaskPage(BaseModel):
    items: list[TaskOut]
    total: int
    limit: int
    offset: int


class BinomeSummary(BaseModel):
    binome_id: str
    stage: str
    stage_label: str
    mentor_id: str | None
    mentee_id: str | None
    overdue: bool
    next_due_at: datetime | None
    version: int


class BinomePage(BaseModel):
    items: list[BinomeSummary]
    total: int
    limit: int
    offset: int


class BinomeOut(BaseModel):
    binome_id: str
    stage: str
    stage_label: str
    mentor_id: str | None
    mentee_id: str | None
    programme_id: str
    version: int
    proposed_at: datetime | None
    accepted_at: datetime | None
    first_meeting_at: datetime | None
    validations: dict[str, datetime]
    signatures: dict[str, datetime]
    period_start: datetime | None
    term_at: datetime | None
    exit_kind: str | None
    exit_at: datetime | None
    ended_reason: str | None
    closure_meeting_at: datetime | None
    evaluations: dict[str, datetime]
    completed_at: datetime | None
    completion_reason: str | None
    meetings_held: int
    meetings_by_month: list[int]
    contacts_logged: int
    next_due: list[DueDate]
    action_plan: list[ActionOut]
    open_tasks: list[TaskOut]
