"""The rules across binômes: only a ready mentor and a selected mentee are proposed; a mentee is in at most one
open binôme (from the proposal to its end), a mentor has at most `capacity` open binômes, the same pair is never
open twice; a refusal, an expiry or an end frees the place.

A binôme's facts say what they ask of its two persons (`change_for`); the place is taken or freed on the persons'
own streams (`BinomeJoined` / `BinomeLeft`), written in the same transaction as the binôme's facts, so two
proposals racing for one mentee cannot both be recorded: the loser is judged again on the winner's facts.
"""

from dataclasses import dataclass
from datetime import datetime

from domain.errors import NotAllowed, NotFound
from domain.facts import SYSTEM, Actor, Fact
from domain.persons import PROPOSABLE_STEP, PersonState
from domain.stages import Stage
from domain.state import BinomeState, evolve

# The binôme's stage once it has ended, as the reason recorded on the persons' streams.
ENDING_STAGES = {
    Stage.PROPOSAL_REFUSED: "proposal_refused",
    Stage.PROPOSAL_EXPIRED: "proposal_expired",
    Stage.REFUSED_AT_VALIDATION: "refused_at_validation",
    Stage.COMPLETED: "completed",
}


@dataclass(frozen=True)
class Engagement:
    """What a batch of a binôme's facts asks of its mentor and mentee: to take their places, or to free them."""

    binome_id: str
    mentor_id: str
    mentee_id: str
    # "join" or "leave"
    change: str
    occurred_at: datetime
    reason: str | None = None


def change_for(before: BinomeState, facts: list[Fact]) -> Engagement | None:
    """The engagement a batch of facts makes, judged on the binôme's state before them (pure: no copy kept)."""
    proposed = next((f for f in facts if f.type == "MentorshipProposed"), None)
    if proposed is not None:
        return Engagement(before.binome_id, proposed.data["mentor_id"], proposed.data["mentee_id"], "join",
                          proposed.occurred_at)
    ending = next((f for f in facts if f.type in _ENDING_FACTS), None)
    if ending is None or before.mentor_id is None:
        return None
    state = before.copy()
    for fact in facts:
        evolve(state, fact)
    reason = ENDING_STAGES.get(state.stage)
    if reason is None:
        return None
    return Engagement(before.binome_id, before.mentor_id, before.mentee_id, "leave", ending.occurred_at, reason)


_ENDING_FACTS = frozenset({"ProposalRefused", "ProposalExpired", "BinomeRefused", "BinomeCompleted"})


def join(engagement: Engagement, mentor: PersonState, mentee: PersonState, actor: Actor) -> list[tuple[str, Fact]]:
    """The facts that take the pair's places, or why not. Already joined (a retry): nothing more."""
    binome_id = engagement.binome_id
    if mentor.role != "mentor":
        raise NotFound("mentor_not_found", field="mentor_id")
    if mentee.role != "mentee":
        raise NotFound("mentee_not_found", field="mentee_id")
    if binome_id in mentee.open_binomes and binome_id in mentor.open_binomes:
        return []
    _raise(_mentor_not_ready(mentor, engagement.occurred_at) or _mentee_not_selected(mentee))
    if mentor.programme_id != mentee.programme_id:
        raise NotAllowed("pair_in_different_programmes", mentor_programme=mentor.programme_id,
                         mentee_programme=mentee.programme_id)
    if mentee.person_id in mentor.open_binomes.values():
        raise NotAllowed("pair_already_open")
    _raise(_mentee_engaged(mentee) or _mentor_full(mentor))
    return [
        (mentor.person_id, _fact("BinomeJoined", mentor, engagement, actor, partner_id=mentee.person_id)),
        (mentee.person_id, _fact("BinomeJoined", mentee, engagement, actor, partner_id=mentor.person_id)),
    ]


def unavailable(person: PersonState, at: datetime) -> NotAllowed | None:
    """Why `person` cannot be proposed at `at`, whoever the other side (the same rules `join` applies), or None:
    matching leaves such a person out."""
    if person.role == "mentor":
        return _mentor_not_ready(person, at) or _mentor_full(person)
    return _mentee_not_selected(person) or _mentee_engaged(person)


# Only a mentor at the end of their journey (trained, not paused, not departed) with a place left, and a selected
# mentee in no other binôme, are proposed (domain.journeys).

def _mentor_not_ready(mentor: PersonState, at: datetime) -> NotAllowed | None:
    if mentor.step == "departed":
        return NotAllowed("mentor_departed", field="mentor_id")
    if mentor.step != PROPOSABLE_STEP["mentor"]:
        return NotAllowed("mentor_not_ready", field="mentor_id", step_code=f"step.{mentor.step}")
    if mentor.paused_at(at):
        return NotAllowed("mentor_paused", field="mentor_id", until=mentor.paused_until.date().isoformat())
    return None


def _mentor_full(mentor: PersonState) -> NotAllowed | None:
    if len(mentor.open_binomes) >= mentor.capacity:
        return NotAllowed("mentor_at_capacity", capacity=mentor.capacity)
    return None


def _mentee_not_selected(mentee: PersonState) -> NotAllowed | None:
    if mentee.step != PROPOSABLE_STEP["mentee"]:
        return NotAllowed("mentee_not_selected", field="mentee_id", step_code=f"step.{mentee.step}")
    return None


def _mentee_engaged(mentee: PersonState) -> NotAllowed | None:
    if mentee.open_binomes:
        return NotAllowed("mentee_already_in_binome", binome_id=next(iter(mentee.open_binomes)))
    return None


def _raise(refusal: NotAllowed | None) -> None:
    if refusal is not None:
        raise refusal


def leave(engagement: Engagement, persons: list[PersonState]) -> list[tuple[str, Fact]]:
    """The facts that free the places this binôme held; a person who does not hold one gets none."""
    return [
        (person.person_id, _fact("BinomeLeft", person, engagement, SYSTEM, reason=engagement.reason))
        for person in persons
        if engagement.binome_id in person.open_binomes
    ]


def _fact(fact_type: str, person: PersonState, engagement: Engagement, actor: Actor, **data: str | None) -> Fact:
    return Fact(fact_type, person.version + 1, engagement.occurred_at, actor,
                {"binome_id": engagement.binome_id, **data})


def held_before_recorded(binome: BinomeState, person: PersonState, partner_id: str) -> Fact | None:
    """For a binôme opened before places were recorded on persons' streams: the place it already holds, recorded
    as it stands (no rule judged: it is what happened), dated at its proposal. None if already recorded or ended."""
    if binome.stage is None or binome.finished or binome.binome_id in person.open_binomes:
        return None
    engagement = Engagement(binome.binome_id, binome.mentor_id, binome.mentee_id, "join", binome.proposed_at)
    return _fact("BinomeJoined", person, engagement, SYSTEM, partner_id=partner_id)
