"""The OpenAPI document says what the API does: every error answer of every operation with the one error body,
when to retry and when an answer is a repeat, an example for every command's body, the default programme's keys,
and patterns that say exactly what the validators accept (checked against the validators themselves)."""

import json
from datetime import datetime, timedelta, timezone

import httpx
import jsonschema_rs
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from api import fields
from api import access_schemas as a
from api import journey_schemas as j
from api import matching_schemas as ms
from api import organisation_schemas as o
from api import session_schemas as ss
from api import schemas as s
from api.app import create_app
from api.middleware import json_fault
from application.services import Services
from application.tokens import TokenService
from mentorat.settings import Settings
from tests.support.auth import bearer
from domain.programme import DEFAULT_EVALUATION_QUESTIONS, DEFAULT_FIRST_MEETING_CHECKLIST

COMMAND_METHODS = {"post", "put", "patch"}
ERROR_BODY = {"$ref": "#/components/schemas/ErrorBody"}
# The service's own health body answers its 503 (not an error body).
OWN_503 = {("/health", "get")}


@pytest.fixture(scope="module")
def app():
    # The document and the edge's own answers need no service behind them, but who asks.
    settings = Settings(_env_file=None, token_secret="t" * 40)
    services = Services(**{name: None for name in Services.__dataclass_fields__ if name not in ("on_start", "on_stop")})
    services.tokens = TokenService(settings.token_secret.get_secret_value(), settings.token_minutes)
    return create_app(services, settings)


@pytest.fixture(scope="module")
def document(app) -> dict:
    return app.openapi()


def operations(document: dict):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def component(document: dict, ref: dict) -> dict:
    return document["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]


def validator(document: dict, schema: dict):
    """A validator for `schema` inside the document (its $refs resolve), formats asserted."""
    return jsonschema_rs.validator_for({**schema, "components": document["components"]}, validate_formats=True)


# --- error answers -----------------------------------------------------------------------------------------

def expected_errors(path: str, method: str, operation: dict) -> set[str]:
    parameters = operation.get("parameters", [])
    statuses = {"404", "409", "413", "415", "422", "429", "503"} if method in COMMAND_METHODS else {"422", "429", "503"}
    if any(p["in"] == "path" for p in parameters):
        statuses.add("404")
    if "x-mentorat-permission" in operation:
        statuses |= {"401", "403"}
    elif method in COMMAND_METHODS:  # public: a login refused, a delivery badly signed
        statuses.add("401")
    return statuses


def test_every_operation_documents_its_error_answers_with_the_error_body(document):
    checked = 0
    for path, method, operation in operations(document):
        responses = operation["responses"]
        for status in expected_errors(path, method, operation):
            assert status in responses, f"{method.upper()} {path}: {status} undocumented"
            if status != "503" or (path, method) not in OWN_503:
                assert responses[status]["content"]["application/json"]["schema"] == ERROR_BODY, (path, status)
            checked += 1
    assert checked > 150
    meeting = document["paths"]["/binomes/{binome_id}/meetings"]["post"]["responses"]
    assert {"401", "403", "404", "409", "413", "415", "422", "429", "503"} <= set(meeting)
    assert "403" not in document["paths"]["/health"]["get"]["responses"]
    assert "404" not in document["paths"]["/binomes"]["get"]["responses"]
    assert "409" not in document["paths"]["/binomes/{binome_id}"]["get"]["responses"]


def references(node):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from references(value)
    elif isinstance(node, list):
        for value in node:
            yield from references(value)


def test_every_reference_of_the_document_resolves(document):
    found = list(references(document))
    assert len(found) > 100
    for ref in found:
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.rsplit("/", 1)[1] in document["components"]["schemas"], ref


def test_fastapis_own_validation_body_is_not_in_the_document(document):
    assert not {"HTTPValidationError", "ValidationError"} & set(document["components"]["schemas"])
    assert set(component(document, ERROR_BODY)["required"]) == {"code", "message", "params", "field", "errors"}


def test_429_and_503_say_when_to_retry_and_a_commands_success_says_if_it_is_a_repeat(document):
    for path, method, operation in operations(document):
        for status, answer in operation["responses"].items():
            if status in ("429", "503") and (path, method) not in OWN_503:
                assert "Retry-After" in answer["headers"], (path, method, status)
            keyed = any(p["name"].lower() == "idempotency-key" for p in operation.get("parameters", []))
            if status.startswith("2") and method in COMMAND_METHODS and keyed:
                assert "Idempotent-Replayed" in answer["headers"], (path, method)
    created = document["paths"]["/mentors"]["post"]["responses"]["201"]["headers"]
    assert "Location" in created


def test_parameters_are_left_out_never_null(document):
    for path, method, operation in operations(document):
        for parameter in operation.get("parameters", []):
            assert "anyOf" not in parameter["schema"], (path, method, parameter["name"])


async def test_the_edges_own_answers_are_error_bodies_as_documented(app, document):
    body_is_valid = validator(document, ERROR_BODY)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://mentorat") as http:
        answers = {
            "invalid": await http.post("/mentors", json={"name": ""}, headers=bearer(app.state.settings)),
            "not JSON": await http.post("/mentors", content=b"name=Anne", headers={"Content-Type": "text/plain"}),
            "unknown address": await http.get("/nowhere"),
            "method": await http.delete("/mentors/some-id"),
            "no token": await http.post("/mentors", json={"name": "Anne"}),
        }
    assert [a.status_code for a in answers.values()] == [422, 415, 404, 405, 401]
    assert answers["no token"].headers["WWW-Authenticate"] == "Bearer"
    for what, answer in answers.items():
        assert body_is_valid.is_valid(answer.json()), (what, answer.text)
    # Every method the path offers, though GET and PATCH are declared apart.
    assert answers["method"].headers["Allow"] == "GET, PATCH"


SCHEMA_MODULES = (s, a, j, o, ss, ms)


# --- request bodies --------------------------------------------------------------------------------------------

def test_every_command_body_has_examples_that_the_schema_and_the_model_accept(document):
    bodies = 0
    for path, method, operation in operations(document):
        ref = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
        if method not in COMMAND_METHODS or "$ref" not in ref or path.startswith("/codec"):
            continue  # a login form, a command without a body, a signed delivery (its own test), Temporal's codec
        name = ref["$ref"].rsplit("/", 1)[1]
        schema = component(document, ref)
        model = next(getattr(module, name) for module in SCHEMA_MODULES if hasattr(module, name))
        assert schema["examples"], (path, method)
        for given_example in schema["examples"]:
            assert validator(document, ref).is_valid(given_example), (path, given_example)
            model.model_validate(given_example)
        bodies += 1
    assert bodies == 49


def test_the_default_programmes_checklist_and_question_keys_are_in_the_schema(document):
    checklist = component(document, {"$ref": "#/components/schemas/FirstMeetingIn"})["properties"]["checklist"]
    answers = component(document, {"$ref": "#/components/schemas/EvaluationIn"})["properties"]["answers"]
    for schema, keys in ((checklist, DEFAULT_FIRST_MEETING_CHECKLIST), (answers, DEFAULT_EVALUATION_QUESTIONS)):
        assert all(f"`{key}`" in schema["description"] for key in keys)
        assert "enum" not in str(schema)  # other programmes define their own keys
    assert checklist["examples"] == [list(DEFAULT_FIRST_MEETING_CHECKLIST)]
    assert set(answers["examples"][0]) == set(DEFAULT_EVALUATION_QUESTIONS)


# --- the patterns say what the validators accept --------------------------------------------------------------

TRICKY = list(" \t\n\r\x0b\x0c\x85\xa0\u2000\u2028\u3000\ufeff\x00\x1f\x7f\x9f:é") + ["a", "b", "Z", "0"]
tricky_text = st.text(alphabet=st.sampled_from(TRICKY), max_size=9)


def accepts(adapter: TypeAdapter, value) -> bool:
    try:
        adapter.validate_python(value)
    except ValidationError:
        return False
    return True


def agree(type_) -> tuple[TypeAdapter, object]:
    adapter = TypeAdapter(type_)
    return adapter, jsonschema_rs.validator_for(adapter.json_schema(), validate_formats=True)


STRING_TYPES = {f"{kind}({low}..{high})": make(high, min_length=low)
                for kind, make in (("line", fields.line), ("text", fields.text))
                for low, high in ((0, 4), (1, 4), (2, 5), (3, 7))}


@pytest.mark.parametrize("name", STRING_TYPES)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=tricky_text)
@example(value=" \x85a\t")
@example(value="a\x0bb")
@example(value="a" + " " * 8)
def test_a_strings_pattern_and_lengths_say_exactly_what_is_accepted(name, value):
    adapter, schema = agree(STRING_TYPES[name])
    assert schema.is_valid(value) == accepts(adapter, value), (name, repr(value))


@settings(max_examples=300, deadline=None)
@given(key=tricky_text)
def test_an_object_keys_rule_says_exactly_what_the_edge_and_the_model_accept(key):
    schema = s.EvaluationIn.model_json_schema()["properties"]["answers"]
    keys_are_valid = jsonschema_rs.validator_for(schema)
    body = {"side": "mentor", "rating": 3, "answers": {key: "oui"}}
    accepted = json_fault(json.dumps(body).encode()) is None and accepts(TypeAdapter(s.EvaluationIn), body)
    assert keys_are_valid.is_valid({key: "oui"}) == accepted, repr(key)


@settings(max_examples=500, deadline=None)
@given(moment=st.datetimes(timezones=st.timezones() | st.just(timezone.utc)))
@example(moment=datetime(2000, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1))))
@example(moment=datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-2))))
@example(moment=datetime(1999, 12, 31, 17, 0, tzinfo=timezone(timedelta(hours=-7))))  # 2000-01-01 in UTC
def test_a_moments_pattern_accepts_only_what_the_validator_accepts(moment):
    adapter, schema = agree(fields.Moment)
    written = moment.isoformat()
    if schema.is_valid(written):
        assert accepts(adapter, written), written
    elif accepts(adapter, written):
        # The pattern leaves out three edge days rather than spell out their offsets (api/fields.py).
        assert written[:10] in ("1999-12-31", "2000-01-01", "9999-12-31"), written


@settings(max_examples=300, deadline=None)
@given(day=st.dates())
def test_a_days_pattern_says_exactly_what_is_accepted(day):
    adapter, schema = agree(fields.Day)
    assert schema.is_valid(day.isoformat()) == accepts(adapter, day.isoformat()), day


@pytest.mark.parametrize("address", ["anne@example.org", "anne@b.TEST", "x@localhost", "x@y.home.arpa",
                                     "x@test.example", "x@y.onion", "x@y.local", "x@y.invalid", "x@y.dev"])
def test_an_emails_schema_says_which_domains_are_refused(address):
    adapter, schema = agree(s.Email)
    assert schema.is_valid(address) == accepts(adapter, address), address


@pytest.mark.parametrize("value", [4, 4.0, 4.5, "4", True, 0, 11, 10.0])
def test_integers_are_json_integers_as_the_schema_says(value):
    adapter, schema = agree(s.Capacity)
    assert schema.is_valid(value) == accepts(adapter, value), value


@pytest.mark.parametrize("value", [1700000000, "2025-03-03T09:30:00+01:00", "2025-03-03"])
def test_dates_are_strings_as_the_schema_says(value):
    adapter, schema = agree(s.Moment)
    assert schema.is_valid(value) == accepts(adapter, value), value
