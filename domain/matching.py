"""Matching: how well a mentor suits a mentee, crossing objective criteria of their matching profiles
(domain.profiles). Each criterion a programme uses is mandatory (a hard filter) or weighted (points), or both.

A pair's score runs from 0 to 100: each weighted criterion may earn its share of 100 (its weight's share of the
weights, in whole points), in proportion to how well it holds. Its explanation gives, per criterion, what held and
the points it earned: the score is their sum. A mandatory criterion that does not hold (or cannot be judged: a profile lacks what it
needs) rules the pair out, whatever its score.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain import geography
from domain.errors import InvalidInput
from domain.programme import DEFAULT_MATCHING_CRITERIA

# Distance bands, in km, and the part of the criterion each earns.
DISTANCE_BANDS = ((10.0, 1.0), (25.0, 2 / 3), (50.0, 1 / 3))
VIDEO = frozenset({"video", "either"})
GOOD_LEVELS = frozenset({"B1", "B2", "C1", "C2", "native"})
WORD = re.compile(r"[^\W\d_]{4,}")
MAX_WEIGHT = 100


@dataclass(frozen=True)
class Criterion:
    mandatory: bool = False
    weight: int = 0


def criteria_of(settings: Mapping[str, Mapping[str, Any]]) -> dict[str, Criterion]:
    """A programme's `matching_criteria` setting (checked by `check_criteria`) as criteria, in the setting's order."""
    return {name: Criterion(bool(rule["mandatory"]), int(rule["weight"])) for name, rule in settings.items()}


def check_criteria(settings: Any, field: str = "matching_criteria") -> None:
    """A programme's matching criteria as it may set them: known criteria, each `{"mandatory": bool, "weight":
    0–100}`, at least one weighted (a score needs points to share); else a 422 naming the field."""
    if not isinstance(settings, dict) or not settings:
        raise InvalidInput("setting_invalid", field=field)
    for name, rule in settings.items():
        at = f"{field}.{name}"
        if name not in CRITERIA:
            raise InvalidInput("code_unknown", field=at, allowed=", ".join(CRITERIA))
        if not isinstance(rule, dict) or set(rule) != {"mandatory", "weight"}:
            raise InvalidInput("matching_rule_invalid", field=at)
        if not isinstance(rule["mandatory"], bool):
            raise InvalidInput("setting_invalid", field=f"{at}.mandatory")
        weight = rule["weight"]
        if not isinstance(weight, int) or isinstance(weight, bool) or not 0 <= weight <= MAX_WEIGHT:
            raise InvalidInput("setting_out_of_range", field=f"{at}.weight", min=0, max=MAX_WEIGHT)
    if not any(rule["weight"] for rule in settings.values()):
        raise InvalidInput("matching_weights_zero", field=field)


# A programme's criteria unless it sets its own.
DEFAULT_CRITERIA: dict[str, Criterion] = criteria_of(DEFAULT_MATCHING_CRITERIA)


@dataclass(frozen=True)
class Judged:
    """One criterion on one pair: how well it holds (0 to 1; None: a profile lacks what it needs), and why."""

    part: float | None
    params: dict[str, Any]

    @property
    def holds(self) -> bool:
        return self.part is not None and self.part > 0


@dataclass(frozen=True)
class Line:
    criterion: str
    mandatory: bool
    holds: bool
    points: int
    max_points: int
    # What matched or did not, for the reader (rendered at the edge: domain.matching.line_code).
    params: dict[str, Any]
    # Whether it could be judged (both profiles say what it needs).
    known: bool = True

    @property
    def code(self) -> str:
        """The catalogue code of its explanation: `match.<criterion>` when it holds, `….no` when not, and
        `match.unknown` when it could not be judged (a pair both meeting by video: `match.geography.video`)."""
        if not self.known:
            return "match.unknown"
        if self.criterion == "geography" and self.params.get("video"):
            return "match.geography.video"
        return f"match.{self.criterion}" if self.holds else f"match.{self.criterion}.no"


@dataclass(frozen=True)
class Match:
    score: int
    # Every mandatory criterion holds.
    allowed: bool
    lines: list[Line]

    @property
    def failed_mandatory(self) -> list[str]:
        return [line.criterion for line in self.lines if line.mandatory and not line.holds]


def match(mentor: Mapping[str, Any], mentee: Mapping[str, Any], criteria: Mapping[str, Criterion] = DEFAULT_CRITERIA,
          on: date | None = None) -> Match:
    """The pair's score and its explanation; `mentor` and `mentee` are matching profiles, `on` the day ages are
    taken (today by default)."""
    judged = {name: CRITERIA[name](mentor, mentee, on or date.today()) for name in criteria}
    maxima = max_points(criteria)
    lines = [Line(name, c.mandatory, judged[name].holds, round(maxima[name] * (judged[name].part or 0.0)),
                  maxima[name], judged[name].params, judged[name].part is not None)
             for name, c in criteria.items()]
    return Match(sum(line.points for line in lines), all(line.holds for line in lines if line.mandatory), lines)


def max_points(criteria: Mapping[str, Criterion]) -> dict[str, int]:
    """Each criterion's share of 100 by its weight, in whole points adding up to 100 (largest remainders)."""
    total_weight = sum(c.weight for c in criteria.values())
    if total_weight <= 0:
        return dict.fromkeys(criteria, 0)
    exact = {name: 100 * c.weight / total_weight for name, c in criteria.items()}
    floors = {name: int(value) for name, value in exact.items()}
    missing = round(sum(exact.values())) - sum(floors.values())
    for name in sorted(exact, key=lambda n: (floors[n] - exact[n], n))[:max(missing, 0)]:
        floors[name] += 1
    return floors


# --- the criteria -----------------------------------------------------------------------------------------------

def _sector(mentor, mentee, on) -> Judged:
    wanted = set(mentee.get("sectors") or ())
    known = set(mentor.get("sectors") or ()) | set(mentor.get("experience_sectors") or ())
    if not wanted or not known:
        return Judged(None, {})
    common = sorted(wanted & known)
    return Judged(1.0 if common else 0.0, {"common": common})


def _function(mentor, mentee, on) -> Judged:
    a, b = words_of(mentor.get("function")), words_of(mentee.get("function"))
    if not a or not b:
        return Judged(None, {})
    common = sorted(a & b)
    return Judged(len(common) / min(len(a), len(b)), {"common": common})


def _overlap(field: str):
    def judge(mentor, mentee, on) -> Judged:
        a = {w.casefold() for w in mentor.get(field) or ()}
        b = {w.casefold() for w in mentee.get(field) or ()}
        if not a or not b:
            return Judged(None, {})
        common = sorted(a & b)
        return Judged(len(common) / min(len(a), len(b)), {"common": common})
    return judge


def _age(mentor, mentee, on) -> Judged:
    if not mentor.get("birth_date") or not mentee.get("birth_date"):
        return Judged(None, {})
    gap = abs(_age_on(mentor["birth_date"], on) - _age_on(mentee["birth_date"], on))
    return Judged(1.0 if gap <= 10 else 0.5 if gap <= 20 else 0.0, {"gap_years": gap})


def _languages(mentor, mentee, on) -> Judged:
    a, b = mentor.get("language_levels") or {}, mentee.get("language_levels") or {}
    if not a or not b:
        return Judged(None, {})
    shared = sorted(set(a) & set(b))
    fluent = [code for code in shared if a[code] in GOOD_LEVELS and b[code] in GOOD_LEVELS]
    return Judged(1.0 if fluent else 0.5 if shared else 0.0, {"common": fluent or shared})


def _geography(mentor, mentee, on) -> Judged:
    if mentor.get("meeting_mode") in VIDEO and mentee.get("meeting_mode") in VIDEO:
        return Judged(1.0, {"video": True})
    if not mentor.get("municipality") or not mentee.get("municipality"):
        return Judged(None, {})
    km = geography.distance_km(mentor["municipality"], mentee["municipality"])
    if km is None:
        return Judged(None, {})
    part = next((share for limit, share in DISTANCE_BANDS if km <= limit), 0.0)
    return Judged(part, {"km": round(km)})


def _expectations(mentor, mentee, on) -> Judged:
    a, b = words_of(mentor.get("expectations")), words_of(mentee.get("expectations"))
    if not a or not b:
        return Judged(None, {})
    common = sorted(a & b)
    return Judged(min(1.0, len(common) / 3), {"common": common[:10]})


def _availability(mentor, mentee, on) -> Judged:
    a, b = set(mentor.get("availability") or ()), set(mentee.get("availability") or ())
    if not a or not b:
        return Judged(None, {})
    common = sorted(a & b)
    return Judged(min(1.0, len(common) / 2), {"common": common})


def _meeting_mode(mentor, mentee, on) -> Judged:
    a, b = mentor.get("meeting_mode"), mentee.get("meeting_mode")
    if a is None or b is None:
        return Judged(None, {})
    return Judged(1.0 if "either" in (a, b) or a == b else 0.0, {"mentor": a, "mentee": b})


def words_of(text: Any) -> set[str]:
    """The words of a free text that matching compares: four letters or more, case folded."""
    return {word.casefold() for word in WORD.findall(text)} if isinstance(text, str) else set()


def _age_on(birth: str | date, on: date) -> int:
    born = date.fromisoformat(birth) if isinstance(birth, str) else birth
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


CRITERIA: dict[str, Callable[[Mapping[str, Any], Mapping[str, Any], date], Judged]] = {
    "sector": _sector, "function": _function, "interests": _overlap("interests"), "age": _age,
    "languages": _languages, "hobbies": _overlap("hobbies"), "geography": _geography,
    "expectations": _expectations, "availability": _availability, "meeting_mode": _meeting_mode,
}


def decision(pair: Match, criteria: Mapping[str, Criterion], source: str, draft_id: str | None = None,
             draft_score: int | None = None) -> dict[str, Any]:
    """What a proposal made by matching records (fact `PairMatched`): the criteria and weights in force, the score
    and its explanation as judged when proposed, and where it came from (a suggestion, or a cohort draft with the
    score the draft gave)."""
    return {"source": source, "draft_id": draft_id,
            "criteria": {name: {"mandatory": c.mandatory, "weight": c.weight} for name, c in criteria.items()},
            "score": pair.score, "draft_score": draft_score,
            "lines": [{"criterion": line.criterion, "mandatory": line.mandatory, "holds": line.holds,
                       "known": line.known, "points": line.points, "max_points": line.max_points,
                       "params": line.params} for line in pair.lines]}


@dataclass(frozen=True)
class Suggestion:
    person_id: str
    match: Match


def suggestions(profile: Mapping[str, Any], others: Mapping[str, Mapping[str, Any]], mentee_side: bool,
                criteria: Mapping[str, Criterion] = DEFAULT_CRITERIA, limit: int = 10,
                on: date | None = None) -> list[Suggestion]:
    """The best of `others` (person id -> matching profile) for one person whose `profile` is a mentee's (or a
    mentor's, `mentee_side` False): the pairs every mandatory criterion allows, best score first, then by id."""
    on = on or date.today()
    found = []
    for person_id, other in others.items():
        pair = match(other, profile, criteria, on) if mentee_side else match(profile, other, criteria, on)
        if pair.allowed:
            found.append(Suggestion(person_id, pair))
    found.sort(key=lambda s: (-s.match.score, s.person_id))
    return found[:limit]
