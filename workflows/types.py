"""What crosses the workflow boundary: inputs, activity requests, update outcomes (plain dataclasses)."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.engagements import Engagement
from domain.facts import Fact

APPEND_FACTS = "append_facts"
COMMAND_UPDATE = "command"
STATE_QUERY = "state"
WORKFLOW_NAME = "Binome"


def workflow_id(binome_id: str | UUID) -> str:
    return f"binome-{binome_id}"


def update_id(command_id: str) -> str:
    """One update per delivery. The workflow, not the server, recognises a repeated command by its id (kept in its
    state across continue-as-new) and answers it with the first delivery's facts and `repeated=True`."""
    return f"{command_id}/{uuid.uuid4().hex}"


@dataclass
class WorkflowOptions:
    # An append takes milliseconds: a worker that died holding one frees its binôme after this, not 30 s later.
    append_timeout_seconds: float = 5.0
    # The first retry of a failed append comes this soon (then doubles, up to a minute).
    append_first_retry_seconds: float = 0.2
    continue_as_new_after_events: int = 4000
    # A started workflow that never gets its proposal (the caller vanished) ends after this.
    proposal_wait_seconds: float = 3600.0


@dataclass
class BinomeInput:
    binome_id: str
    programme: dict[str, Any]
    options: WorkflowOptions = field(default_factory=WorkflowOptions)
    # Set when the workflow continues as new: the state so far (every fact is already in the store).
    state: dict[str, Any] | None = None


@dataclass
class AppendFacts:
    binome_id: str
    facts: list[Fact]
    # The places these facts take or free on the mentor's and mentee's streams, if any.
    engagement: Engagement | None = None


@dataclass
class StoredFact:
    """A fact as the store holds it: the append's answer, folded by the workflow and returned to the caller."""

    fact: Fact
    recorded_at: datetime
    notification_id: int | None = None


@dataclass
class CommandOutcome:
    binome_id: str
    version: int
    stage: str
    # Positions of the facts this command recorded (for a repeat: the first delivery's).
    positions: list[int]
    repeated: bool = False
    # The facts themselves, as stored (empty for a repeat, and in histories recorded before the local append).
    facts: list[StoredFact] = field(default_factory=list)
