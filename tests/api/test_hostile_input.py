"""Hostile input never gets a 500: every case is a 4xx with the error body, naming the field at fault.

Most refusals happen before any route runs, so they are checked on the API without Temporal (`edge`); where
the store could be hurt (PostgreSQL refuses NUL, SQLite cannot hold a 64-bit overflow) on both stores; the
values that must still go through are sent through a real worker (`api`).
"""

import contextlib
import uuid
from datetime import timedelta, timezone

import httpx
import pytest

from api import cursors
from api.app import create_app
from mentorat.bootstrap import build_container
from tests.support.auth import bearer

sqlite_only = pytest.mark.parametrize("store_kind", ["sqlite"])
SOME_BINOME = "6d1f1f43-5b9b-4a1c-8f4e-2f0e4f0b1a11"
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def edge(settings_for, task_queue):
    """Opens the API on this test's store with the given settings, without a Temporal worker."""

    @contextlib.asynccontextmanager
    async def open_api(**overrides):
        container = build_container(settings_for(task_queue=task_queue, **overrides))
        container.projector.start()
        try:
            transport = httpx.ASGITransport(app=create_app(container.services(run_projector=False), container.settings))
            async with httpx.AsyncClient(transport=transport, base_url="http://mentorat", timeout=30,
                                         headers=bearer(container.settings)) as http:
                yield http
        finally:
            container.close()

    return open_api


@pytest.fixture
async def client(edge):
    async with edge() as http:
        yield http


# The codes of these guards: each has its text in the catalogues (pydantic's own codes are catalogued elsewhere).
EDGE_CODES = {"invalid.control_characters", "invalid.string_unicode", "invalid.timezone_aware",
              "invalid.date_too_early", "invalid.date_too_late", "invalid.date_out_of_range",
              "invalid.number_not_finite", "invalid.number_out_of_range", "invalid.key_too_long",
              "invalid.json_invalid", "unsupported_media_type", "body_too_large", "rate_limited"}


def refused(response: httpx.Response, status: int, code: str, field: str | None) -> dict:
    """The one error body; the guards' own codes come with a message rendered from the catalogue."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"code", "message", "params", "field", "errors"}
    assert (body["code"], body["field"]) == (code, field), body
    assert body["message"] and (body["message"] != code or code not in EDGE_CODES), body
    if status == 422:
        assert {"code": code, "field": field}.items() <= body["errors"][0].items()
    return body


async def raw_post(http: httpx.AsyncClient, path: str, body: str | bytes, **headers) -> httpx.Response:
    content = body.encode() if isinstance(body, str) else body
    return await http.post(path, content=content, headers={**JSON, **headers})


# --- 1. control characters and unpaired surrogates ----------------------------------------------------

@pytest.mark.parametrize("person, field", [
    ({"name": "Ann\u0000a"}, "name"),
    ({"name": "Ann\u0007a"}, "name"),
    ({"name": "Ann\na"}, "name"),  # a name is one line
    ({"name": "Anna\u0085x"}, "name"),  # C1 controls too
    ({"name": "Anna", "email": "ann\u0000@example.org"}, "email"),
    ({"name": "Anna", "phone": "0470\t12"}, "phone"),
    ({"name": "Anna", "languages": ["fr", "n\u001bl"]}, "languages.1"),
])
async def test_control_characters_are_refused_and_the_store_stays_readable(client, person, field):
    refused(await client.post("/mentors", json=person), 422, "invalid.control_characters", field)
    # Nothing was stored, and the views still follow the store: a clean record goes through at once.
    created = await client.post("/mentors", json={"name": "Anna", "languages": ["fr"]})
    assert created.status_code == 201, created.text
    page = (await client.get("/mentors")).json()
    assert [p["name"] for p in page["items"]] == ["Anna"]


async def test_control_characters_in_the_url_are_refused(client):
    refused(await client.get("/mentors/a%00b"), 422, "invalid.control_characters", "path")
    refused(await client.get("/binomes", params={"mentor_id": "a\u0000b"}), 422, "invalid.control_characters",
            "mentor_id")
    refused(await client.get("/tasks", params={"kind": "\u0001"}), 422, "invalid.control_characters", "kind")
    refused(await client.get("/binomes?a%00=1"), 422, "invalid.control_characters", "query")


@pytest.mark.parametrize("header, value", [
    ("Idempotency-Key", b"key\x00"), ("Authorization", b"Bearer a\x01b"), ("Accept-Language", b"fr\x1b"),
])
async def test_control_characters_in_headers_are_refused_and_nothing_is_stored(client, header, value):
    answer = await client.post("/mentors", json={"name": "Anna"}, headers={header: value})
    refused(answer, 422, "invalid.control_characters", header)
    assert (await client.get("/mentors")).json()["total"] == 0


@sqlite_only
@pytest.mark.parametrize("path, body, field", [
    ("/mentors", {"name": "Anna", "languages": ["fr", "nl\u0000"]}, "languages.1"),
    (f"/binomes/{SOME_BINOME}/proposal/refuse", {"reason": "Pas le temps\u0000"}, "reason"),
    (f"/binomes/{SOME_BINOME}/first-meeting", {"mode": "video", "checklist": ["expecta\u0000tions"]}, "checklist.0"),
    (f"/binomes/{SOME_BINOME}/meetings", {"mode": "video", "actions_progressed": ["A\u00011"]}, "actions_progressed.0"),
    (f"/binomes/{SOME_BINOME}/meetings", {"mode": "video", "notes": "Bi\u000cen"}, "notes"),
    (f"/binomes/{SOME_BINOME}/action-plan", {"actions": [{"title": "CV\u0000", "owner": "mentee"}]},
     "actions.0.title"),
    (f"/binomes/{SOME_BINOME}/evaluations", {"side": "mentor", "rating": 4, "answers": {"relationship": "ok\u0000"}},
     "answers.relationship"),
    ("/binomes", {"mentor_id": "m\u00001", "mentee_id": "m2"}, "mentor_id"),
])
async def test_every_input_model_refuses_control_characters_by_field(client, path, body, field):
    refused(await client.post(path, json=body), 422, "invalid.control_characters", field)


@sqlite_only
async def test_control_characters_in_an_object_key_are_refused_without_echoing_the_key(client):
    answer = await client.post(f"/binomes/{SOME_BINOME}/evaluations",
                               json={"side": "mentor", "rating": 4, "answers": {"rela\u0000tionship": "ok"}})
    refused(answer, 422, "invalid.control_characters", "answers")


@pytest.mark.parametrize("body, field", [
    ('{"name": "Ann\\ud800a"}', "name"),
    ('{"name": "Anna", "languages": ["fr", "\\udfff"]}', "languages.1"),
    ('{"name": "Anna", "\\ud800": 1}', "body"),
])
async def test_unpaired_surrogates_are_refused_on_both_stores(client, body, field):
    refused(await raw_post(client, "/mentors", body), 422, "invalid.string_unicode", field)
    assert (await client.get("/mentors")).json()["total"] == 0


@sqlite_only
async def test_unpaired_surrogates_in_evaluation_answers_are_refused(client):
    keyed = await raw_post(client, f"/binomes/{SOME_BINOME}/evaluations",
                           '{"side": "mentor", "rating": 4, "answers": {"\\ud83d": "ok"}}')
    refused(keyed, 422, "invalid.string_unicode", "answers")
    valued = await raw_post(client, f"/binomes/{SOME_BINOME}/evaluations",
                            '{"side": "mentor", "rating": 4, "answers": {"relationship": "\\ud83d"}}')
    refused(valued, 422, "invalid.string_unicode", "answers.relationship")


# --- 2. dates -----------------------------------------------------------------------------------------

@sqlite_only
@pytest.mark.parametrize("occurred_at, code", [
    ("2024-03-01T10:00:00", "invalid.timezone_aware"),
    ("1999-12-31T23:59:59Z", "invalid.date_too_early"),
    ("2000-01-01T00:30:00+01:00", "invalid.date_too_early"),  # 1999 in UTC
    ("0001-01-01T00:00:00+16:05", "invalid.date_out_of_range"),
    ("9999-12-31T23:59:59-01:00", "invalid.date_out_of_range"),
])
async def test_dates_without_time_zone_or_out_of_range_are_refused(client, occurred_at, code):
    answer = await client.post(f"/binomes/{SOME_BINOME}/proposal/accept", json={"occurred_at": occurred_at})
    body = refused(answer, 422, code, "occurred_at")
    if code == "invalid.date_too_early":
        assert body["params"] == {"earliest": "2000-01-01"}


@sqlite_only
@pytest.mark.parametrize("due_on, code", [("0001-01-01", "invalid.date_too_early"),
                                          ("9999-12-31", "invalid.date_too_late")])
async def test_due_dates_out_of_range_are_refused(client, due_on, code):
    plan = {"actions": [{"title": "CV", "owner": "mentee", "due_on": due_on}]}
    refused(await client.post(f"/binomes/{SOME_BINOME}/action-plan", json=plan), 422, code, "actions.0.due_on")


# --- 3. numbers JSON cannot hold ------------------------------------------------------------------------

@sqlite_only
@pytest.mark.parametrize("body, code, field", [
    ('{"mode": "video", "duration_minutes": NaN}', "invalid.number_not_finite", "duration_minutes"),
    ('{"mode": "video", "duration_minutes": Infinity}', "invalid.number_not_finite", "duration_minutes"),
    ('{"mode": "video", "duration_minutes": -Infinity}', "invalid.number_not_finite", "duration_minutes"),
    ('{"mode": "video", "duration_minutes": 1e400}', "invalid.number_not_finite", "duration_minutes"),
    ('{"mode": "video", "occurred_at": -1e400}', "invalid.number_not_finite", "occurred_at"),
    ('{"mode": "video", "actions_progressed": [1, NaN]}', "invalid.number_not_finite", "actions_progressed.1"),
    ('NaN', "invalid.number_not_finite", "body"),
    ('{"mode": "video", "duration_minutes": 9223372036854775808}', "invalid.number_out_of_range",
     "duration_minutes"),
    ('{"mode": "video", "duration_minutes": ' + "9" * 5000 + "}", "invalid.number_out_of_range", "duration_minutes"),
])
async def test_numbers_json_cannot_hold_are_refused_where_found(client, body, code, field):
    refused(await raw_post(client, f"/binomes/{SOME_BINOME}/meetings", body), 422, code, field)


# --- 4. integers beyond 64 bits in query parameters ---------------------------------------------------------

@pytest.mark.parametrize("path, parameter", [
    ("/mentors", "limit"), ("/mentees", "limit"), ("/binomes", "limit"), ("/tasks", "limit"),
    (f"/binomes/{SOME_BINOME}/history", "after"), (f"/binomes/{SOME_BINOME}/history", "limit"),
])
async def test_query_integers_beyond_their_bounds_are_refused_on_both_stores(client, path, parameter):
    answer = await client.get(path, params={parameter: "9223372036854775808"})
    assert answer.status_code == 422 and answer.json()["field"] == parameter, answer.text
    assert answer.json()["code"] == "invalid.less_than_equal"


async def test_cursors_holding_the_extreme_keys_are_answered_on_both_stores(client):
    # The lowest key, and the highest and longest one a name allows, on empty lists (paging: tests/api/test_paging.py).
    for path, key in (("/mentors", ("\U0010ffff" * 200, "\U0010ffff")), ("/binomes", ("", "")),
                      ("/tasks", ("\U0010ffff" * 200, "\U0010ffff"))):
        answer = await client.get(path, params={"cursor": cursors.encode(path.strip("/"), key)})
        assert answer.status_code == 200 and answer.json()["items"] == [], answer.text
        assert answer.json()["next_cursor"] is None and answer.json()["total"] is None
    history = await client.get(f"/binomes/{SOME_BINOME}/history", params={"after": 2 ** 31 - 1, "limit": 10000})
    assert history.status_code == 200 and history.json()["facts"] == [], history.text


# --- 5. X-Request-ID ------------------------------------------------------------------------------------------

@sqlite_only
@pytest.mark.parametrize("given", ["caf\u00e9".encode(), b"a" * 129, b"two words", b"a/b"])
async def test_an_unsafe_request_id_is_replaced(client, given):
    answer = await client.get("/mentors", headers={"X-Request-ID": given})
    assert answer.status_code == 200
    replaced = answer.headers["X-Request-ID"]
    assert replaced.encode() != given and len(replaced) == 32 and int(replaced, 16) >= 0


@sqlite_only
async def test_a_safe_request_id_is_kept(client):
    answer = await client.get("/mentors", headers={"X-Request-ID": "agenda:req-42.a_b"})
    assert answer.headers["X-Request-ID"] == "agenda:req-42.a_b"


# --- 6. body size ---------------------------------------------------------------------------------------------

@sqlite_only
async def test_a_body_over_the_limit_is_refused_by_its_length_or_as_it_streams(edge):
    async with edge(max_body_bytes=1000) as http:
        body = '{"name": "' + "x" * 1200 + '"}'
        declared = await raw_post(http, "/mentors", body)
        assert refused(declared, 413, "body_too_large", "body")["params"] == {"max_bytes": 1000}

        async def chunks():
            for _ in range(12):
                yield b"x" * 100

        streamed = await http.post("/mentors", content=chunks(), headers=JSON)
        assert "content-length" not in streamed.request.headers
        refused(streamed, 413, "body_too_large", "body")

        async def small():
            yield b'{"name": '
            yield b'"Anna"}'

        fits = await http.post("/mentors", content=small(), headers=JSON)
        assert fits.status_code == 201 and fits.json()["name"] == "Anna", fits.text


@sqlite_only
async def test_the_default_limit_is_one_megabyte(client):
    answer = await raw_post(client, "/mentors", '{"name": "' + "x" * (1024 * 1024) + '"}')
    refused(answer, 413, "body_too_large", "body")


@sqlite_only
@pytest.mark.parametrize("path, body, code, field", [
    ("/mentors", {"name": "x" * 900_000}, "invalid.string_too_long", "name"),
    ("/mentors", {"name": "\u0000" * 150_000}, "invalid.string_too_long", "name"),  # 900 KB as JSON
    (f"/binomes/{SOME_BINOME}/meetings", {"mode": "video", "notes": "\u0001" * 4000 + "y" * 896_000},
     "invalid.string_too_long", "notes"),
    ("/mentors", {"name": "Anna", "x" * 900_000: 1}, "invalid.key_too_long", "body"),
    (f"/binomes/{SOME_BINOME}/evaluations", {"side": "mentor", "rating": 4, "answers": {"q" * 900_000: "ok"}},
     "invalid.key_too_long", "answers"),
])
async def test_a_refusal_never_echoes_a_large_input(client, path, body, code, field):
    answer = await client.post(path, json=body)
    refused(answer, 422, code, field)
    assert len(answer.content) < 2000


# --- 7. rate per client -------------------------------------------------------------------------------------------

@sqlite_only
async def test_requests_beyond_the_rate_get_429_with_retry_after(edge):
    async with edge(rate_limit="3/minute") as http:
        for _ in range(3):
            assert (await http.get("/mentors")).status_code == 200
        limited = await http.get("/mentors", headers={"Accept-Language": "en"})
        body = refused(limited, 429, "rate_limited", None)
        wait = int(limited.headers["Retry-After"])
        assert 1 <= wait <= 60 and body["params"] == {"retry_after": wait}
        assert (await http.post("/mentors", json={"name": "Anna"})).status_code == 429


@sqlite_only
async def test_an_empty_rate_means_no_limit(edge):
    async with edge(rate_limit="") as http:
        statuses = {(await http.get("/mentors")).status_code for _ in range(30)}
    assert statuses == {200}


@sqlite_only
def test_an_unreadable_rate_is_refused_at_start(settings_for):
    with pytest.raises(ValueError):
        settings_for(rate_limit="a lot")


# --- 8. headers on every answer ---------------------------------------------------------------------------------------

@sqlite_only
async def test_every_answer_says_nosniff_and_no_store(client):
    answers = [
        await client.get("/mentors"),
        await client.get(f"/mentors/{uuid.uuid4()}"),
        await client.post("/mentors", json={"name": ""}),
        await raw_post(client, "/mentors", "{"),
        await client.get("/openapi.json"),
    ]
    assert [a.status_code for a in answers] == [200, 404, 422, 422, 200]
    for answer in answers:
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Cache-Control"] == "no-store"


# --- 9. media types and malformed JSON --------------------------------------------------------------------------------------

@sqlite_only
@pytest.mark.parametrize("content_type, body", [
    ("text/plain", "name=Anna"),
    ("application/x-www-form-urlencoded", "name=Anna"),
    ("multipart/form-data; boundary=x", "--x--"),
])
async def test_a_body_that_is_not_json_gets_415(client, content_type, body):
    answer = await client.post("/mentors", content=body, headers={"Content-Type": content_type})
    assert refused(answer, 415, "unsupported_media_type", "Content-Type")["params"] == {"expected": "application/json"}


@sqlite_only
@pytest.mark.parametrize("body", [b"{bad", b'{"name": "Anna"', b'{"name": "\xff"}', b"\xef\xbb\xbf{}", b"[" * 100_000])
async def test_malformed_json_gets_422_on_the_body(client, body):
    refused(await raw_post(client, "/mentors", body), 422, "invalid.json_invalid", "body")


@sqlite_only
async def test_messages_come_in_the_readers_language(client):
    texts = set()
    for language in ("fr", "nl", "en"):
        answer = await client.post("/mentors", json={"name": "A\u0000"}, headers={"Accept-Language": language})
        texts.add(refused(answer, 422, "invalid.control_characters", "name")["message"])
    assert len(texts) == 3


# --- what must still go through, through a real worker ------------------------------------------------------------------------

async def test_line_breaks_in_text_and_dates_with_offsets_go_through(api):
    binome = await api.propose()
    refused(await api.post(f"/binomes/{binome}/proposal/refuse", {"reason": "Indisponible\u0000"}), 422,
            "invalid.control_characters", "reason")
    now = await api.env.get_current_time()
    brussels_summer = timezone(timedelta(hours=2))
    refusal = await api.ok(f"/binomes/{binome}/proposal/refuse", {
        "reason": "Indisponible en mars :\n\t- déménagement\r\n- formation",
        "occurred_at": now.astimezone(brussels_summer).isoformat()})
    [fact] = refusal["recorded"]
    assert fact["data"]["reason"] == "Indisponible en mars :\n\t- déménagement\r\n- formation"
    assert fact["occurred_at"] == now.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    history = (await api.get(f"/binomes/{binome}/history"))["facts"]
    assert [f["type"] for f in history] == ["MentorshipProposed", "ProposalRefused"]


async def test_a_date_in_the_future_is_left_to_the_domain(api):
    binome = await api.propose()
    # Far ahead but convertible: the schema lets it through, and the domain refuses it by the workflow's clock.
    future = await api.post(f"/binomes/{binome}/proposal/accept", {"occurred_at": "9999-12-31T23:00:00Z"})
    assert future.status_code == 422 and future.json()["field"] == "occurred_at", future.text
    assert future.json()["code"] == "date_in_future"
