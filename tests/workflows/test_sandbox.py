"""The worker's sandbox runner: context questions answered outside it only for a converter that takes no context,
and workflows still restricted by the sandbox."""

import uuid
from collections.abc import Sequence
from datetime import timedelta

import pytest
from temporalio.api.common.v1 import Payload
from temporalio.client import Client, WorkflowFailureError
from temporalio.converter import DataConverter, PayloadCodec, SerializationContext, WithSerializationContext
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import RestrictedWorkflowAccessError, SandboxedWorkflowRunner

from eventstore import FactStore
from tests.workflows.clock_workflow import ReadsTheClock
from worker.sandbox import ContextFreeSandboxedWorkflowRunner, takes_no_context
from worker.worker import build_worker


class ContextCodec(PayloadCodec, WithSerializationContext):
    """A codec that would encode differently per workflow (a key per workflow, say)."""

    def __init__(self, context: SerializationContext | None = None):
        self.context = context

    def with_context(self, context: SerializationContext) -> "ContextCodec":
        return ContextCodec(context)

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return list(payloads)

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return list(payloads)


def test_the_default_converter_takes_no_context():
    assert takes_no_context(DataConverter.default)


def test_a_codec_taking_a_context_is_seen():
    assert not takes_no_context(DataConverter(payload_codec=ContextCodec()))


async def test_the_worker_answers_context_questions_itself_only_for_a_context_free_converter(
        time_skipping_env, tmp_path):
    store = FactStore.sqlite(str(tmp_path / "events.sqlite"))
    try:
        plain = build_worker(time_skipping_env.client, store, "sandbox-plain")
        with_codec = Client(**{**time_skipping_env.client.config(),
                               "data_converter": DataConverter(payload_codec=ContextCodec())})
        coded = build_worker(with_codec, store, "sandbox-coded")
        assert type(plain.config()["workflow_runner"]) is ContextFreeSandboxedWorkflowRunner
        assert type(coded.config()["workflow_runner"]) is SandboxedWorkflowRunner
    finally:
        store.close()


async def test_workflows_are_still_sandboxed(time_skipping_env):
    task_queue = f"sandbox-{uuid.uuid4()}"
    async with Worker(time_skipping_env.client, task_queue=task_queue, workflows=[ReadsTheClock],
                      workflow_runner=ContextFreeSandboxedWorkflowRunner(),
                      workflow_failure_exception_types=[RestrictedWorkflowAccessError]):
        with pytest.raises(WorkflowFailureError) as failed:
            await time_skipping_env.client.execute_workflow(ReadsTheClock.run, id=task_queue, task_queue=task_queue,
                                                            execution_timeout=timedelta(minutes=1))
    assert "datetime.datetime.now" in str(failed.value.cause)
