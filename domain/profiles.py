"""The profile matching reads: what staff record at the interviews and may change later, each change a fact
(`MatchingProfileChanged`, only the fields that change; `None` removes one).

Codes, never prose, wherever matching compares values: sectors are NACE sections, languages carry a CEFR level,
a place is a Belgian municipality (REFNIS code) and one of its postal codes, availability is half-days.
"""

from datetime import date, datetime
from typing import Any

from domain import places
from domain.errors import InvalidInput, NotAllowed
from domain.sectors import NACE_SECTIONS

CEFR_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2", "native")
GENDERS = ("female", "male", "non_binary", "undisclosed")
# ISCED 2011 levels, 0 (early childhood) to 8 (doctorate): the ESF+ reports group them.
EDUCATION_LEVELS = range(0, 9)
MOBILITY = ("car", "public_transport", "bike", "on_foot")
MEETING_PREFERENCES = ("in_person", "video", "either")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
AVAILABILITY_SLOTS = tuple(f"{day}_{part}" for day in DAYS for part in ("am", "pm", "evening"))
# Age bounds a date of birth must give on the day it is recorded (typos such as 1889 or 2019).
AGE_RANGE = (15, 100)

# What each field holds: one code of a list, several codes, free words, a text, or its own check.
CODE_LISTS = {"sectors": NACE_SECTIONS, "experience_sectors": NACE_SECTIONS, "mobility": MOBILITY,
              "availability": AVAILABILITY_SLOTS}
ONE_CODE = {"gender": GENDERS, "meeting_mode": MEETING_PREFERENCES}
WORD_LISTS = ("interests", "hobbies")
TEXTS = {"function": 200, "expectations": 2000}
OTHERS = ("language_levels", "birth_date", "education_level", "months_out_of_work", "municipality", "postal_code")
FIELDS = (*CODE_LISTS, *ONE_CODE, *WORD_LISTS, *TEXTS, *OTHERS)
ONLY_FOR = {"experience_sectors": "mentor", "months_out_of_work": "mentee"}
MAX_ITEMS = 20


def check_changes(role: str, current: dict[str, Any], changes: dict[str, Any], on: datetime,
                  prefix: str = "") -> dict[str, Any]:
    """`changes` as they will be recorded, each value checked: a value that is not one of its field's is a 422
    naming the field (`prefix` + name). The profile as it would then stand is judged as a whole (a postal code
    must be one of its municipality's; an age must be plausible that day): 409, as the other rules."""
    if not changes:
        raise InvalidInput("changes_required", field=prefix.rstrip(".") or "body")
    recorded = {}
    for name, value in changes.items():
        at = f"{prefix}{name}"
        if name not in FIELDS:
            raise InvalidInput("field_unknown", field=at)
        if ONLY_FOR.get(name, role) != role:
            raise InvalidInput("profile_field_not_for_role", field=at, role=role)
        recorded[name] = None if value is None else _check(name, value, on, at)
    after = {**current, **recorded}
    municipality, postal_code = after.get("municipality"), after.get("postal_code")
    if municipality is not None and postal_code is not None \
            and municipality not in places.municipalities_of(postal_code):
        raise NotAllowed("postal_code_not_in_municipality", field=f"{prefix}postal_code",
                         postcode=postal_code, municipality=municipality)
    return recorded


def _check(name: str, value: Any, on: datetime, at: str) -> Any:
    """The value as recorded (a day as text), or a 422 naming `at`."""
    if name in CODE_LISTS:
        _codes(value, CODE_LISTS[name], at)
    elif name in ONE_CODE:
        if value not in ONE_CODE[name]:
            raise InvalidInput("code_unknown", field=at, allowed=", ".join(ONE_CODE[name]))
    elif name in WORD_LISTS:
        if not isinstance(value, list) or len(value) > MAX_ITEMS or not all(
                isinstance(word, str) and 0 < len(word.strip()) <= 100 for word in value):
            raise InvalidInput("words_invalid", field=at, max=MAX_ITEMS)
    elif name in TEXTS:
        if not isinstance(value, str) or len(value) > TEXTS[name]:
            raise InvalidInput("text_over_limit", field=at, max=TEXTS[name])
    elif name == "language_levels":
        if not isinstance(value, dict) or len(value) > MAX_ITEMS:
            raise InvalidInput("language_levels_invalid", field=at)
        for language, level in value.items():
            if level not in CEFR_LEVELS:
                raise InvalidInput("code_unknown", field=f"{at}.{language}", allowed=", ".join(CEFR_LEVELS))
    elif name == "birth_date":
        return _birth_date(value, on, at)
    elif name == "education_level":
        if not _whole(value) or value not in EDUCATION_LEVELS:
            raise InvalidInput("education_level_invalid", field=at)
    elif name == "months_out_of_work":
        if not _whole(value) or not 0 <= value <= 600:
            raise InvalidInput("value_out_of_range", field=at, min=0, max=600)
    elif name == "municipality":
        if not isinstance(value, str) or not places.is_municipality(value):
            raise InvalidInput("municipality_unknown", field=at, municipality=str(value)[:10])
    elif name == "postal_code":
        if not isinstance(value, str) or not places.municipalities_of(value):
            raise InvalidInput("postal_code_unknown", field=at, postcode=str(value)[:10])
    return value


def _codes(value: Any, allowed: tuple[str, ...], at: str) -> None:
    if not isinstance(value, list) or len(value) > len(allowed):
        raise InvalidInput("codes_invalid", field=at)
    for index, code in enumerate(value):
        if code not in allowed:
            raise InvalidInput("code_unknown", field=f"{at}.{index}", allowed=", ".join(allowed))
    if len(set(value)) != len(value):
        raise InvalidInput("codes_repeated", field=at)


def _birth_date(value: Any, on: datetime, at: str) -> str:
    if isinstance(value, date):
        born = value
    else:
        try:
            born = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
        except ValueError:
            born = None
    if born is None:
        raise InvalidInput("date_format_expected", field=at)
    today = on.date()
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if not AGE_RANGE[0] <= age <= AGE_RANGE[1]:
        raise NotAllowed("age_out_of_range", field=at, min=AGE_RANGE[0], max=AGE_RANGE[1])
    return born.isoformat()


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
