"""Page cursors: the sort key of a page's last row, as an opaque string for the next page's `cursor` parameter.

A cursor is URL-safe base64 (no padding) of a small JSON array: the list's name, then the key's values
(`["binomes", "2026-01-05T09:00:00.000000Z", "<binome id>"]`). Clients must not build or read them.

A cursor is not signed: it holds only the sort key of a row the client was shown, so an edited one can only
start a page at another place of the same list, which reveals nothing the list does not show. What cannot be read
as a key of this list (not base64, not JSON, another list's, values that no view holds) is refused: a 422 with
the code `invalid.cursor` naming the field `cursor`, never a 500 (PostgreSQL refuses NUL in text, for one).
"""

import base64
import binascii
import functools
import json
from typing import Annotated, Any

from fastapi import Depends, Query
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from api.fields import is_line
from domain.errors import InvalidInput
from projections.paging import Key
from projections.queries import Page

# Room for the longest key, a person's 200-character name in 4-byte characters and an id (base64 adds a third).
MAX_LENGTH = 2048
PATTERN = r"^[A-Za-z0-9_-]+$"
KEY_VALUES = 2  # every list's order is one column and the row's id


def encode(list_name: str, key: Key) -> str:
    text = json.dumps([list_name, *key], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode(list_name: str, cursor: str) -> Key:
    """The key `cursor` holds for `list_name`; ValueError when it holds none."""
    try:
        read = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
    except (binascii.Error, UnicodeDecodeError, ValueError, RecursionError) as error:
        raise ValueError("not a cursor") from error
    if not (isinstance(read, list) and len(read) == 1 + KEY_VALUES and read[0] == list_name
            and all(isinstance(value, str) and is_line(value) for value in read[1:])):
        raise ValueError(f"not a cursor of {list_name}")
    return tuple(read[1:])


def page_fields(page: Page, list_name: str, limit: int) -> dict[str, Any]:
    """What every page answer says beside its items."""
    next_cursor = encode(list_name, page.next_after) if page.next_after is not None else None
    return {"total": page.total, "limit": limit, "next_cursor": next_cursor}


def _read(list_name: str, cursor: str | None) -> Key | None:
    if cursor is None:
        return None
    try:
        return decode(list_name, cursor)
    except ValueError:
        raise PydanticCustomError("cursor", "not a cursor of this list") from None


def parameter(list_name: str, example: Key) -> Any:
    """The `cursor` query parameter of one list: documented as the opaque string it is, handed to the route as
    the key it holds (None for the first page)."""
    return Annotated[str | None, Query(
        alias="cursor", min_length=1, max_length=MAX_LENGTH, pattern=PATTERN, examples=[encode(list_name, example)],
        description="La page qui suit : le `next_cursor` de la page précédente, tel quel (sans lui, la première "
                    "page). Les mêmes filtres vont avec chaque page."),
        AfterValidator(functools.partial(_read, list_name))]


def _refuse_offset(offset: Annotated[str | None, Query(include_in_schema=False)] = None) -> None:
    # Lists paged by offset once: an old client's `offset` would be ignored and it would read the first page
    # for ever. Refused, naming the field, so it learns of `cursor`.
    if offset is not None:
        raise InvalidInput("offset_replaced_by_cursor", field="offset")


NO_OFFSET = [Depends(_refuse_offset)]
