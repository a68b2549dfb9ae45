"""Cohort drafts: the optimal assignment of a programme's waiting mentees to its available mentors
(domain.cohort), kept as facts so that staff review it, remove or swap pairs, and propose all of it or part of it;
a draft answers "why not this pair?" for any pair.

A draft's stream starts with `CohortDraftMade` (the criteria in force, each pair with its score, the mentees left
without a mentor, the mentors' places); each change is a fact. A pair once proposed belongs to its binôme: it is
neither removed nor swapped any more (its binôme's id derives from the draft and the mentee, so proposing it again
proposes nothing more).
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from domain.cohort import Pair
from domain.errors import NotAllowed
from domain.facts import Actor, Fact
from domain.idempotency import already_recorded
from domain.matching import Criterion, Match, criteria_of


@dataclass
class DraftState:
    draft_id: str
    programme_id: str | None = None
    criteria: dict[str, dict] = field(default_factory=dict)
    # mentee id -> (mentor id, score), the pairs the draft holds now
    pairs: dict[str, tuple[str, int]] = field(default_factory=dict)
    # mentee id -> mentor id, the pairs staff removed
    removed: dict[str, str] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)
    places: dict[str, int] = field(default_factory=dict)
    made_at: datetime | None = None
    made_by: Actor | None = None
    version: int = 0
    commands: dict[str, str | None] = field(default_factory=dict)

    @property
    def exists(self) -> bool:
        return self.programme_id is not None

    def matching_criteria(self) -> dict[str, Criterion]:
        return criteria_of(self.criteria)


def make(state: DraftState, programme_id: str, criteria: Mapping[str, Criterion], pairs: list[tuple[str, str, int]],
         unmatched: list[str], places: Mapping[str, int], actor: Actor, at: datetime, command_id: str,
         fingerprint: str | None) -> list[Fact]:
    """The draft as made: `pairs` (mentee id, mentor id, score), by mentee."""
    if state.exists:
        if already_recorded(state.commands, command_id, fingerprint):
            return []
        raise NotAllowed("draft_exists")
    return [Fact("CohortDraftMade", 1, at, actor, {
        "programme_id": programme_id,
        "criteria": {name: {"mandatory": c.mandatory, "weight": c.weight} for name, c in criteria.items()},
        "pairs": [list(pair) for pair in sorted(pairs)],
        "unmatched": sorted(unmatched),
        "places": dict(sorted(places.items())),
    }, command_id, fingerprint)]


def remove(state: DraftState, mentee_id: str, proposed: Collection[str], actor: Actor, at: datetime,
           command_id: str, fingerprint: str | None) -> list[Fact]:
    """Takes a pair out of the draft (its mentee and the mentor's place are then free in it)."""
    if already_recorded(state.commands, command_id, fingerprint):
        return []
    _require_changeable(state, mentee_id, proposed, "mentee_id")
    mentor_id, _ = state.pairs[mentee_id]
    return [Fact("DraftPairRemoved", state.version + 1, at, actor, {"mentee_id": mentee_id, "mentor_id": mentor_id},
                 command_id, fingerprint)]


def swap(state: DraftState, first: str, second: str, judged: Mapping[str, tuple[Match, list[NotAllowed]]],
         proposed: Collection[str], actor: Actor, at: datetime, command_id: str,
         fingerprint: str | None) -> list[Fact]:
    """Gives two mentees of the draft each other's mentor. `judged[mentee]`: that mentee with the other's mentor,
    and why not (both new pairs must be allowed)."""
    if already_recorded(state.commands, command_id, fingerprint):
        return []
    _require_changeable(state, first, proposed, "mentee_ids.0")
    _require_changeable(state, second, proposed, "mentee_ids.1")
    if first == second or state.pairs[first][0] == state.pairs[second][0]:
        raise NotAllowed("swap_same_mentor", field="mentee_ids")
    for index, mentee_id in enumerate((first, second)):
        pair, reasons = judged[mentee_id]
        if reasons:
            raise NotAllowed("swap_not_allowed", field=f"mentee_ids.{index}", reason_code=reasons[0].code)
    return [Fact("DraftPairsSwapped", state.version + 1, at, actor, {
        "pairs": [[mentee_id, state.pairs[other][0], judged[mentee_id][0].score]
                  for mentee_id, other in ((first, second), (second, first))]}, command_id, fingerprint)]


def _require_changeable(state: DraftState, mentee_id: str, proposed: Collection[str], field_name: str) -> None:
    if mentee_id not in state.pairs:
        raise NotAllowed("draft_pair_not_found", field=field_name)
    if mentee_id in proposed:
        raise NotAllowed("draft_pair_proposed", field=field_name)


def absent_because(state: DraftState, mentor_id: str, mentee_id: str, score: int) -> list[NotAllowed]:
    """Why an allowed pair (scoring `score`) is not in the draft: staff removed it, or the optimal assignment
    gave the mentee another mentor, or the mentor's places to others (making more pairs, or better ones)."""
    if state.pairs.get(mentee_id, ("", 0))[0] == mentor_id:
        return []
    if state.removed.get(mentee_id) == mentor_id:
        return [NotAllowed("draft_pair_removed")]
    reasons = []
    if mentee_id in state.pairs:
        other, other_score = state.pairs[mentee_id]
        reasons.append(NotAllowed("mentee_paired_elsewhere", mentor_id=other, score=other_score, this=score))
    elif mentee_id not in state.unmatched:
        reasons.append(NotAllowed("mentee_not_in_draft"))
    if mentor_id not in state.places:
        reasons.append(NotAllowed("mentor_not_in_draft"))
    else:
        taken = [m for m, (mentor, _) in state.pairs.items() if mentor == mentor_id]
        if len(taken) >= state.places[mentor_id]:
            reasons.append(NotAllowed("mentor_places_taken", places=state.places[mentor_id], mentees=len(taken)))
    return reasons or [NotAllowed("not_chosen")]


def evolve(state: DraftState, fact: Fact) -> DraftState:
    data = fact.data
    if fact.type == "CohortDraftMade":
        state.programme_id, state.criteria = data["programme_id"], dict(data["criteria"])
        state.pairs = {mentee: (mentor, score) for mentee, mentor, score in data["pairs"]}
        state.unmatched, state.places = list(data["unmatched"]), dict(data["places"])
        state.made_at, state.made_by = fact.occurred_at, fact.actor
    elif fact.type == "DraftPairRemoved":
        state.pairs.pop(data["mentee_id"], None)
        state.removed[data["mentee_id"]] = data["mentor_id"]
    elif fact.type == "DraftPairsSwapped":
        for mentee, mentor, score in data["pairs"]:
            state.pairs[mentee] = (mentor, score)
    state.version = fact.position
    if fact.command_id is not None:
        state.commands.setdefault(fact.command_id, fact.fingerprint)
    return state


def fold(draft_id: str, facts: list[Fact]) -> DraftState:
    state = DraftState(draft_id)
    for fact in facts:
        evolve(state, fact)
    return state


def pairs_of(assigned: list[Pair], mentees: list[str], mentors: list[str]) -> list[tuple[str, str, int]]:
    """domain.cohort's pairs (by index) as (mentee id, mentor id, score)."""
    return [(mentees[p.mentee], mentors[p.mentor], p.score) for p in assigned]


def total_score(state: DraftState) -> int:
    return sum(score for _, score in state.pairs.values())
