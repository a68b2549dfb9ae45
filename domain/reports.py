"""The yearly profile analysis of the people who took part, and the participants' lines funders ask for (Actiris,
the European Social Fund: ESF+ common indicators).

Who took part in a year: the mentors and mentees of the binômes whose mentoring period began that year, each
counted once, with their profile as it stands. Their age is their age on the day their first binôme of the year
began; a missing answer is counted as "unknown", never left out, so every table adds up to the people counted.
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

# ESF+ age groups (below 30, 30 to 54, 55 and over), split further where programmes look closer.
AGE_BANDS = ((0, 25, "under_25"), (25, 30, "25_29"), (30, 45, "30_44"), (45, 55, "45_54"), (55, 200, "55_plus"))
# ESF+ groups ISCED 2011 levels: 0–2 (lower secondary at most), 3–4 (upper secondary, post-secondary), 5–8.
ISCED_GROUPS = ((0, 3, "isced_0_2"), (3, 5, "isced_3_4"), (5, 9, "isced_5_8"))
OUT_OF_WORK_BANDS = ((0, 6, "under_6_months"), (6, 12, "6_11_months"), (12, 24, "12_23_months"),
                     (24, 10_000, "24_months_plus"))
# ESF+ counts as long-term unemployed: more than 12 months without work, more than 6 below the age of 25.
LONG_TERM_UNEMPLOYED_MONTHS, YOUNG_LONG_TERM_UNEMPLOYED_MONTHS, YOUNG_BELOW = 12, 6, 25
DIMENSIONS = ("age", "gender", "education", "out_of_work", "sectors", "languages", "referral")
# The situation on leaving, as ESF+ counts it, from how the binôme ended.
SITUATION_BY_OUTCOME = {"job": "employed", "business_creation": "employed", "training": "education_training",
                        "internship": "education_training", "return_to_studies": "education_training"}
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Participant:
    person_id: str
    role: str
    profile: Mapping[str, Any]
    organisation_id: str | None
    started_at: datetime


def age_on(birth_date: str | None, day: date) -> int | None:
    try:
        born = date.fromisoformat(birth_date) if birth_date else None
    except ValueError:
        return None
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _band(value: int | None, bands) -> str:
    if value is None:
        return UNKNOWN
    # Each band is [low, high).
    return next((name for low, high, name in bands if low <= value < high), UNKNOWN)


def age_band(age: int | None) -> str:
    return _band(age, AGE_BANDS)


def isced_group(level: int | None) -> str:
    return _band(level, ISCED_GROUPS)


def out_of_work_band(months: int | None) -> str:
    return _band(months, OUT_OF_WORK_BANDS)


def analyse(participants: Iterable[Participant]) -> dict[str, dict[str, Counter[str]]]:
    """Per role (mentor, mentee), per dimension, how many people of each value. A person with several sectors
    or languages counts once in each."""
    tables: dict[str, dict[str, Counter[str]]] = {}
    for person in participants:
        table = tables.setdefault(person.role, {dimension: Counter() for dimension in DIMENSIONS})
        profile = person.profile
        table["age"][age_band(age_on(profile.get("birth_date"), person.started_at.date()))] += 1
        table["gender"][profile.get("gender") or UNKNOWN] += 1
        table["education"][isced_group(profile.get("education_level"))] += 1
        if person.role == "mentee":
            table["out_of_work"][out_of_work_band(profile.get("months_out_of_work"))] += 1
        for sector in profile.get("sectors") or [UNKNOWN]:
            table["sectors"][sector] += 1
        for language in (profile.get("language_levels") or {UNKNOWN: None}):
            table["languages"][language] += 1
        table["referral"][person.organisation_id or "direct"] += 1
    return tables


def participants_of(binomes: Iterable[Mapping[str, Any]], year: int) -> list[Participant]:
    """Who took part in `year`: the mentors and mentees of the binômes whose period began that year, each once, as
    of their first binôme of the year. `binomes`: rows with each side's id, profile and organisation."""
    found: dict[str, Participant] = {}
    for binome in _by_start(b for b in binomes if b["started_at"] is not None and b["started_at"].year == year):
        for role in ("mentor", "mentee"):
            person_id = binome[f"{role}_id"]
            if person_id and person_id not in found:
                found[person_id] = Participant(person_id, role, binome[f"{role}_profile"],
                                               binome[f"{role}_organisation_id"], binome["started_at"])
    return list(found.values())


def _by_start(binomes: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return sorted(binomes, key=lambda binome: (binome["started_at"], binome.get("binome_id") or ""))


def situation_on_leaving(exit_kind: str | None, outcome: str | None) -> str:
    """"" while the binôme runs; else employed, in education or training, or still searching."""
    if exit_kind is None:
        return ""
    return SITUATION_BY_OUTCOME.get(outcome or "", "searching") if exit_kind == "positive" else "searching"


ESF_COLUMNS = ("participant_id", "programme_id", "gender", "age_at_entry", "age_group", "isced_group",
               "long_term_unemployed", "referred_by", "entry_date", "leaving_date", "exit_kind", "outcome",
               "situation_on_leaving")


def long_term_unemployed(months: int | None, age: int | None) -> str:
    """"yes", "no", or "" when the time out of work (or, for the young, the age) is not known."""
    if months is None:
        return ""
    if months > LONG_TERM_UNEMPLOYED_MONTHS:
        return "yes"
    if months <= YOUNG_LONG_TERM_UNEMPLOYED_MONTHS:
        return "no"
    if age is None:
        return ""
    return "yes" if age < YOUNG_BELOW else "no"


def esf_lines(binomes: Iterable[Mapping[str, Any]]) -> list[list]:
    """One line per mentee of `binomes` whose period began: entering at their first binôme's start, leaving as their
    last one ended."""
    first: dict[str, Mapping[str, Any]] = {}
    last: dict[str, Mapping[str, Any]] = {}
    for binome in _by_start(b for b in binomes if b["started_at"] is not None and b["mentee_id"]):
        first.setdefault(binome["mentee_id"], binome)
        last[binome["mentee_id"]] = binome
    return [esf_line(mentee, entry["programme_id"], entry["mentee_profile"], entry["mentee_organisation_id"],
                     entry["started_at"], last[mentee]["exit_at"], last[mentee]["exit_kind"], last[mentee]["outcome"])
            for mentee, entry in first.items()]


def esf_line(person_id: str, programme_id: str, profile: Mapping[str, Any], organisation_id: str | None,
             started_at: datetime, exit_at: datetime | None, exit_kind: str | None, outcome: str | None) -> list:
    """One participant (a mentee), as ESF+ participant data lists them: entering at their first binôme's start,
    leaving as their last binôme ended."""
    age = age_on(profile.get("birth_date"), started_at.date())
    return [person_id, programme_id, profile.get("gender") or UNKNOWN, "" if age is None else age, age_band(age),
            isced_group(profile.get("education_level")), long_term_unemployed(profile.get("months_out_of_work"), age),
            organisation_id or "", started_at.date().isoformat(), exit_at.date().isoformat() if exit_at else "",
            exit_kind or "", outcome or "", situation_on_leaving(exit_kind, outcome)]
