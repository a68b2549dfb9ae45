"""Properties of the edge's guards, over generated input: the strict JSON check agrees with a plain definition,
and no body whatsoever gets a 500."""

import json
import math
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.app import create_app
from api.middleware import MAX_KEY_LENGTH, json_fault
from mentorat.bootstrap import build_container
from tests.support.auth import bearer
from tests.support.settings import sqlite_settings

INT64 = range(-(2 ** 63), 2 ** 63)
awkward_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=12) | st.sampled_from(
    ["\ud800", "a\udfffb", "\U0001f600", "\x00", "\x85", "x" * (MAX_KEY_LENGTH + 1), "Anna"])
numbers = (st.floats(allow_nan=True, allow_infinity=True) | st.integers(min_value=-(2 ** 70), max_value=2 ** 70)
           | st.integers(min_value=-(2 ** 63), max_value=2 ** 63 - 1))
# A field is named by its path with dots ("actions.0.title"): keys holding a dot are left out.
awkward_keys = awkward_text.filter(lambda key: "." not in key)
json_values = st.recursive(st.none() | st.booleans() | numbers | awkward_text,
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(awkward_keys, inner, max_size=4),
                           max_leaves=20)


def faults(value, key_of_parent=None) -> bool:
    """The plain definition: what JSON in UTF-8 cannot carry, and keys that are not short plain lines."""
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, int):
        return value not in INT64
    if isinstance(value, str):
        return any("\ud800" <= c <= "\udfff" for c in value)
    if isinstance(value, list):
        return any(faults(item) for item in value)
    return any(len(key) > MAX_KEY_LENGTH or any(ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f or 0xd800 <= ord(c) <= 0xdfff
                                                for c in key) or faults(item) for key, item in value.items())


def at(document, field: str):
    if field == "body":
        return document
    for part in field.split("."):
        document = document[int(part)] if isinstance(document, list) else document[part]
    return document


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_the_json_check_refuses_exactly_what_json_cannot_carry_and_names_where(document):
    body = json.dumps(document).encode()  # ASCII: NaN and Infinity as Python writes them, surrogates escaped
    found = json_fault(body)
    assert (found is not None) == faults(document), (body, found)
    if found is not None:
        code, field = found
        assert code in {"number_not_finite", "number_out_of_range", "string_unicode", "control_characters",
                        "key_too_long"}
        assert faults(at(document, field)), (body, found)


@pytest.fixture
def mentors(tmp_path: Path):
    """The API on a SQLite store, without Temporal: POST /mentors writes to the store itself."""
    container = build_container(sqlite_settings(tmp_path / "data", rate_limit=""))
    container.projector.start()
    try:
        yield TestClient(create_app(container.services(run_projector=False), container.settings),
                         raise_server_exceptions=False, headers=bearer(container.settings))
    finally:
        container.close()


# One API serves every example: the store only grows, which is fine for this property.
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=300) | json_values.map(lambda v: json.dumps(v).encode())
       | st.fixed_dictionaries({"name": awkward_text},
                               optional={"email": awkward_text, "phone": awkward_text,
                                         "languages": st.lists(awkward_text, max_size=3), "other": json_values})
       .map(lambda v: json.dumps(v).encode()),
       content_type=st.sampled_from(["application/json", "application/json; charset=utf-8", "text/plain", None]))
def test_no_body_gets_a_500(mentors: TestClient, body: bytes, content_type: str | None):
    headers = {"Content-Type": content_type} if content_type else {}
    answer = mentors.post("/mentors", content=body, headers=headers)
    assert answer.status_code in {201, 415, 422}, (body, answer.status_code, answer.text)
    if answer.status_code != 201:
        assert set(answer.json()) == {"code", "message", "params", "field", "errors"}
        assert len(answer.content) < 2000
