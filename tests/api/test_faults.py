"""Temporal unreachable or gone, views that cannot be waited for: the API starts and says so, and every command gets
a 503 with Retry-After (never a 500), within a bounded time; a recorded command is never turned into an error."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from mentorat.bootstrap import build_temporal_worker, connect_temporal, with_payload_codec
from mentorat.devserver import binary
from tests.api.conftest import Api
from tests.support.auth import bearer
from tests.support.ports import free_port
from tests.support.settings import DEV_SERVER_STARTUP

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
BOUND_SECONDS = 15


async def timed(call) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    answer = await call
    return answer, time.monotonic() - started


def assert_retry_later(answer: httpx.Response, code: str) -> None:
    assert answer.status_code == 503, answer.text
    assert int(answer.headers["Retry-After"]) > 0
    assert answer.json()["code"] == code


@pytest.fixture
async def api_without_temporal(container):
    """The API of `mentorat api` whose Temporal address is a closed port (connected lazily, as the command does)."""
    container.temporal = await connect_temporal(container.settings, address=f"127.0.0.1:{free_port()}", lazy=True)
    app = create_app(container)
    container.projector.start()
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mentorat",
                                     timeout=60, headers=bearer(container.settings)) as http:
            yield Api(http, None, container.settings)
    finally:
        container.projector.stop()


async def test_without_temporal_the_api_serves_what_it_can_and_commands_say_retry(api_without_temporal, container):
    api = api_without_temporal
    health, took = await timed(api.http.get("/health"))
    assert health.status_code == 503 and took < BOUND_SECONDS
    assert health.json()["status"] == "degraded" and health.json()["temporal"] == "unreachable"
    assert health.json()["event_store"] == "ok"

    mentor = await api.person("mentor", "Anne")  # registrations need only the store
    mentee = await api.person("mentee", "Bilal")
    proposal, took = await timed(api.post("/binomes", {"mentor_id": mentor, "mentee_id": mentee},
                                          **{"Idempotency-Key": "p-1"}))
    assert_retry_later(proposal, "temporal_unavailable")
    assert took < BOUND_SECONDS
    binome = str(uuid.uuid4())
    meeting, took = await timed(api.post(f"/binomes/{binome}/meetings", {"mode": "video"},
                                         **{"Idempotency-Key": "m-1"}))
    assert_retry_later(meeting, "temporal_unavailable")  # never connected: nothing can have been recorded
    assert took < BOUND_SECONDS
    assert container.store.read(uuid.UUID(binome)) == []


async def test_when_temporal_goes_away_a_command_answers_pending_and_records_nothing(container, task_queue):
    env = await WorkflowEnvironment.start_local(dev_server_existing_path=binary("temporal"),
                                                dev_server_startup_timeout=DEV_SERVER_STARTUP,
                                                dev_server_log_level="error")
    container.temporal = with_payload_codec(env.client, container.settings)
    app = create_app(container)
    container.projector.start()
    running = True
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mentorat",
                                     timeout=60, headers=bearer(container.settings)) as http:
            api = Api(http, env, container.settings)
            async with build_temporal_worker(container):
                binome = await api.propose()
            await env.shutdown()
            running = False

            meeting, took = await timed(api.post(f"/binomes/{binome}/proposal/accept", **{"Idempotency-Key": "a-1"}))
            assert_retry_later(meeting, "command_pending")
            assert took < BOUND_SECONDS
            health = await http.get("/health")
            assert health.status_code == 503 and health.json()["temporal"] == "unreachable"
    finally:
        container.projector.stop()
        if running:
            await env.shutdown()
    facts = container.store.read(uuid.UUID(binome))
    assert [f.fact.type for f in facts] == ["MentorshipProposed"]


async def test_a_recorded_command_is_answered_even_if_the_views_cannot_be_waited_for(api, container, monkeypatch):
    binome = await api.propose()

    def broken(*args, **kwargs):
        raise RuntimeError("view database gone")

    monkeypatch.setattr(container.projector, "wait_until", broken)
    answer = await api.post(f"/binomes/{binome}/proposal/accept", **{"Idempotency-Key": "a-2"})
    assert answer.status_code == 201, answer.text
    assert [f["type"] for f in answer.json()["recorded"]] == ["ProposalAccepted"]
    assert [f.fact.type for f in container.store.read(uuid.UUID(binome))][-1] == "ProposalAccepted"


ADMIN_PASSWORD = "the first administrator's"


def test_mentorat_api_starts_while_temporal_is_unreachable(tmp_path):
    port = free_port()
    env = {**os.environ, "MENTORAT_DATA_DIR": str(tmp_path / "data"), "MENTORAT_EVENT_STORE": "sqlite",
           "MENTORAT_API_PORT": str(port), "MENTORAT_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",
           "MENTORAT_LOG_FORMAT": "json", "MENTORAT_ADMIN_PASSWORD": ADMIN_PASSWORD}
    with open(tmp_path / "api.log", "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "mentorat.cli", "api"], cwd=ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
    try:
        health = None
        give_up = time.monotonic() + 60
        while health is None and time.monotonic() < give_up and process.poll() is None:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=10)
            except httpx.TransportError:
                time.sleep(0.2)
        assert health is not None, (tmp_path / "api.log").read_text()
        assert health.status_code == 503
        assert health.json()["status"] == "degraded" and health.json()["temporal"] == "unreachable"
        # The first administrator, made at the first start with the password from the environment.
        token = httpx.post(f"http://127.0.0.1:{port}/auth/token", data={"username": "admin", "password": ADMIN_PASSWORD},
                           timeout=30).json()["access_token"]
        started = time.monotonic()
        answer = httpx.post(f"http://127.0.0.1:{port}/binomes/{uuid.uuid4()}/contacts", json={"channel": "phone"},
                            headers={"Authorization": f"Bearer {token}"}, timeout=30)
        assert_retry_later(answer, "temporal_unavailable")
        assert time.monotonic() - started < BOUND_SECONDS
    finally:
        process.terminate()
        process.wait(timeout=30)
