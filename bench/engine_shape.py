"""The project's command shape and nothing else, for bench/engine.py: a workflow whose update appends one fact to
the event store through an activity (an ordinary one, or a local one), then answers.

A module of its own so that Temporal's workflow sandbox can import it by name.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from uuid import UUID

from temporalio import activity, workflow

with workflow.unsafe.imports_passed_through():
    from domain.facts import Actor, Fact
    from eventstore import FactStore

WORKFLOW = "BenchCommandShape"
UPDATE = "append"
ACTIVITY = "bench_append_fact"
APPEND_TIMEOUT = timedelta(seconds=5)


@dataclass
class AppendFact:
    stream_id: str
    position: int


@workflow.defn(name=WORKFLOW)
class CommandShapeWorkflow:
    @workflow.init
    def __init__(self, stream_id: str) -> None:
        self._stream_id = stream_id  # set before the first update, which may come with the start
        self._position = 0

    @workflow.run
    async def run(self, stream_id: str) -> None:
        await workflow.wait_condition(lambda: False)  # runs until the bench terminates it

    @workflow.update(name=UPDATE)
    async def append(self, local: bool) -> int:
        # Each client sends its workflow one update at a time: positions follow one another.
        self._position += 1
        request = AppendFact(self._stream_id, self._position)
        if local:
            await workflow.execute_local_activity(ACTIVITY, request, start_to_close_timeout=APPEND_TIMEOUT)
        else:
            await workflow.execute_activity(ACTIVITY, request, start_to_close_timeout=APPEND_TIMEOUT)
        return self._position


class ShapeActivities:
    def __init__(self, store: FactStore):
        self._store = store

    @activity.defn(name=ACTIVITY)
    def append_fact(self, request: AppendFact) -> None:
        fact = Fact("ContactLogged", request.position, datetime.now(timezone.utc), Actor("integration", "bench"),
                    {"channel": "phone", "notes": None}, command_id=f"bench-{request.position}")
        self._store.append(UUID(request.stream_id), [fact])

