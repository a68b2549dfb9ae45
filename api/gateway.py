"""Sends commands to binôme workflows and turns their answers (or refusals) into what the API returns.

A command is an update on the binôme's workflow, with the Idempotency-Key (or a fresh id) as its
command id. The answer lists the facts the command recorded, read back from the store, so a repeated
delivery gets exactly the first answer. Before answering, it waits (bounded) until the read views
show those facts, so a client reading right after its command sees it.
"""

import asyncio
import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from uuid import UUID

import structlog
from temporalio.client import Client, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from application.errors import CommandPending
from domain.commands import CommandEnvelope
from domain.errors import DomainError, IdempotencyConflict, NotAllowed, NotFound, error_from
from domain.facts import Actor
from eventstore import FactStore, RecordedFact
from mentorat.bootstrap import Container
from workflows.types import COMMAND_UPDATE, WORKFLOW_NAME, BinomeInput, CommandOutcome, update_id, workflow_id

log = structlog.get_logger("mentorat.gateway")
# Binôme ids derived from an Idempotency-Key: the same key always names the same binôme.
BINOME_NAMESPACE = uuid.UUID("6f1c2b0e-5d4a-4a8e-9a57-3f0b7c1d2e90")


@dataclass(frozen=True)
class Accepted:
    binome_id: str
    facts: list[RecordedFact]
    repeated: bool


def fingerprint(name: str, body: dict[str, Any]) -> str:
    canonical = json.dumps({"command": name, "body": body}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def new_binome_id(idempotency_key: str | None) -> UUID:
    return uuid.uuid5(BINOME_NAMESPACE, idempotency_key) if idempotency_key else uuid.uuid4()


class CommandGateway:
    def __init__(self, container: Container):
        self._container = container

    @property
    def _client(self) -> Client:
        return self._container.temporal

    @property
    def _store(self) -> FactStore:
        return self._container.store

    async def propose(self, binome_id: UUID, envelope: CommandEnvelope) -> Accepted:
        settings = self._container.settings
        try:
            await self._client.start_workflow(
                WORKFLOW_NAME,
                BinomeInput(str(binome_id), self._container.programme.to_dict(), self._container.workflow_options),
                id=workflow_id(binome_id),
                task_queue=settings.task_queue,
                # A retried proposal joins its running workflow; a closed one is never started again.
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            )
        except WorkflowAlreadyStartedError:
            return await self._answer_from_store(binome_id, envelope)
        return await self.send(binome_id, envelope)

    async def send(self, binome_id: UUID, envelope: CommandEnvelope) -> Accepted:
        handle = self._client.get_workflow_handle(workflow_id(binome_id))
        try:
            outcome: CommandOutcome = await asyncio.wait_for(handle.execute_update(
                COMMAND_UPDATE, envelope, id=update_id(envelope.command_id),
                result_type=CommandOutcome,
            ), timeout=self._container.settings.command_timeout_seconds)
        except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError):
            log.warning("command_pending", command=envelope.name, command_id=envelope.command_id)
            raise CommandPending(envelope.command_id) from None
        except WorkflowUpdateFailedError as error:
            raise _refusal(error.cause) from None
        except RPCError as error:
            if error.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.FAILED_PRECONDITION):
                return await self._answer_from_store(binome_id, envelope)
            raise
        facts = await asyncio.to_thread(self._read_positions, binome_id, outcome.positions)
        await self._wait_until_visible(str(binome_id), outcome.version)
        log.info("command_accepted", command=envelope.name, repeated=outcome.repeated,
                 facts=[f.fact.type for f in facts], version=outcome.version)
        return Accepted(str(binome_id), facts, outcome.repeated)

    async def _answer_from_store(self, binome_id: UUID, envelope: CommandEnvelope) -> Accepted:
        """The workflow is closed (or absent): answer a repeat of an earlier command from the store, else refuse."""
        facts = await asyncio.to_thread(self._store.read, binome_id)
        if not facts:
            raise NotFound("binome_not_found", binome_id=str(binome_id))
        mine = [f for f in facts if f.fact.command_id == envelope.command_id]
        if mine and mine[0].fact.fingerprint == envelope.fingerprint:
            return Accepted(str(binome_id), mine, True)
        if mine:
            raise IdempotencyConflict()
        raise NotAllowed("binome_closed")

    def _read_positions(self, binome_id: UUID, positions: list[int]) -> list[RecordedFact]:
        if not positions:
            return []
        facts = self._store.read(binome_id, after=min(positions) - 1, upto=max(positions))
        wanted = set(positions)
        return [f for f in facts if f.fact.position in wanted]

    async def _wait_until_visible(self, binome_id: str, version: int) -> None:
        container = self._container
        visible = await asyncio.to_thread(
            container.projector.wait_until,
            lambda: container.views.binome_version(binome_id) >= version,
            container.settings.read_your_writes_seconds,
        )
        if not visible:
            log.warning("read_view_lagging", binome_id=binome_id, version=version)


def envelope_for(name: str, body: dict[str, Any], actor: Actor, idempotency_key: str | None,
                 occurred_at: datetime | None) -> CommandEnvelope:
    return CommandEnvelope(
        name=name,
        payload=body,
        command_id=idempotency_key or str(uuid.uuid4()),
        actor=actor,
        occurred_at=occurred_at.astimezone(timezone.utc) if occurred_at else None,
        fingerprint=fingerprint(name, {**body, "occurred_at": occurred_at.isoformat() if occurred_at else None}),
    )


def _refusal(cause: BaseException | None) -> DomainError:
    """The domain's refusal, rebuilt from the update's failure (see workflows.binome.refusal)."""
    if isinstance(cause, ApplicationError) and cause.details and isinstance(cause.details[0], dict):
        details = cause.details[0]
        return error_from(cause.type or "DomainError", details.get("code") or cause.message, details.get("field"),
                          details.get("params") or {})
    raise RuntimeError(f"command failed: {cause!r}")
