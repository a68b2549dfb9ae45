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
    """A real worker on the time-skipping server, with `max_cached_workflows=0` (replay on every task)."""
    async with build_worker(time_skipping_env.client, store, task_queue, max_cached_workflows=0) as running:
        yield running
