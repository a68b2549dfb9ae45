"""Whole binôme lives on the time-skipping server, shared by the workflow tests and the history recorder."""

import asyncio
from collections.abc import Callable
from datetime import timedelta

from temporalio.testing import WorkflowEnvironment

from tests.support.driver import BinomeDriver

EVALUATION = {"answers": {"objectives_reached": "Oui, un emploi trouvé."}, "rating": 5}


async def wait_for_state(driver: BinomeDriver, predicate: Callable[[dict], bool], timeout: float = 15.0) -> dict:
    """Waits (real time, bounded) until the workflow has processed what workflow time already made due."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        state = await driver.state()
        if predicate(state):
            return state
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"workflow state never matched; last: stage={state['stage']} version={state['version']}")
        await asyncio.sleep(0.05)


async def close_and_evaluate(driver: BinomeDriver, sides=("mentor", "mentee")) -> None:
    await driver.send("RecordClosureMeeting", {"notes": "Bilan positif."})
    for side in sides:
        await driver.send("RecordEvaluation", {"side": side, **EVALUATION})


async def full_six_months(env: WorkflowEnvironment, driver: BinomeDriver) -> None:
    """Contract, in-take, a meeting every 14 days, each monitoring contact answered, the term, closure, evaluations."""
    await driver.through_intake()
    await env.sleep(timedelta(hours=12))
    for week in range(1, 28):
        await env.sleep(timedelta(days=7))
        state = await driver.state()
        if state["exit_kind"] is None and week % 2 == 1:
            await driver.send("RecordMeeting", {"mode": "in_person" if week % 4 == 1 else "video",
                                                "actions_progressed": ["A1"]})
        if week % 3 == 0 and state["exit_kind"] is None:
            await driver.send("LogContact", {"channel": "phone", "notes": "Point rapide"})
        expected_contacts = min((week * 7) // 42, 4)
        state = await wait_for_state(driver, lambda s: len(s["monitoring"]) >= expected_contacts)
        if any(c["recorded_at"] is None for c in state["monitoring"]) and state["exit_kind"] is None:
            await driver.send("RecordMonitoringContact", {"outcome": "Le binôme avance bien.", "channel": "phone"})
    await wait_for_state(driver, lambda s: s["exit_kind"] == "term")
    await close_and_evaluate(driver)


async def positive_exit_in_month_three(env: WorkflowEnvironment, driver: BinomeDriver) -> None:
    """A job found in month 3; only the mentor evaluates, so the evaluation delay ends the binôme."""
    await driver.through_intake()
    for _ in range(5):
        await env.sleep(timedelta(days=14))
        await driver.send("RecordMeeting", {"mode": "video"})
    await env.sleep(timedelta(days=5))
    await driver.send("RecordPositiveExit", {"outcome": "job", "details": "CDI chez un partenaire"})
    await close_and_evaluate(driver, sides=("mentor",))
    await env.sleep(timedelta(days=31))
    await wait_for_state(driver, lambda s: s["stage"] == "completed")
