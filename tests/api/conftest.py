"""The API in-process (httpx over ASGI), a real worker, a real store (SQLite and PostgreSQL), the time-skipping server."""

import json
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone

import httpx
import pytest
from fastapi import FastAPI
from standardwebhooks.webhooks import Webhook
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from domain.persons import PROPOSABLE_STEP
from mentorat.bootstrap import build_temporal_worker, with_payload_codec
from mentorat.settings import Settings
from tests.support.auth import as_role, bearer


@dataclass
class Api:
    http: httpx.AsyncClient
    env: WorkflowEnvironment
    settings: Settings
    app: FastAPI | None = None
    mentors: dict[str, str] = field(default_factory=dict)  # binôme id: its mentor's person id, as `propose` made them

    async def post(self, path: str, body: dict | None = None, **headers) -> httpx.Response:
        return await self.http.post(path, json=body or {}, headers=headers)

    async def ok(self, path: str, body: dict | None = None, **headers) -> dict:
        response = await self.post(path, body, **headers)
        assert response.status_code in (200, 201), response.text
        return response.json()

    async def get(self, path: str, **params) -> dict:
        response = await self.http.get(path, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def as_(self, role: str, ident: str = "x", **scope) -> dict[str, str]:
        """Headers acting as `role` (see tests.support.auth.as_role); the client acts as an administrator."""
        return as_role(self.settings, role, ident, **scope)

    def as_mentor(self, binome: str) -> dict[str, str]:
        return self.as_("mentor", self.mentors[binome])

    async def integration(self, integration_id: str = "agenda", programmes: tuple[str, ...] = ("default",),
                          binomes: tuple[str, ...] = ()) -> str:
        """Registers an integration; its first signing secret."""
        answer = await self.ok("/integrations", {"integration_id": integration_id, "name": integration_id.title(),
                                                 "programmes": list(programmes), "binomes": list(binomes)})
        return answer["secret"]

    async def deliver(self, integration_id: str, secret: str, event_type: str, data: dict, webhook_id: str,
                      at: datetime | None = None, signature: str | None = None) -> httpx.Response:
        """A delivery signed as Standard Webhooks senders sign (the library's own `sign`)."""
        body = json.dumps({"type": event_type, "data": data})
        at = at or datetime.now(timezone.utc)
        headers = {"Content-Type": "application/json", "webhook-id": webhook_id,
                   "webhook-timestamp": str(int(at.timestamp())),
                   "webhook-signature": signature or Webhook(secret).sign(webhook_id, at, body)}
        return await self.http.post(f"/integrations/{integration_id}/deliveries", content=body, headers=headers)

    async def organisation(self, organisation_id: str, kind: str) -> None:
        await self.ok("/organisations", {"organisation_id": organisation_id, "kind": kind,
                                         "name": organisation_id.title()})

    async def person(self, role: str, name: str) -> str:
        # At the end of their journey, so they may be proposed.
        return (await self.ok(f"/{role}s", {"name": name, "email": f"{name.lower()}@example.org",
                                            "languages": ["fr", "nl"], "step": PROPOSABLE_STEP[role]}))["person_id"]

    async def propose(self, **headers) -> str:
        mentor = await self.person("mentor", "Anne")
        mentee = await self.person("mentee", "Bilal")
        answer = await self.ok("/binomes", {"mentor_id": mentor, "mentee_id": mentee, "note": "Même secteur"},
                               **headers)
        self.mentors[answer["binome_id"]] = mentor
        return answer["binome_id"]

    async def through_contract(self) -> str:
        binome = await self.propose()
        await self.ok(f"/binomes/{binome}/proposal/accept", **self.as_mentor(binome))
        await self.ok(f"/binomes/{binome}/first-meeting", {"mode": "in_person", "checklist": ["expectations"]})
        for side in ("mentor", "mentee"):
            await self.ok(f"/binomes/{binome}/validations", {"side": side, "decision": "validated"})
        for party in ("mentor", "mentee", "programme"):
            await self.ok(f"/binomes/{binome}/contract/signatures", {"party": party})
        return binome

    async def through_intake(self) -> str:
        binome = await self.through_contract()
        await self.ok(f"/binomes/{binome}/intake/analysis", {"strengths": ["réseau"], "weaknesses": ["CV"]})
        await self.ok(f"/binomes/{binome}/action-plan", {"actions": [
            {"title": "Refaire le CV", "owner": "mentee", "due_on": "2030-01-31"}]})
        return binome


@asynccontextmanager
async def serving(container, env: WorkflowEnvironment, timeout: float, with_app: bool = False):
    """The API in-process over `env`'s Temporal, with a real worker and the projector following the store."""
    container.temporal = with_payload_codec(env.client, container.settings)
    app = create_app(container)
    container.projector.start()
    try:
        async with build_temporal_worker(container):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://mentorat", timeout=timeout,
                                         headers=bearer(container.settings)) as http:
                yield Api(http, env, container.settings, app if with_app else None)
    finally:
        container.projector.stop()


@pytest.fixture
async def api(time_skipping_env, container, task_queue):
    async with serving(container, time_skipping_env, 30, with_app=True) as served:
        yield served


@pytest.fixture
async def live_api(dev_server_env, container):
    """The API on the real dev server (it enforces Temporal's limits, e.g. 10 in-flight updates per workflow)."""
    async with serving(container, dev_server_env, 120) as served:
        yield served
