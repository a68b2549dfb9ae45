"""A database that fails during a request never makes a 500: a command gets a 503 that says "it may have been
recorded: resend it with the same Idempotency-Key", a read a 503 `service_unavailable`, both with Retry-After and
a logged traceback; any other exception is logged and answered 503 too. On both stores, with each library's own
errors, and for real on PostgreSQL (the database refuses connections and its sessions are killed: the views'
reads). (The event store, during such an outage, waits for a connection 30 s per attempt, with retries, before
failing: eventsourcing's POSTGRES_CONNECT_TIMEOUT.)"""

import contextlib
import json
import logging
import sqlite3
import time
import uuid

import eventsourcing.persistence as es
import httpx
import psycopg
import pytest
import sqlalchemy.exc

from api.app import create_app
from mentorat.bootstrap import build_container
from mentorat.logging import configure_logging
from tests.support.auth import bearer
from tests.support.postgres import HOST, PORT, USER

# What the store (eventsourcing over SQLite or psycopg) and the views (SQLAlchemy) raise when the database fails.
STORE_ERRORS = {
    "eventsourcing.OperationalError": lambda: es.OperationalError("server closed the connection unexpectedly"),
    "eventsourcing.InterfaceError": lambda: es.InterfaceError("connection already closed"),
    "eventsourcing.PersistenceError": lambda: es.PersistenceError("pool exhausted"),
    "psycopg.OperationalError": lambda: psycopg.OperationalError("terminating connection due to administrator command"),
    "sqlite3.OperationalError": lambda: sqlite3.OperationalError("database is locked"),
}
VIEW_ERRORS = {
    "sqlalchemy.OperationalError": lambda: sqlalchemy.exc.OperationalError("SELECT", {}, Exception("server closed")),
    "sqlalchemy.DBAPIError": lambda: sqlalchemy.exc.DBAPIError("SELECT", {}, Exception("connection lost")),
    "sqlalchemy.TimeoutError": lambda: sqlalchemy.exc.TimeoutError("QueuePool limit reached"),
    "sqlite3.OperationalError": lambda: sqlite3.OperationalError("disk I/O error"),
}


@pytest.fixture
async def served(settings_for, task_queue):
    """The API on this test's store, without Temporal (registrations and reads need only the store and views)."""
    container = build_container(settings_for(task_queue=task_queue, read_your_writes_seconds=2))
    container.projector.start()
    try:
        app = create_app(container.services(run_projector=False), container.settings)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mentorat",
                                     timeout=30, headers=bearer(container.settings)) as http:
            yield container, http
    finally:
        container.close()


class Logs:
    """JSON log lines on stdout, from `start()` on (set up in the test itself, where stdout is captured)."""

    def __init__(self, capsys):
        self.capsys = capsys

    def start(self) -> None:
        configure_logging("json", "INFO")

    def lines(self) -> list[dict]:
        return [json.loads(line) for line in self.capsys.readouterr().out.splitlines() if line.startswith("{")]


@pytest.fixture
def logs(capsys):
    yield Logs(capsys)
    logging.getLogger().handlers.clear()


def raising(make_error):
    def broken(*args, **kwargs):
        raise make_error()

    return broken


def assert_retry_later(answer: httpx.Response, code: str) -> dict:
    assert answer.status_code == 503, answer.text
    assert int(answer.headers["Retry-After"]) > 0
    body = answer.json()
    assert set(body) == {"code", "message", "params", "field", "errors"} and body["code"] == code
    return body


def logged_with_traceback(lines: list[dict], event: str, error_type: str) -> dict:
    line = next((line for line in lines if line.get("event") == event), None)
    assert line is not None, lines
    assert line["level"] == "error" and line["error_type"] == error_type
    assert "Traceback" in line["exception"]
    return line


@pytest.mark.parametrize("error", STORE_ERRORS)
async def test_a_store_failure_during_a_registration_says_resend_with_the_same_key(served, logs, monkeypatch, error):
    container, http = served
    monkeypatch.setattr(container.store, "append", raising(STORE_ERRORS[error]))
    headers = {"Idempotency-Key": "anne-1", "Accept-Language": "en"}
    logs.start()

    answer = await http.post("/mentors", json={"name": "Anne"}, headers=headers)

    body = assert_retry_later(answer, "command_interrupted")
    assert "same Idempotency-Key" in body["message"] and "may have been recorded" in body["message"]
    logged_with_traceback(logs.lines(), "database_unavailable", STORE_ERRORS[error]().__class__.__name__)
    monkeypatch.undo()
    # Once the database is back, the same key records the registration once.
    again = await http.post("/mentors", json={"name": "Anne"}, headers=headers)
    repeat = await http.post("/mentors", json={"name": "Anne"}, headers=headers)
    assert (again.status_code, repeat.status_code) == (201, 201)
    assert repeat.headers["Idempotent-Replayed"] == "true"
    assert (await http.get("/mentors")).json()["total"] == 1


@pytest.mark.parametrize("error", VIEW_ERRORS)
async def test_a_view_failure_during_a_read_is_a_503_to_retry(served, logs, monkeypatch, error):
    container, http = served
    mentor = (await http.post("/mentors", json={"name": "Anne"})).json()["person_id"]
    monkeypatch.setattr(container.views, "persons", raising(VIEW_ERRORS[error]))
    monkeypatch.setattr(container.views, "person", raising(VIEW_ERRORS[error]))
    logs.start()

    for answer in (await http.get("/mentors"), await http.get(f"/mentors/{mentor}")):
        body = assert_retry_later(answer, "service_unavailable")
        assert body["message"] == "Le service est momentanément indisponible. Réessayez dans quelques secondes."
    logged_with_traceback(logs.lines(), "database_unavailable", VIEW_ERRORS[error]().__class__.__name__)


async def test_a_store_failure_during_an_audit_read_is_a_503_to_retry(served, monkeypatch):
    container, http = served
    monkeypatch.setattr(container.store, "read", raising(STORE_ERRORS["eventsourcing.OperationalError"]))

    assert_retry_later(await http.get(f"/binomes/{uuid.uuid4()}/history"), "service_unavailable")


async def test_a_store_failure_while_a_profile_change_reads_the_stream_says_resend(served, monkeypatch):
    container, http = served
    mentor = (await http.post("/mentors", json={"name": "Anne"})).json()["person_id"]
    monkeypatch.setattr(container.store, "read", raising(STORE_ERRORS["eventsourcing.InterfaceError"]))

    answer = await http.patch(f"/mentors/{mentor}", json={"capacity": 2}, headers={"Idempotency-Key": "c-1"})

    assert_retry_later(answer, "command_interrupted")


@pytest.mark.parametrize("store_kind", ["sqlite"])
async def test_any_other_exception_is_logged_and_answered_503_not_500(served, logs, monkeypatch):
    container, http = served
    monkeypatch.setattr(container.views, "persons", raising(lambda: RuntimeError("a bug")))
    monkeypatch.setattr(container.store, "append", raising(lambda: KeyError("another bug")))
    logs.start()

    assert_retry_later(await http.get("/mentors"), "service_unavailable")
    assert_retry_later(await http.post("/mentors", json={"name": "Anne"}), "service_unavailable")

    lines = logs.lines()
    bug = logged_with_traceback(lines, "unexpected_error", "RuntimeError")
    assert bug["path"] == "/mentors" and bug["method"] == "GET"
    assert any(line.get("event") == "unexpected_error" and line["error_type"] == "KeyError" for line in lines)
    # The access line says what the client got.
    assert {line["status"] for line in lines if line.get("event") == "request"} == {503}


@pytest.mark.parametrize("store_kind", ["sqlite"])
async def test_an_exception_in_a_guard_at_the_edge_is_a_503_too(served, monkeypatch):
    _, http = served
    monkeypatch.setattr("api.middleware.json_fault", raising(lambda: RecursionError("a guard's bug")))

    answer = await http.post("/mentors", json={"name": "Anne"})

    assert_retry_later(answer, "service_unavailable")
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


# --- for real, on PostgreSQL ----------------------------------------------------------------------------------

@contextlib.contextmanager
def refusing_connections(dbname: str):
    """The database refuses new connections and its sessions are killed (as in a restart), until the block ends."""
    with psycopg.connect(host=HOST, port=PORT, user=USER, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{dbname}" ALLOW_CONNECTIONS false')
        try:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = %s AND pid <> pg_backend_pid()", (dbname,))
            yield
        finally:
            admin.execute(f'ALTER DATABASE "{dbname}" ALLOW_CONNECTIONS true')


@pytest.mark.parametrize("store_kind", ["postgres"])
async def test_while_the_views_database_refuses_connections_reads_get_503_then_recover(served):
    container, http = served
    mentor = (await http.post("/mentors", json={"name": "Anne"})).json()["person_id"]

    with refusing_connections(container.settings.postgres_db):
        started = time.monotonic()
        answers = [await http.get("/mentors"), await http.get(f"/mentors/{mentor}"), await http.get("/tasks")]
        took = time.monotonic() - started

    for answer in answers:
        assert_retry_later(answer, "service_unavailable")
    assert took < 10
    # Back: the pool's dead connections are replaced, the reads answer again.
    assert (await http.get(f"/mentors/{mentor}")).json()["name"] == "Anne"
