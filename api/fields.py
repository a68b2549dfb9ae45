"""The building blocks of every input: strings, e-mails, moments and days, each checked as the OpenAPI says.

Every string of every input is a `line` (one line: no control character at all) or a `text` (may hold
tabs and line breaks, no other control character), and no string holds an unpaired surrogate: PostgreSQL
refuses NUL, JSON cannot carry lone surrogates, and a stored fact must be readable by every view forever.
Moments are time-zoned, in UTC once read, from 2000 on; days (due dates) are between 2000 and 2100.

What the validators check beyond JSON Schema's plain keywords is also written into the schema as a `pattern`
(surrounding white space is trimmed, so the length limits count what is kept), so a client — or schemathesis —
reading the OpenAPI knows exactly which values are accepted.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Annotated, Any

import email_validator
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, EmailStr, Field, GetJsonSchemaHandler, Strict, \
    StringConstraints
from pydantic_core import PydanticCustomError, core_schema

# Unicode category Cc is U+0000-U+001F and U+007F-U+009F; surrogates are U+D800-U+DFFF.
_NOT_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_NOT_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# The same sets as regular expressions for the schema (ECMA-262 and Python read them alike). Surrogates need no
# mention: JSON text cannot carry them unpaired.
LINE_FORBIDS = r"\x00-\x1f\x7f-\x9f"
TEXT_FORBIDS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
# What trimming removes (pydantic's `strip_whitespace`: Unicode White_Space).
WHITE_SPACE = r"\t-\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# What the edge refuses in a query parameter or a path (see api.middleware.PlainHead).
PLAIN = rf"^[^{LINE_FORBIDS}]*$"
# An object key: no control character at all, and something left once trimmed.
KEY_PATTERN = rf"^[^{LINE_FORBIDS}]*[^{LINE_FORBIDS}{WHITE_SPACE}][^{LINE_FORBIDS}]*$"


class Documented:
    """Writes `keywords` into the JSON Schema of the value it annotates; validation is left to the validators."""

    def __init__(self, **keywords: Any):
        self.keywords = keywords

    def __get_pydantic_json_schema__(self, schema: core_schema.CoreSchema,
                                     handler: GetJsonSchemaHandler) -> dict[str, Any]:
        return {**handler(schema), **self.keywords}


@dataclass(frozen=True)
class KeysAsNames:
    """A dict whose keys are checked lines: their rule as `propertyNames`, every value under one schema.

    (Pydantic writes a key's pattern as `patternProperties`, which leaves other keys unconstrained.) The edge
    refuses a key holding a control character anywhere (api.middleware.StrictJson), trimmed or not. Keys of a
    narrower shape (codes) give their own `pattern`."""

    pattern: str = KEY_PATTERN

    def __get_pydantic_json_schema__(self, schema: core_schema.CoreSchema,
                                     handler: GetJsonSchemaHandler) -> dict[str, Any]:
        json_schema = handler(schema)
        patterns = json_schema.pop("patternProperties", {})
        if len(patterns) == 1:
            [values] = patterns.values()
            json_schema["propertyNames"] = {**json_schema.get("propertyNames", {}), "pattern": self.pattern}
            json_schema["additionalProperties"] = values
        return json_schema


def trimmed_pattern(forbidden: str, min_length: int) -> str:
    """Strings that, once trimmed, hold at least `min_length` characters and none of `forbidden`."""
    kept, significant = f"[^{forbidden}]", f"[^{forbidden}{WHITE_SPACE}]"
    if min_length == 0:
        core = f"{kept}*"
    elif min_length == 1:
        core = f"{significant}{kept}*"
    else:
        core = f"{significant}{kept}{{{min_length - 2},}}{significant}"
    return f"^[{WHITE_SPACE}]*{core}[{WHITE_SPACE}]*$"


def _refuse(pattern: re.Pattern[str]):
    def check(value: str) -> str:
        found = pattern.search(value)
        if found is None:
            return value
        if "\ud800" <= found.group() <= "\udfff":
            raise PydanticCustomError("string_unicode", "string holds an unpaired surrogate")
        raise PydanticCustomError("control_characters", "string holds control characters")

    return check


def _at_most(max_length: int):
    """The limit counts what is sent, white space included (the schema's `maxLength` says so)."""
    def check(value: Any) -> Any:
        if isinstance(value, str) and len(value) > max_length:
            raise PydanticCustomError("string_too_long", "string too long", {"max_length": max_length})
        return value

    return check


_plain_line = _refuse(_NOT_IN_LINE)
_plain_text = _refuse(_NOT_IN_TEXT)


def is_line(value: str) -> bool:
    """True when `value` could be a `line`: no control character, no unpaired surrogate."""
    return _NOT_IN_LINE.search(value) is None


def line(max_length: int, min_length: int = 0) -> Any:
    """One line of text (names, e-mails, ids, keys): trimmed, bounded, no control character."""
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
                     AfterValidator(_plain_line), BeforeValidator(_at_most(max_length)),
                     Documented(pattern=trimmed_pattern(LINE_FORBIDS, min_length))]


def text(max_length: int, min_length: int = 0) -> Any:
    """Free text (notes, reasons): trimmed, bounded; tabs and line breaks allowed, no other control character."""
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
                     AfterValidator(_plain_text), BeforeValidator(_at_most(max_length)),
                     Documented(pattern=trimmed_pattern(TEXT_FORBIDS, min_length))]


def _integral(value: Any) -> Any:
    """JSON has numbers, not integers: 4.0 is the integer 4 (as JSON Schema's `integer` says); 4.5 is not."""
    return int(value) if type(value) is float and value.is_integer() else value


def whole(**bounds: Any) -> Any:
    """A bounded integer (`ge`, `le`, `gt`), strictly a JSON integer: no "4", no true."""
    return Annotated[int, Field(strict=True, **bounds), BeforeValidator(_integral)]


MAX_EMAIL_LENGTH = 254


def _plain_email(value: Any) -> Any:
    # Checked before the e-mail parser, so a NUL gets its own code and a huge value is not parsed at all.
    if isinstance(value, str):
        if len(value) > MAX_EMAIL_LENGTH:
            raise PydanticCustomError("string_too_long", "string too long", {"max_length": MAX_EMAIL_LENGTH})
        _plain_line(value)
    return value


def _any_case(word: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" for c in word)


# The e-mail validator refuses addresses at special-use domains (RFC 6761: "x@y.test", "x@localhost").
_SPECIAL_USE = "|".join(_any_case(name) for name in email_validator.SPECIAL_USE_DOMAIN_NAMES)
EMAIL_PATTERN = rf"^(?!.*[@.](?:{_SPECIAL_USE})$)"


EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)

# Moments from 2000-01-01 UTC that convert to UTC, as a pattern over RFC 3339 date-times. Exact but for three
# edge days it leaves out to stay readable: 1999-12-31 with a negative offset that reaches 2000 in UTC,
# 2000-01-01 with a positive offset, 9999-12-31 with a negative one.
MOMENT_PATTERN = (
    r"^(?:(?:200[1-9]|20[1-9][0-9]|2[1-9][0-9]{2}|[3-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8])-"
    r"|2000-(?!01-01)|9999-(?!12-31)"
    r"|2000-01-01[Tt].*(?:[Zz]|[+-]00:00|-[0-9]{2}:[0-9]{2})$"
    r"|9999-12-31[Tt].*(?:[Zz]|-00:00|\+[0-9]{2}:[0-9]{2})$)"
)
DAY_PATTERN = r"^(?:20[0-9]{2}|2100)-"


def written(kind: str):
    """Dates come as JSON strings only (a number is not a date here, whatever pydantic would make of it)."""
    def check(value: Any) -> Any:
        if not isinstance(value, str):
            raise PydanticCustomError(f"{kind}_type", "a string is expected")
        return value

    return check


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


Email = Annotated[EmailStr, BeforeValidator(_plain_email),
                  Documented(maxLength=MAX_EMAIL_LENGTH, pattern=EMAIL_PATTERN)]
# Not strict (a strict date is a Python object), but strings only.
Moment = Annotated[AwareDatetime, Strict(False), AfterValidator(_moment_in_utc),
                   BeforeValidator(written("datetime")), Documented(pattern=MOMENT_PATTERN)]
Day = Annotated[date, Strict(False), AfterValidator(_day_in_range), BeforeValidator(written("date")),
                Documented(pattern=DAY_PATTERN)]
