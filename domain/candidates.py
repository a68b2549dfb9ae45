"""Who matching may pair in a programme now, and why not: the persons a proposal would accept
(`engagements.unavailable`: a mentor ready, not paused, with a place left; a mentee selected and in no binôme), the
pairs never made before (a mentor who refused this mentee, a proposal left to expire, a pair that already was a
binôme are not suggested again), and the programme's mandatory criteria.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from domain import matching
from domain.engagements import unavailable
from domain.errors import NotAllowed
from domain.matching import Criterion, Match
from domain.persons import PersonState
from domain.stages import Stage

# Why a pair made before is not made again, by how their last binôme stands.
PAST_PAIR_CODES = {
    Stage.PROPOSAL_REFUSED: "pair_refused_before",
    Stage.PROPOSAL_EXPIRED: "pair_expired_before",
    Stage.REFUSED_AT_VALIDATION: "pair_refused_at_validation_before",
    Stage.COMPLETED: "pair_was_binome",
}
OPEN_PAIR_CODE = "pair_already_open"


def past_pair_code(stage: str) -> str:
    return PAST_PAIR_CODES.get(stage, OPEN_PAIR_CODE)


def partners_before(past_pairs: Mapping[tuple[str, str], str], person_id: str, role: str) -> set[str]:
    """The other side's ids `person_id` (of `role`) was paired with before: never suggested again."""
    if role == "mentee":
        return {mentor for mentor, mentee in past_pairs if mentee == person_id}
    return {mentee for mentor, mentee in past_pairs if mentor == person_id}


@dataclass(frozen=True)
class Candidates:
    """A programme's mentors and mentees as matching reads them at one moment (`at`), with the stage of each pair's
    last binôme."""

    mentors: Mapping[str, PersonState]
    mentees: Mapping[str, PersonState]
    past_pairs: Mapping[tuple[str, str], str]
    at: datetime

    def available(self, role: str) -> list[str]:
        """The ids of those who may be proposed now, in id order."""
        people = self.mentors if role == "mentor" else self.mentees
        return sorted(person_id for person_id, person in people.items() if unavailable(person, self.at) is None)

    def places(self, mentor_id: str) -> int:
        mentor = self.mentors[mentor_id]
        return max(0, mentor.capacity - len(mentor.open_binomes))

    def why_not(self, mentor_id: str, mentee_id: str, criteria: Mapping[str, Criterion],
                pair: Match | None = None) -> list[NotAllowed]:
        """Every reason this pair cannot be suggested now (none: it may), each as the refusal proposing it would
        meet: the persons, their past, the mandatory criteria (`pair`: their match, if already judged)."""
        mentor, mentee = self.mentors.get(mentor_id), self.mentees.get(mentee_id)
        if mentor is None:
            return [NotAllowed("mentor_not_found", field="mentor_id")]
        if mentee is None:
            return [NotAllowed("mentee_not_found", field="mentee_id")]
        reasons = [refusal for refusal in (unavailable(mentor, self.at), unavailable(mentee, self.at))
                   if refusal is not None]
        stage = self.past_pairs.get((mentor_id, mentee_id))
        if stage is not None:
            reasons.append(NotAllowed(past_pair_code(stage), stage_code=f"stage.{stage}"))
        pair = pair or matching.match(mentor.profile, mentee.profile, criteria, self.at.date())
        reasons += [NotAllowed("mandatory_criterion_failed", criterion_code=f"criterion.{name}")
                    for name in pair.failed_mandatory]
        return reasons
