"""The workflow sandbox, without asking it for a serialization context the data converter does not use.

For every payload it encodes or decodes (each of three passes over each activation and each completion), the SDK
asks the workflow instance which serialization context applies, and then where external storage would keep it.
In the sandbox each question is a string of code compiled and run by `exec` inside it: a sixth of a worker's CPU
under load (temporalio 1.35). The answer only matters to a converter, codec or external storage that takes a
context; ours take none, so this runner answers both questions outside the sandbox, and is used only when
`takes_no_context` says the converter really takes none. Workflows still run, and are checked, in the sandbox.
"""

from dataclasses import dataclass

from temporalio.bridge.proto.workflow_activation import WorkflowActivation
from temporalio.bridge.proto.workflow_completion import WorkflowActivationCompletion
from temporalio.converter import (
    ActivitySerializationContext, DataConverter, NexusSerializationContext, SerializationContext,
    StorageDriverStoreContext, WorkflowSerializationContext,
)
from temporalio.worker import WorkflowInstance, WorkflowInstanceDetails
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner
from temporalio.workflow import Info


def takes_no_context(converter: DataConverter) -> bool:
    """Whether `converter` converts alike in every serialization context, with no external storage: the SDK's
    `with_context` gives back the converter itself when none of its parts takes a context."""
    contexts = [
        WorkflowSerializationContext(namespace="n", workflow_id="w"),
        ActivitySerializationContext(namespace="n", workflow_id="w", workflow_type="t", activity_type="a",
                                     activity_id="1", activity_task_queue="q", is_local=True),
        NexusSerializationContext(endpoint="e", service="s", operation="o"),
    ]
    return converter.external_storage is None and all(converter.with_context(c) is converter for c in contexts)


class _ContextFreeInstance(WorkflowInstance):
    """A sandboxed workflow instance that answers the two per-payload questions itself: no context, no store."""

    def __init__(self, sandboxed: WorkflowInstance):
        self._sandboxed = sandboxed

    def activate(self, act: WorkflowActivation) -> WorkflowActivationCompletion:
        return self._sandboxed.activate(act)

    def get_serialization_context(self, command_info) -> SerializationContext | None:
        return None  # the converter is the same in every context (`takes_no_context`)

    def get_external_store_context(self, command_info) -> StorageDriverStoreContext:
        return StorageDriverStoreContext(target=None)  # no external storage is configured

    def get_info(self) -> Info:
        return self._sandboxed.get_info()

    def get_thread_id(self) -> int | None:
        return self._sandboxed.get_thread_id()


@dataclass(frozen=True)
class ContextFreeSandboxedWorkflowRunner(SandboxedWorkflowRunner):
    """The SDK's sandbox (same restrictions, same checks), for a data converter that takes no context."""

    def create_instance(self, det: WorkflowInstanceDetails) -> WorkflowInstance:
        return _ContextFreeInstance(super().create_instance(det))


def workflow_runner(converter: DataConverter) -> SandboxedWorkflowRunner:
    """The sandbox runner for workflows whose payloads `converter` converts."""
    return ContextFreeSandboxedWorkflowRunner() if takes_no_context(converter) else SandboxedWorkflowRunner()
