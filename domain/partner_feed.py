"""What an ISP partner is told of the mentees it referred: their progress, and nothing else (no notes, no names
of mentors, no reasons). Each event comes from one fact: the mentee selected or not; proposed to a mentor; the
proposal ended without a binôme (refused or expired: the mentee waits for another mentor); the binôme validated
by both sides; an exit (its kind: a positive exit's outcome, or an early stop); the binôme closed.
"""

from dataclasses import dataclass
from typing import Any

from domain.facts import Fact

KINDS = ("selected", "not_selected", "proposed", "proposal_ended", "validated", "exited", "closed")
# On the mentee's own stream.
PERSON_EVENTS = {"MenteeSelected": "selected", "MenteeNotSelected": "not_selected"}
# On the binôme's stream (validation needs both sides: see `validated_by_both`).
BINOME_EVENTS = {"MentorshipProposed": "proposed", "ProposalRefused": "proposal_ended",
                 "ProposalExpired": "proposal_ended", "BinomeRefused": "proposal_ended",
                 "PositiveExitRecorded": "exited", "EarlyStopRecorded": "exited", "BinomeCompleted": "closed"}
SIDES = frozenset({"mentor", "mentee"})


@dataclass(frozen=True)
class Event:
    kind: str
    # Only codes: a positive exit's outcome (job, training, …), or that the binôme stopped early.
    detail: dict[str, Any]


def event_of(fact: Fact) -> Event | None:
    """The event a fact makes for the mentee's partner, if any (BinomeValidated is judged with its binôme's other
    validations: `validated_by_both`)."""
    kind = PERSON_EVENTS.get(fact.type) or BINOME_EVENTS.get(fact.type)
    if kind is None:
        return None
    if fact.type == "PositiveExitRecorded":
        return Event(kind, {"exit": "positive", "outcome": fact.data["outcome"]})
    if fact.type == "EarlyStopRecorded":
        return Event(kind, {"exit": "early_stop"})
    return Event(kind, {})


def validated_by_both(sides_before: frozenset[str], fact: Fact) -> Event | None:
    """A validation that completes both sides' makes the `validated` event (once)."""
    if fact.type != "BinomeValidated" or sides_before >= SIDES:
        return None
    return Event("validated", {}) if sides_before | {fact.data["side"]} >= SIDES else None
