"""Integrations: registered by an administrator with the binômes they may touch, and their signing secrets. A
delivery (routes/webhooks) is verified with the `standardwebhooks` library against every secret still valid, its
`webhook-timestamp` within the tolerance; the principal it yields acts as `integration:<id>` (api/routes/integrations.py).
A secret is sealed with the data keys: keep the key that sealed it while the secret is in use (or rotate the secret
after retiring the key)."""

import asyncio
import base64
import secrets
import uuid
from datetime import datetime, timezone
from typing import Any, Protocol

import structlog
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from application.errors import Saturated
from domain import integrations
from domain.catalogue import INTEGRATION
from domain.errors import NotAllowed, NotFound, Unauthenticated
from domain.facts import Actor
from domain.integrations import IntegrationState
from domain.principals import Principal
from eventstore import AppendConflict, FactStore

log = structlog.get_logger("mentorat.integrations")
INTEGRATION_NAMESPACE = uuid.UUID("2a9e6c14-7b3d-4f58-8e01-c5d4b3a29f76")
RACES = 20


class Unsealable(ValueError):
    """A seal the sealer cannot open (its key retired, or altered)."""


class SecretSealer(Protocol):
    def seal(self, secret: str, purpose: str) -> str: ...

    def open(self, sealed: str, purpose: str) -> str:
        """The secret; raises an Unsealable when it cannot."""
        ...


def stream_id(integration_id: str) -> uuid.UUID:
    return uuid.uuid5(INTEGRATION_NAMESPACE, integration_id)


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class IntegrationService:
    def __init__(self, store: FactStore, sealer: SecretSealer, tolerance_seconds: int):
        self._store = store
        self._sealer = sealer
        self._tolerance_seconds = tolerance_seconds

    def state(self, integration_id: str) -> IntegrationState:
        facts = self._store.read(stream_id(integration_id), category=INTEGRATION)
        return integrations.fold(integration_id, [r.fact for r in facts])

    async def register(self, integration_id: str, name: str, programmes: list[str], binomes: list[str],
                       actor: Actor) -> tuple[dict[str, Any], tuple[str, str]]:
        """The integration and its first secret (its id, its value: shown this once)."""
        secret, secret_id = new_secret(), uuid.uuid4().hex[:12]
        sealed = self._sealer.seal(secret, self._purpose(integration_id, secret_id))
        state = await asyncio.to_thread(self.state, integration_id)
        facts = integrations.register(state, name, programmes, binomes, sealed, secret_id, actor, _now())
        try:
            await asyncio.to_thread(self._store.append, stream_id(integration_id), facts)
        except AppendConflict:
            raise NotAllowed("integration_exists", field="integration_id") from None
        return await self.get(integration_id), (secret_id, secret)

    async def add_secret(self, integration_id: str, actor: Actor) -> tuple[dict[str, Any], tuple[str, str]]:
        secret, secret_id = new_secret(), uuid.uuid4().hex[:12]
        sealed = self._sealer.seal(secret, self._purpose(integration_id, secret_id))
        await self._decide(integration_id, lambda state: integrations.add_secret(state, sealed, secret_id, actor,
                                                                                  _now()))
        return await self.get(integration_id), (secret_id, secret)

    async def revoke_secret(self, integration_id: str, secret_id: str, actor: Actor) -> dict[str, Any]:
        await self._decide(integration_id, lambda state: integrations.revoke_secret(state, secret_id, actor, _now()))
        return await self.get(integration_id)

    async def get(self, integration_id: str) -> dict[str, Any]:
        state = await asyncio.to_thread(self.state, integration_id)
        if not state.exists:
            raise NotFound("integration_not_found")
        return {"integration_id": state.integration_id, "name": state.name, "programmes": list(state.programmes),
                "binomes": list(state.binomes), "secret_ids": sorted(state.secrets),
                "registered_at": state.registered_at}

    async def verify(self, integration_id: str, body: bytes, headers: dict[str, str]) -> Principal:
        """The integration's principal if the delivery is signed with one of its secrets, recently (else 401)."""
        state = await asyncio.to_thread(self.state, integration_id)
        for secret_id, sealed in state.secrets.items():
            try:
                secret = self._sealer.open(sealed, self._purpose(integration_id, secret_id))
            except Unsealable:
                # Sealed under a data key since retired: that secret is lost, the other may still verify.
                log.error("integration_secret_unsealable", integration_id=integration_id, secret_id=secret_id)
                continue
            try:
                _verify_recent(Webhook(secret), body, headers, self._tolerance_seconds)
            except (WebhookVerificationError, ValueError, TypeError):
                continue  # malformed headers raise the library's own errors, or ValueError/binascii.Error
            return state.principal()
        raise Unauthenticated("signature_invalid")

    async def _decide(self, integration_id: str, decide) -> None:
        for _ in range(RACES):
            state = await asyncio.to_thread(self.state, integration_id)
            if not state.exists:
                raise NotFound("integration_not_found")
            try:
                await asyncio.to_thread(self._store.append, stream_id(integration_id), decide(state))
            except AppendConflict:
                continue
            return
        raise Saturated("integration_busy")

    @staticmethod
    def _purpose(integration_id: str, secret_id: str) -> str:
        return f"integration/{integration_id}/secret/{secret_id}"


def _verify_recent(webhook: Webhook, body: bytes, headers: dict[str, str], tolerance_seconds: int) -> None:
    """The library checks the signature with a fixed five-minute tolerance; ours is a setting, checked first."""
    timestamp = headers.get("webhook-timestamp", "")
    try:
        age = abs(datetime.now(timezone.utc).timestamp() - float(timestamp))
    except ValueError:
        raise WebhookVerificationError("Invalid Signature Headers") from None
    if age > tolerance_seconds:
        raise WebhookVerificationError("Message timestamp outside the tolerance")
    webhook.verify(body, headers, json_parse=False)


def _now() -> datetime:
    return datetime.now(timezone.utc)
