"""How the gateway settles what Temporal answers besides the workflow's own answer: saturation and aborts are
retried within the command's budget, then become 429 (never admitted) or 503 pending (maybe recorded); the
in-flight bound holds per workflow. Temporal is replaced by a scripted client: these are the cases a real server
only shows under load or failure."""

import asyncio
import gc
import uuid
from dataclasses import dataclass, field

import pytest
from temporalio.service import RPCError, RPCStatusCode

from application.errors import CommandPending, Saturated
from application.temporal_gateway import BinomeWorkflows, WorkflowGone
from domain.commands import CommandEnvelope
from domain.facts import Actor
from workflows.types import BinomeInput, CommandOutcome

SATURATED = RPCError("limit on number of concurrent in-flight updates has been reached (10)",
                     RPCStatusCode.RESOURCE_EXHAUSTED, b"")
ABORTED = RPCError("workflow update was aborted", RPCStatusCode.UNAVAILABLE, b"")
UNREACHABLE = RPCError("tcp connect error", RPCStatusCode.UNAVAILABLE, b"")
GONE = RPCError("workflow execution already completed", RPCStatusCode.NOT_FOUND, b"")


@dataclass
class Settings:
    task_queue: str = "q"


@dataclass
class ScriptedClient:
    """Each update pops the next step: an exception to raise, or an outcome to return (after `delay` seconds)."""

    steps: list
    delay: float = 0.0
    update_ids: list = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    started_with: list = field(default_factory=list)

    def get_workflow_handle(self, workflow_id: str):
        return self

    async def execute_update_with_start_workflow(self, name, envelope, id, result_type, start_workflow_operation):
        """As the SDK does: a failure before the start is also kept in the operation's own future."""
        self.started_with.append(start_workflow_operation)
        try:
            return await self.execute_update(name, envelope, id, result_type)
        except BaseException as error:
            start_workflow_operation._workflow_handle.set_exception(error)
            raise

    async def execute_update(self, name, envelope, id, result_type):
        self.update_ids.append(id)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
            step = self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]
            if isinstance(step, BaseException):
                raise step
            return step
        finally:
            self.in_flight -= 1


def envelope(command_id: str = "k-1") -> CommandEnvelope:
    return CommandEnvelope("RecordMeeting", {"mode": "video"}, command_id, Actor("staff", "alice"), None, "f")


def outcome(repeated: bool = False) -> CommandOutcome:
    return CommandOutcome("b", version=3, stage="active", positions=[3], repeated=repeated)


async def execute(client: ScriptedClient, timeout: float = 2.0, **options) -> CommandOutcome:
    return await BinomeWorkflows(client, Settings(), **options).execute(uuid.uuid4(), envelope(), timeout)


async def test_saturation_is_retried_with_the_same_update_id_until_admitted():
    client = ScriptedClient([SATURATED, SATURATED, outcome()])
    assert await execute(client) == outcome()
    assert len(client.update_ids) == 3 and len(set(client.update_ids)) == 1


async def test_saturated_until_the_budget_runs_out_is_a_429_nothing_recorded():
    with pytest.raises(Saturated) as refused:
        await execute(ScriptedClient([SATURATED]), timeout=0.3)
    assert refused.value.code == "binome_busy" and refused.value.retry_after > 0


async def test_aborted_until_the_budget_runs_out_may_be_recorded_so_it_is_pending():
    with pytest.raises(CommandPending):
        await execute(ScriptedClient([ABORTED, SATURATED]), timeout=0.3)


async def test_after_an_abort_the_workflows_repeat_is_still_this_callers_first_answer():
    answered = await execute(ScriptedClient([ABORTED, outcome(repeated=True)]))
    assert answered.repeated is False


async def test_an_unreachable_server_is_pending_at_once_and_a_closed_workflow_is_gone():
    with pytest.raises(CommandPending):
        await execute(ScriptedClient([UNREACHABLE, outcome()]))
    with pytest.raises(WorkflowGone):
        await execute(ScriptedClient([GONE]))


async def test_no_answer_within_the_budget_is_pending():
    with pytest.raises(CommandPending):
        await execute(ScriptedClient([outcome()], delay=1.0), timeout=0.1)


async def test_one_process_keeps_its_updates_in_flight_per_workflow_bounded():
    client = ScriptedClient([outcome()], delay=0.02)
    workflows = BinomeWorkflows(client, Settings(), max_in_flight=3)
    binome = uuid.uuid4()
    await asyncio.gather(*[workflows.execute(binome, envelope(f"k-{n}"), 5.0) for n in range(20)])
    assert client.most_in_flight == 3


async def test_a_turn_that_never_comes_is_a_429():
    client = ScriptedClient([outcome()], delay=1.0)
    workflows = BinomeWorkflows(client, Settings(), max_in_flight=1)
    binome = uuid.uuid4()
    first = asyncio.ensure_future(workflows.execute(binome, envelope("k-1"), 5.0))
    await asyncio.sleep(0.01)
    with pytest.raises(Saturated):
        await workflows.execute(binome, envelope("k-2"), 0.2)
    assert await first == outcome()


def start_input() -> BinomeInput:
    return BinomeInput("b", {})


async def test_a_proposal_starts_its_workflow_in_the_same_request_and_is_retried_the_same_way():
    client = ScriptedClient([SATURATED, outcome()])
    answered = await BinomeWorkflows(client, Settings()).execute(uuid.uuid4(), envelope(), 2.0, start=start_input())
    assert answered == outcome()
    assert len(client.started_with) == 2 and len(set(client.update_ids)) == 1  # a new start, the same update


async def test_a_proposal_whose_workflow_is_closed_is_answered_from_the_store(caplog):
    # A fresh error (not a shared constant, whose traceback would keep the operation alive), so that the
    # operation is collected here and asyncio would report a failure left unread in its future.
    closed = RPCError("ALREADY_EXISTS: WorkflowId: binome-x", RPCStatusCode.ALREADY_EXISTS, b"")
    client = ScriptedClient([closed])
    del closed
    with pytest.raises(WorkflowGone):
        await BinomeWorkflows(client, Settings()).execute(uuid.uuid4(), envelope(), 2.0, start=start_input())
    del client
    gc.collect()
    assert "never retrieved" not in caplog.text
