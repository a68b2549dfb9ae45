"""Hooks for the schemathesis run of tests/test_openapi_contract.py (`st` loads them through SCHEMATHESIS_HOOKS).

An Idempotency-Key names one request: the same key with another body is refused (422), as the API documents. A
schema cannot say "a key of its own for each request", so generated requests would reuse keys ("0", the
header's example) across different bodies. Each request that carries a valid key gets a fresh one instead;
invalid keys (negative tests) are left as generated.

A page cursor is the same: only a cursor that a previous page gave means something, and a string the pattern
allows is rarely one (the API refuses it: 422 `invalid.cursor`). Each request with a cursor the pattern allows
gets a real one of that list instead, for a key made of the generated text; cursors outside the pattern (negative
tests) are left as generated.
"""

import re
import uuid

import schemathesis

from api import cursors
from api.deps import IDEMPOTENCY_KEY

MAX_KEY_LENGTH = 200
KEY_TEXT_LENGTH = 40  # of the generated cursor kept in the real one's key: it stays within the cursor's maxLength


def _valid(key: object) -> bool:
    return isinstance(key, str) and len(key) <= MAX_KEY_LENGTH and re.fullmatch(IDEMPOTENCY_KEY, key) is not None


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    for name, value in list((case.headers or {}).items()):
        if name.lower() == "idempotency-key" and _valid(value):
            case.headers[name] = f"st-{uuid.uuid4()}"
    cursor = (case.query or {}).get("cursor")
    if _allowed_cursor(cursor):
        text = cursor[:KEY_TEXT_LENGTH]
        case.query["cursor"] = cursors.encode(case.path.strip("/"), (text, text))


def _allowed_cursor(cursor: object) -> bool:
    return isinstance(cursor, str) and len(cursor) <= cursors.MAX_LENGTH \
        and re.fullmatch(cursors.PATTERN, cursor) is not None
