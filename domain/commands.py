"""What staff, mentors, mentees and integrations ask of a binôme. Plain values; `decide` judges them."""

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.errors import InvalidInput
from domain.facts import Actor

MEETING_MODES = ("in_person", "video")
CONTACT_CHANNELS = ("phone", "email", "message")
ACTION_OWNERS = ("mentor", "mentee", "both", "staff")
ACTION_STATUSES = ("todo", "in_progress", "done", "dropped")
POSITIVE_OUTCOMES = ("job", "training", "internship", "business_creation", "return_to_studies")
EARLY_STOP_BY = ("mentor", "mentee", "staff")
VALIDATION_DECISIONS = ("validated", "refused")


@dataclass(frozen=True)
class ProposeMentee:
    mentor_id: str
    mentee_id: str
    note: str = ""
    # The matching decision behind the proposal (domain.matching.decision), when matching made it; the service
    # composes it, never the one who asks.
    matching: dict[str, Any] | None = None


@dataclass(frozen=True)
class AcceptProposal:
    pass


@dataclass(frozen=True)
class RefuseProposal:
    reason: str


@dataclass(frozen=True)
class RecordFirstMeeting:
    mode: str
    checklist: list[str] = field(default_factory=list)
    duration_minutes: int | None = None
    notes: str = ""


@dataclass(frozen=True)
class RecordValidation:
    side: str
    decision: str
    reason: str = ""


@dataclass(frozen=True)
class SignContract:
    party: str


@dataclass(frozen=True)
class RecordAnalysis:
    strengths: list[str]
    weaknesses: list[str]


@dataclass(frozen=True)
class AgreeActionPlan:
    # Each: {"title", "owner", "due_on" (YYYY-MM-DD or None)}
    actions: list[dict[str, Any]]


@dataclass(frozen=True)
class AddAction:
    title: str
    owner: str
    due_on: str | None = None


@dataclass(frozen=True)
class UpdateAction:
    action_id: str
    status: str | None = None
    due_on: str | None = None
    note: str = ""


@dataclass(frozen=True)
class RecordMeeting:
    mode: str
    duration_minutes: int | None = None
    notes: str = ""
    actions_progressed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LogContact:
    channel: str
    notes: str = ""


@dataclass(frozen=True)
class RecordMonitoringContact:
    outcome: str
    channel: str = "phone"


@dataclass(frozen=True)
class RecordPositiveExit:
    outcome: str
    details: str = ""


@dataclass(frozen=True)
class RecordEarlyStop:
    by: str
    reason: str


@dataclass(frozen=True)
class RecordClosureMeeting:
    notes: str = ""


@dataclass(frozen=True)
class RecordEvaluation:
    side: str
    answers: dict[str, str]
    rating: int


COMMAND_TYPES: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        ProposeMentee, AcceptProposal, RefuseProposal, RecordFirstMeeting, RecordValidation, SignContract,
        RecordAnalysis, AgreeActionPlan, AddAction, UpdateAction, RecordMeeting, LogContact,
        RecordMonitoringContact, RecordPositiveExit, RecordEarlyStop, RecordClosureMeeting, RecordEvaluation,
    )
}


@dataclass(frozen=True)
class CommandEnvelope:
    """A command as it travels: name and plain payload, who sent it, when it happened, and its id.

    `command_id` makes a repeated delivery recognisable; `fingerprint` (a hash of the body)
    tells a true repeat from a reuse of the same id for another body.
    """

    name: str
    payload: dict[str, Any]
    command_id: str
    actor: Actor
    occurred_at: datetime | None = None
    fingerprint: str | None = None

    def command(self) -> Any:
        kind = COMMAND_TYPES.get(self.name)
        if kind is None:
            raise InvalidInput("command_unknown", field="name", name=self.name)
        fields = dataclasses.fields(kind)
        unknown = set(self.payload) - {f.name for f in fields}
        if unknown:
            raise InvalidInput("field_unknown", field=sorted(unknown)[0])
        missing = [f.name for f in fields if f.name not in self.payload
                   and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
        if missing:
            raise InvalidInput("fields_missing", field="payload", missing=", ".join(missing))
        return kind(**self.payload)
