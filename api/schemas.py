"""Request and response bodies. Inputs are strict (unknown fields refused, lengths bounded); outputs never expose internals.

Every string of every input is a `line` (one line: no control character at all) or a `text` (may hold
tabs and line breaks, no other control character), and no string holds an unpaired surrogate: PostgreSQL
refuses NUL, JSON cannot carry lone surrogates, and a stored fact must be readable by every view forever.
Moments are time-zoned, in UTC once read, from 2000 on; days (due dates) are between 2000 and 2100.
"""

import re
from datetime import date, datetime, timezone
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, EmailStr, Field, \
    StringConstraints
from pydantic_core import PydanticCustomError

from domain import commands as c

# Unicode category Cc is U+0000-U+001F and U+007F-U+009F; surrogates are U+D800-U+DFFF.
_NOT_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_NOT_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _refuse(pattern: re.Pattern[str]):
    def check(value: str) -> str:
        found = pattern.search(value)
        if found is None:
            return value
        if "\ud800" <= found.group() <= "\udfff":
            raise PydanticCustomError("string_unicode", "string holds an unpaired surrogate")
        raise PydanticCustomError("control_characters", "string holds control characters")

    return check


_plain_line = _refuse(_NOT_IN_LINE)
_plain_text = _refuse(_NOT_IN_TEXT)


def line(max_length: int, min_length: int = 0) -> Any:
    """One line of text (names, e-mails, ids, keys): trimmed, bounded, no control character."""
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
                     AfterValidator(_plain_line)]


def text(max_length: int, min_length: int = 0) -> Any:
    """Free text (notes, reasons): trimmed, bounded; tabs and line breaks allowed, no other control character."""
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
                     AfterValidator(_plain_text)]


def _plain_email(value: Any) -> Any:
    # Checked before the e-mail parser, so a NUL gets its own code and a huge value is not parsed at all.
    if isinstance(value, str):
        if len(value) > 254:
            raise PydanticCustomError("string_too_long", "string too long", {"max_length": 254})
        _plain_line(value)
    return value


EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)


def _moment_in_utc(value: datetime) -> datetime:
    """In UTC, from 2000 on. The future is the domain's to refuse (it knows the time: the workflow's clock)."""
    try:
        utc = value.astimezone(timezone.utc)
    except OverflowError:  # year 1 or 9999 pushed over the edge by its offset
        raise PydanticCustomError("date_out_of_range", "date cannot be converted to UTC") from None
    if utc.date() < EARLIEST_DAY:
        raise PydanticCustomError("date_too_early", "date before {earliest}", {"earliest": EARLIEST_DAY.isoformat()})
    return utc


def _day_in_range(value: date) -> date:
    if value < EARLIEST_DAY:
        raise PydanticCustomError("date_too_early", "date before {earliest}", {"earliest": EARLIEST_DAY.isoformat()})
    if value > LATEST_DAY:
        raise PydanticCustomError("date_too_late", "date after {latest}", {"latest": LATEST_DAY.isoformat()})
    return value


# Offsets and positions in query parameters: bounded, so no database is asked for a number it cannot hold.
MAX_INDEX = 2 ** 31 - 1

Text = text(5000)
RequiredText = text(5000, min_length=1)
Name = line(200, min_length=1)
Language = line(40, min_length=2)
Phone = line(40)
Id = line(64, min_length=1)
Key = line(100, min_length=1)
Email = Annotated[EmailStr, BeforeValidator(_plain_email)]
Moment = Annotated[AwareDatetime, AfterValidator(_moment_in_utc)]
Day = Annotated[date, AfterValidator(_day_in_range)]

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
    occurred_at: Moment | None = Field(
        None, description="Quand c'est arrivé (par défaut : maintenant). Une saisie tardive garde sa vraie date.")


# --- persons --------------------------------------------------------------------------------------

ProgrammeId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]
Capacity = Annotated[int, Field(ge=1, le=10, description="Mentors : nombre de binômes ouverts à la fois.")]


class PersonIn(Input):
    name: Name
    email: Email | None = None
    phone: Phone | None = None
    languages: list[Language] = Field(default_factory=list, max_length=20)
    programme_id: ProgrammeId = Field("default", description="Le programme de la personne.")
    capacity: Capacity | None = None


class PersonChangeIn(Input):
    """Only the fields given change; each change is a fact on the person's stream."""

    name: Name | None = None
    email: Email | None = None
    phone: Phone | None = None
    languages: list[Language] | None = Field(None, max_length=20)
    capacity: Capacity | None = None


class PersonOut(BaseModel):
    person_id: str
    role: str
    name: str
    email: str | None
    phone: str | None
    languages: list[str]
    registered_at: datetime
    programme_id: str = "default"
    capacity: int | None = None


# --- programmes -----------------------------------------------------------------------------------

Days = Annotated[int, Field(ge=0, le=180)]
Labels = Annotated[dict[Key, text(500, min_length=1)], Field(min_length=1, max_length=30)]


class ProgrammeSettingsIn(Input):
    """A programme's settings; only those given are set (the others keep the programme's defaults)."""

    name: Name | None = None
    proposal_response_days: Days | None = None
    first_meeting_days: Days | None = None
    first_meeting_minutes: Minutes | None = None
    meeting_minutes: Minutes | None = None
    period_months: Annotated[int, Field(ge=1, le=24)] | None = None
    min_meetings_per_month: Annotated[int, Field(ge=0, le=31)] | None = None
    cadence_grace_days: Days | None = None
    monitoring_interval_weeks: Annotated[int, Field(ge=1, le=26)] | None = None
    monitoring_grace_days: Days | None = None
    evaluation_days: Days | None = None
    evaluation_questions: Labels | None = None
    first_meeting_checklist: Labels | None = None


class ProgrammeIn(ProgrammeSettingsIn):
    programme_id: ProgrammeId


class ProgrammeOut(BaseModel):
    programme_id: str
    name: str
    settings: dict[str, Any]


class PersonPage(BaseModel):
    items: list[PersonOut]
    total: int
    limit: int
    offset: int


# --- binôme commands -----------------------------------------------------------------------------

class ProposalIn(CommandInput):
    mentor_id: Id
    mentee_id: Id
    note: Text = ""


class RefusalIn(CommandInput):
    reason: RequiredText


class AcceptIn(CommandInput):
    pass


class FirstMeetingIn(CommandInput):
    mode: MeetingMode
    checklist: list[Key] = Field(default_factory=list, max_length=50)
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
    title: line(500, min_length=1)
    owner: Owner
    due_on: Day | None = None


class ActionPlanIn(CommandInput):
    actions: list[ActionIn] = Field(min_length=1, max_length=100)


class NewActionIn(CommandInput, ActionIn):
    pass


class ActionChangeIn(CommandInput):
    status: ActionStatus | None = None
    due_on: Day | None = None
    note: Text = ""


class MeetingIn(CommandInput):
    mode: MeetingMode
    duration_minutes: Minutes | None = None
    notes: Text = ""
    actions_progressed: list[Id] = Field(default_factory=list, max_length=100)


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
    answers: dict[Key, Text] = Field(min_length=1, max_length=50)
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
