"""Drives one binôme's workflow with commands, as the API would (updates with a command id)."""

import asyncio
import itertools
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from temporalio.client import Client, WithStartWorkflowOperation, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.testing import WorkflowEnvironment

from domain.commands import CommandEnvelope
from domain.facts import Actor
from domain.persons import PROPOSABLE_STEP, Person, register
from eventstore import FactStore
from domain.programme import Programme
from domain.schedule import next_deadline
from domain.state import BinomeState
from workflows.binome import BinomeWorkflow
from workflows.types import BinomeInput, CommandOutcome, WorkflowOptions, update_id, workflow_id

STAFF = Actor("staff", "alice")
_ids = itertools.count(1)


class BinomeDriver:
    def __init__(self, client: Client, task_queue: str, options: WorkflowOptions | None = None,
                 programme: Programme | None = None, env: WorkflowEnvironment | None = None,
                 store: FactStore | None = None):
        self.client = client
        # Where the mentor and mentee are registered before the proposal (the rules across binômes read them).
        self.store = store
        # On the time-skipping server, commands wait until the workflow has recorded what time made due.
        self.env = env
        self.task_queue = task_queue
        self.options = options or WorkflowOptions()
        self.programme = programme or Programme()
        self.binome_id = str(uuid.uuid4())
        self.handle: WorkflowHandle | None = None

    @property
    def stream_id(self) -> uuid.UUID:
        return uuid.UUID(self.binome_id)

    async def start(self, mentor_id: str | None = None, mentee_id: str | None = None,
                    task_timeout: timedelta | None = None, **kwargs) -> CommandOutcome:
        """Starts the workflow with its proposal in one request (update-with-start), as the API does."""
        mentor_id = mentor_id or self.register("mentor")
        mentee_id = mentee_id or self.register("mentee")
        envelope = self.envelope("ProposeMentee", {"mentor_id": mentor_id, "mentee_id": mentee_id, **kwargs})
        starting = WithStartWorkflowOperation(
            BinomeWorkflow.run, BinomeInput(self.binome_id, self.programme.to_dict(), self.options),
            id=workflow_id(self.binome_id), task_queue=self.task_queue, task_timeout=task_timeout,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING)
        outcome = await self.client.execute_update_with_start_workflow(
            BinomeWorkflow.command, envelope, start_workflow_operation=starting, id=update_id(envelope.command_id))
        self.handle = await starting.workflow_handle()
        return outcome

    def register(self, role: str, programme_id: str = "default", capacity: int = 1) -> str:
        """A new person in the store (a fixed id when the test has no store: the rules then refuse the proposal)."""
        person_id = uuid.uuid4()
        if self.store is not None:
            person = Person(str(person_id), role, f"{role} {person_id.hex[:6]}", None, None, ["fr"], programme_id,
                            capacity, step=PROPOSABLE_STEP[role])
            self.store.append(person_id, [register(person, STAFF, datetime.now(timezone.utc), f"reg-{person_id}",
                                                   None)])
        return str(person_id)

    async def send(self, name: str, payload: dict[str, Any] | None = None, *, actor: Actor = STAFF,
                   at: datetime | None = None, command_id: str | None = None) -> CommandOutcome:
        await self.settle()
        envelope = self.envelope(name, payload, actor=actor, at=at, command_id=command_id)
        return await self.handle.execute_update(
            BinomeWorkflow.command, envelope, id=update_id(envelope.command_id))

    @staticmethod
    def envelope(name: str, payload: dict[str, Any] | None = None, *, actor: Actor = STAFF,
                 at: datetime | None = None, command_id: str | None = None) -> CommandEnvelope:
        return CommandEnvelope(name, payload or {}, command_id or f"cmd-{next(_ids)}", actor, at,
                               fingerprint=f"{name}:{sorted((payload or {}).items())}:{at}")

    async def settle(self, timeout: float = 15.0) -> None:
        """Waits (real time, bounded) until no deadline at or before the server's current time is left unrecorded.

        The time-skipping test server rejects a workflow task in which an update lands together with a
        timer that fired while replaying every task (max_cached_workflows=0); a real server does not.
        """
        if self.env is None or self.handle is None:
            return
        now = await self.env.get_current_time()
        give_up = asyncio.get_running_loop().time() + timeout
        while True:
            state = BinomeState.from_dict(await self.state())
            due = next_deadline(state) if state.stage is not None else None
            if due is None or due > now or asyncio.get_running_loop().time() > give_up:
                return
            await asyncio.sleep(0.02)

    async def state(self) -> dict:
        return await self.handle.query(BinomeWorkflow.state)

    # The usual path, one step each.
    async def through_validation(self) -> None:
        await self.start()
        await self.send("AcceptProposal")
        await self.send("RecordFirstMeeting", {"mode": "in_person", "checklist": ["expectations", "availability"]})
        await self.send("RecordValidation", {"side": "mentee", "decision": "validated"})
        await self.send("RecordValidation", {"side": "mentor", "decision": "validated"})

    async def through_contract(self) -> None:
        await self.through_validation()
        for party in ("mentor", "mentee", "programme"):
            await self.send("SignContract", {"party": party})

    async def through_intake(self) -> None:
        await self.through_contract()
        await self.send("RecordAnalysis", {"strengths": ["réseau"], "weaknesses": ["CV"]})
        await self.send("AgreeActionPlan", {"actions": [
            {"title": "Refaire le CV", "owner": "mentee", "due_on": None},
            {"title": "Présenter trois contacts", "owner": "mentor", "due_on": None},
        ]})
