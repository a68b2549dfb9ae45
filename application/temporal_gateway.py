"""The binômes' workflows on Temporal: start one, send it a command as an update, within the limits Temporal sets.

Temporal admits at most 10 in-flight updates per workflow (more are refused with RESOURCE_EXHAUSTED) and aborts
in-flight updates when the workflow's task fails or the server restarts; both reach the client as RPC errors,
not as the workflow's answer. So one process never has more than `max_in_flight` updates in flight per
workflow (the others wait their turn, within the command's time budget), and an update refused for saturation
or aborted is sent again after a short backoff: safe, since the workflow recognises a repeated command id and
records nothing twice. What cannot be settled in time becomes an application error by kind (`Saturated`,
`CommandPending`, `Unavailable`); the domain's refusals come back as domain errors.
"""

import asyncio
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import timedelta
from typing import Protocol
from uuid import UUID

import structlog
from temporalio.client import (
    Client, WithStartWorkflowOperation, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from application.errors import CommandPending, Saturated, Unavailable
from domain.commands import CommandEnvelope
from domain.errors import DomainError, error_from
from workflows.types import COMMAND_UPDATE, WORKFLOW_NAME, BinomeInput, CommandOutcome, update_id, workflow_id

log = structlog.get_logger("mentorat.temporal")

# Temporal's own limit is 10 per workflow; two slots are left for other API processes and for tools.
MAX_IN_FLIGHT_PER_WORKFLOW = 8
# A workflow task that a dead worker held is handed to another after this (Temporal's default is 10 s).
WORKFLOW_TASK_TIMEOUT = timedelta(seconds=5)
FIRST_BACKOFF_SECONDS = 0.05
MAX_BACKOFF_SECONDS = 1.0


class TemporalSettings(Protocol):
    task_queue: str


class WorkflowGone(Exception):
    """The binôme's workflow is closed, or no workflow has that id: only the store can answer."""


class _Limiter:
    """One semaphore per workflow id, dropped when nobody holds or waits for it."""

    def __init__(self, limit: int):
        self._limit = limit
        self._slots: dict[str, tuple[asyncio.Semaphore, int]] = {}

    @asynccontextmanager
    async def slot(self, key: str, timeout: float) -> AsyncIterator[None]:
        semaphore, users = self._slots.get(key, (None, 0))
        if semaphore is None:
            semaphore = asyncio.Semaphore(self._limit)
        self._slots[key] = (semaphore, users + 1)
        try:
            async with asyncio.timeout(max(timeout, 0)):
                await semaphore.acquire()
            try:
                yield
            finally:
                semaphore.release()
        finally:
            semaphore, users = self._slots[key]
            if users == 1:
                del self._slots[key]
            else:
                self._slots[key] = (semaphore, users - 1)


class BinomeWorkflows:
    def __init__(self, client: Client | None, settings: TemporalSettings,
                 max_in_flight: int = MAX_IN_FLIGHT_PER_WORKFLOW):
        self._client = client
        self._settings = settings
        self._limiter = _Limiter(max_in_flight)

    @property
    def client(self) -> Client:
        if self._client is None:
            raise Unavailable("temporal_unavailable")
        return self._client

    async def execute(self, binome_id: UUID, envelope: CommandEnvelope, timeout: float,
                      start: BinomeInput | None = None) -> CommandOutcome:
        """The workflow's answer to `envelope`, sent as an update, within `timeout` seconds. With `start`, the
        workflow is started with it in the same request if it does not run yet (update-with-start: one round
        trip and one workflow task for a proposal); a retried proposal joins the running one.

        Raises the domain's refusal, `WorkflowGone` (closed, or never started: only the store can answer),
        `Saturated` (nothing was admitted in time), or `CommandPending` (it may have been recorded: resend with
        the same key).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            async with self._limiter.slot(workflow_id(binome_id), deadline - loop.time()):
                return await self._until_answered(binome_id, envelope, deadline, start)
        except TimeoutError:
            # The turn never came: this process already had its share of updates in flight on this workflow.
            log.warning("command_saturated", command=envelope.name, command_id=envelope.command_id, reason="turn")
            raise Saturated("binome_busy", retry_after=2) from None

    async def _until_answered(self, binome_id: UUID, envelope: CommandEnvelope, deadline: float,
                              start: BinomeInput | None) -> CommandOutcome:
        loop = asyncio.get_running_loop()
        # One update id for every attempt of this delivery: an attempt whose answer was lost is rejoined.
        this_update = update_id(envelope.command_id)
        maybe_admitted = False  # an earlier attempt may have reached the workflow before it was aborted
        backoff = FIRST_BACKOFF_SECONDS
        while True:
            try:
                async with asyncio.timeout_at(deadline):
                    outcome = await self._update(binome_id, envelope, this_update, start)
            except WorkflowAlreadyStartedError:
                raise WorkflowGone() from None  # a closed binôme is never started again
            except WorkflowUpdateFailedError as error:
                raise _refusal(envelope, error.cause) from None
            except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError):
                raise _pending(envelope, "timeout") from None
            except RPCError as error:
                if error.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.FAILED_PRECONDITION):
                    raise WorkflowGone() from None
                if not _worth_retrying(error):
                    raise _pending(envelope, error.status.name if error.status else "rpc", error.message) from None
                maybe_admitted = maybe_admitted or error.status != RPCStatusCode.RESOURCE_EXHAUSTED
                pause = backoff * random.uniform(0.5, 1.0)
                if loop.time() + pause >= deadline:
                    if maybe_admitted:
                        raise _pending(envelope, error.status.name, error.message) from None
                    log.warning("command_saturated", command=envelope.name, command_id=envelope.command_id,
                                reason=error.message)
                    raise Saturated("binome_busy", retry_after=2) from None
                log.info("command_update_retried", command_id=envelope.command_id, status=error.status.name,
                         error=error.message)
                await asyncio.sleep(pause)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                continue
            except RuntimeError as error:
                if not _is_connect_failure(error):
                    raise
                if maybe_admitted:
                    raise _pending(envelope, "connect", str(error)) from None
                # Never connected: this request did not leave, so nothing was recorded.
                log.warning("temporal_unavailable", command=envelope.name, command_id=envelope.command_id,
                            error=str(error))
                raise Unavailable("temporal_unavailable") from None
            # An aborted attempt may have recorded the command: this one is then told it is a repeat, yet the
            # caller never had the first answer.
            return replace(outcome, repeated=False) if maybe_admitted and outcome.repeated else outcome

    async def _update(self, binome_id: UUID, envelope: CommandEnvelope, this_update: str,
                      start: BinomeInput | None) -> CommandOutcome:
        if start is None:
            handle = self.client.get_workflow_handle(workflow_id(binome_id))
            return await handle.execute_update(COMMAND_UPDATE, envelope, id=this_update, result_type=CommandOutcome)
        starting = WithStartWorkflowOperation(
            WORKFLOW_NAME, start, id=workflow_id(binome_id), task_queue=self._settings.task_queue,
            task_timeout=WORKFLOW_TASK_TIMEOUT,
            # A retried proposal joins its running workflow; a closed one is never started again.
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )
        try:
            return await self.client.execute_update_with_start_workflow(
                COMMAND_UPDATE, envelope, id=this_update, result_type=CommandOutcome,
                start_workflow_operation=starting)
        except BaseException as error:
            _read_start_failure(starting)
            if isinstance(error, RPCError) and error.status == RPCStatusCode.ALREADY_EXISTS:
                # What a server says when it does not name the closed run (the test server does this).
                raise WorkflowAlreadyStartedError(workflow_id(binome_id), WORKFLOW_NAME) from None
            raise

    async def has_run(self, binome_id: str) -> bool:
        """Whether Temporal runs, or ran, this binôme's workflow."""
        try:
            await self.client.get_workflow_handle(workflow_id(binome_id)).describe()
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                return False
            raise
        return True

    async def resume(self, start: BinomeInput) -> bool:
        """Starts the workflow of a binôme the store holds open but Temporal does not run (its history was written
        elsewhere: the demo; or Temporal's database was lost), from its state: True if started, False if it ran."""
        try:
            await self.client.start_workflow(
                WORKFLOW_NAME, start, id=workflow_id(start.binome_id), task_queue=self._settings.task_queue,
                task_timeout=WORKFLOW_TASK_TIMEOUT, id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE)
        except WorkflowAlreadyStartedError:
            return False
        except RPCError as error:
            if error.status == RPCStatusCode.ALREADY_EXISTS:
                return False
            raise
        return True

    async def reachable(self, timeout: float = 3.0) -> bool:
        if self._client is None:
            return False
        try:
            async with asyncio.timeout(timeout):
                return await self._client.service_client.check_health(timeout=timedelta(seconds=timeout))
        except Exception as error:  # any failure means "not reachable now"; the reason goes to the log
            log.info("temporal_unreachable", error=str(error))
            return False


def _read_start_failure(starting: WithStartWorkflowOperation) -> None:
    """The operation keeps the start's failure in a future of its own, which asyncio reports as never retrieved
    unless read: read it (the SDK offers no public way but awaiting it, which waits for ever if it never came)."""
    handle = getattr(starting, "_workflow_handle", None)
    if isinstance(handle, asyncio.Future) and handle.done() and not handle.cancelled():
        handle.exception()


def _pending(envelope: CommandEnvelope, reason: str, error: str = "") -> CommandPending:
    log.warning("command_pending", command=envelope.name, command_id=envelope.command_id, reason=reason, error=error)
    return CommandPending(envelope.command_id)


def _worth_retrying(error: RPCError) -> bool:
    """Refused for saturation, or aborted by the server (the workflow's task failed, the server restarted)."""
    if error.status == RPCStatusCode.RESOURCE_EXHAUSTED:
        return True
    return error.status == RPCStatusCode.UNAVAILABLE and "aborted" in (error.message or "").lower()


def _is_connect_failure(error: RuntimeError) -> bool:
    # A lazily connected client that cannot reach the server raises this plain RuntimeError at each call.
    return "client connect" in str(error)


def _refusal(envelope: CommandEnvelope, cause: BaseException | None) -> DomainError:
    """The domain's refusal, rebuilt from the update's failure (see workflows.binome.refusal)."""
    if isinstance(cause, ApplicationError) and cause.details and isinstance(cause.details[0], dict):
        details = cause.details[0]
        return error_from(cause.type or "DomainError", details.get("code") or cause.message, details.get("field"),
                          details.get("params") or {})
    # Not a rule's refusal (an activity that failed for good, say): the command may have been partly handled.
    log.error("command_failed", command=envelope.name, command_id=envelope.command_id, cause=repr(cause))
    return CommandPending(envelope.command_id)
