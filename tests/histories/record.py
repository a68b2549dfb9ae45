"""Records workflow histories for the replay test: `python -m tests.histories.record v2`.

Run it after a deliberate, patched change to BinomeWorkflow, with a new prefix, and commit the new files next
to the old ones (keep the old ones: running workflows were recorded with them).
"""

import asyncio
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from eventstore import FactStore
from mentorat.devserver import binary
from tests.support.driver import BinomeDriver
from tests.support.scenarios import full_six_months, positive_exit_in_month_three
from worker.worker import build_worker

HERE = Path(__file__).parent


async def mentor_refuses(env: WorkflowEnvironment, driver: BinomeDriver) -> None:
    await driver.start()
    await driver.send("RefuseProposal", {"reason": "Pas disponible"})


async def proposal_expires(env: WorkflowEnvironment, driver: BinomeDriver) -> None:
    await driver.start()
    await env.sleep(timedelta(days=8))


SCENARIOS = {
    "six_months": full_six_months,
    "positive_exit_month_3": positive_exit_in_month_three,
    "mentor_refuses": mentor_refuses,
    "proposal_expires": proposal_expires,
}


async def record(version: str) -> None:
    env = await WorkflowEnvironment.start_time_skipping(test_server_existing_path=binary("temporal-test-server"))
    with tempfile.TemporaryDirectory() as folder:
        store = FactStore.sqlite(str(Path(folder) / "events.sqlite"))
        async with build_worker(env.client, store, "record"):
            for name, scenario in SCENARIOS.items():
                driver = BinomeDriver(env.client, "record", env=env, store=store)
                await scenario(env, driver)
                await driver.handle.result()
                history = await driver.handle.fetch_history()
                (HERE / f"{version}_{name}.json").write_text(history.to_json())
                print(f"recorded {name}: {len(history.events)} events")
        store.close()
    await env.shutdown()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m tests.histories.record <prefix, e.g. v2>")
    asyncio.run(record(sys.argv[1]))
