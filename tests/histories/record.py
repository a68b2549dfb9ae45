"""Records workflow histories for the replay test: `python -m tests.histories.record v2 [scenario …]`.

Run it after a deliberate, patched change to BinomeWorkflow, with a new prefix, and commit the new files next
to the old ones (keep the old ones: running workflows were recorded with them).
"""

import asyncio
import contextlib
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from temporalio.client import WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from domain.decide import decide
from domain.state import BinomeState
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


async def store_ahead(env: WorkflowEnvironment, driver: BinomeDriver) -> None:
    """The store holds an acceptance the workflow never folded (written by a run of a task before a crash): a
    refusal is judged again on it and refused, the acceptance's own delivery gets its first answer."""
    await driver.start()
    state = BinomeState.from_dict(await driver.state())
    earlier = decide(state, driver.envelope("AcceptProposal", command_id="accept-earlier"),
                     state.proposed_at + timedelta(seconds=1))
    driver.store.append(driver.stream_id, earlier)
    await env.sleep(timedelta(minutes=1))  # the workflow's clock passes the stored acceptance
    with contextlib.suppress(WorkflowUpdateFailedError):
        await driver.send("RefuseProposal", {"reason": "Pas disponible"}, command_id="refuse-late")
    await driver.send("AcceptProposal", command_id="accept-earlier")
    await driver.send("RecordFirstMeeting", {"mode": "video"})
    await driver.send("RecordValidation", {"side": "mentee", "decision": "validated"})
    await driver.send("RecordValidation", {"side": "mentor", "decision": "refused", "reason": "Attentes trop éloignées"})


SCENARIOS = {
    "six_months": full_six_months,
    "positive_exit_month_3": positive_exit_in_month_three,
    "mentor_refuses": mentor_refuses,
    "proposal_expires": proposal_expires,
    "store_ahead": store_ahead,
}


async def record(version: str, only: list[str]) -> None:
    env = await WorkflowEnvironment.start_time_skipping(test_server_existing_path=binary("temporal-test-server"))
    with tempfile.TemporaryDirectory() as folder:
        store = FactStore.sqlite(str(Path(folder) / "events.sqlite"))
        async with build_worker(env.client, store, "record"):
            for name, scenario in SCENARIOS.items():
                if only and name not in only:
                    continue
                driver = BinomeDriver(env.client, "record", env=env, store=store)
                await scenario(env, driver)
                await driver.handle.result()
                history = await driver.handle.fetch_history()
                (HERE / f"{version}_{name}.json").write_text(history.to_json())
                print(f"recorded {name}: {len(history.events)} events")
        store.close()
    await env.shutdown()


if __name__ == "__main__":
    if len(sys.argv) < 2 or any(name not in SCENARIOS for name in sys.argv[2:]):
        sys.exit(f"usage: python -m tests.histories.record <prefix, e.g. v2> [{' | '.join(SCENARIOS)} …]")
    asyncio.run(record(sys.argv[1], sys.argv[2:]))
