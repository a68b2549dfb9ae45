import pytest

from eventstore import FactStore
from worker.worker import build_worker


@pytest.fixture
def store(tmp_path) -> FactStore:
    built = FactStore.sqlite(str(tmp_path / "events.sqlite"))
    yield built
    built.close()


@pytest.fixture
async def worker(time_skipping_env, store, task_queue):
    """A real worker on the time-skipping server, keeping workflows cached as in production.

    Not `max_cached_workflows=0`: a workflow evicted while its local activity runs is never given back to a worker
    when several run at once (the SDK's cache is full). Replay is proven by tests/test_replay.py on recorded
    histories, and crashes by tests/durability."""
    async with build_worker(time_skipping_env.client, store, task_queue) as running:
        yield running
