"""Kill the worker in the middle of lifecycles (real dev server, real store): every fact is stored once,
and the workflow's state and the store agree."""

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from application.temporal_gateway import WORKFLOW_TASK_TIMEOUT
from domain.state import fold
from eventstore import FactStore
from mentorat.bootstrap import build_store
from tests.support.assertions import assert_each_fact_once, types_of
from tests.support.driver import BinomeDriver
from workflows.types import WorkflowOptions

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
# Short timeouts so a task held by a dead worker is retried quickly.
FAST_RETRY = WorkflowOptions(append_timeout_seconds=2.0)


class WorkerProcess:
    def __init__(self, address: str, task_queue: str, settings_env: dict[str, str], log_dir: Path):
        self.address, self.task_queue, self.env, self.log_dir = address, task_queue, settings_env, log_dir
        self.process: subprocess.Popen | None = None
        self.started = 0

    def start(self, crash_after_append: int = 0, cached: bool = False) -> None:
        self.started += 1
        log = open(self.log_dir / f"worker-{self.started}.log", "w")
        command = [sys.executable, "-m", "tests.support.worker_process", "--address", self.address,
                   "--task-queue", self.task_queue]
        if crash_after_append:
            command += ["--crash-after-append", str(crash_after_append)]
        if cached:
            command.append("--cached")
        self.process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **self.env}, stdout=log,
                                        stderr=subprocess.STDOUT)

    async def ready(self, timeout: float = 60) -> None:
        """Waits until the last worker started says it is ready (connected, about to poll)."""
        log = self.log_dir / f"worker-{self.started}.log"
        give_up = time.monotonic() + timeout
        while "worker ready" not in log.read_text():
            assert self.process.poll() is None and time.monotonic() < give_up, self.logs()
            await asyncio.sleep(0.05)

    async def exited(self, timeout: float) -> int | None:
        """The last worker's exit code, once it has exited (None if it still runs after `timeout` seconds)."""
        give_up = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < give_up:
            await asyncio.sleep(0.05)
        return self.process.poll()

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)  # a killed process exits at once; never hang the suite on one

    def logs(self) -> str:
        return "".join(p.read_text() for p in sorted(self.log_dir.glob("worker-*.log")))


def settings_env(settings) -> dict[str, str]:
    env = {"MENTORAT_EVENT_STORE": settings.event_store, "MENTORAT_DATA_DIR": str(settings.data_dir)}
    if settings.event_store == "postgres":
        env.update(MENTORAT_POSTGRES_HOST=settings.postgres_host, MENTORAT_POSTGRES_PORT=str(settings.postgres_port),
                   MENTORAT_POSTGRES_DB=settings.postgres_db, MENTORAT_POSTGRES_USER=settings.postgres_user)
    return env


@pytest.fixture
def harness(dev_server_env, settings_for, task_queue, tmp_path):
    settings = settings_for()
    store = build_store(settings)
    workers = WorkerProcess(dev_server_env.client.service_client.config.target_host, task_queue,
                            settings_env(settings), tmp_path)
    yield dev_server_env.client, store, workers
    workers.kill()
    store.close()


def assert_workflow_agrees_with_store(store: FactStore, driver: BinomeDriver, state: dict) -> None:
    folded = fold(driver.binome_id, [r.fact for r in store.read(driver.stream_id)])
    assert folded.to_dict() == state


async def start(driver: BinomeDriver) -> None:
    # A workflow task held by a killed worker is given to another after 2 s, not the default 10 s.
    await driver.start(task_timeout=timedelta(seconds=2))


async def test_a_crash_between_the_store_and_temporal_records_the_fact_once(harness):
    client, store, workers = harness
    workers.start(crash_after_append=3)  # dies right after committing the first meeting
    driver = BinomeDriver(client, workers.task_queue, FAST_RETRY, store=store)
    await start(driver)
    await driver.send("AcceptProposal")
    first_meeting = asyncio.ensure_future(driver.send("RecordFirstMeeting", {"mode": "video"}))
    assert await workers.exited(timeout=60) == 3
    # The fact is in the store, Temporal does not know yet: the update is still waiting.
    assert [r.fact.type for r in store.read(driver.stream_id)][-1] == "FirstMeetingHeld"
    assert not first_meeting.done()

    stored_before = store.read(driver.stream_id)[-1].fact
    workers.start()
    outcome = await asyncio.wait_for(first_meeting, timeout=60)
    # The first answer (not a repeat), with the fact as the store holds it, not as decided again after the crash.
    assert outcome.positions == [3] and not outcome.repeated
    assert [s.fact for s in outcome.facts] == [stored_before]
    await driver.send("RecordValidation", {"side": "mentor", "decision": "validated"})

    facts = assert_each_fact_once(store, driver)
    assert types_of(facts) == ["MentorshipProposed", "ProposalAccepted", "FirstMeetingHeld", "BinomeValidated"]
    assert "facts_already_recorded" in workers.logs()
    assert_workflow_agrees_with_store(store, driver, await driver.state())


async def test_workers_killed_again_and_again_during_a_lifecycle(harness):
    client, store, workers = harness
    workers.start()
    driver = BinomeDriver(client, workers.task_queue, FAST_RETRY, store=store)
    stop = asyncio.Event()
    kills = 0

    async def chaos() -> None:
        nonlocal kills
        chance = random.Random(7)
        while not stop.is_set() and kills < 5:
            await asyncio.sleep(chance.uniform(0.8, 1.6))
            workers.kill()
            kills += 1
            workers.start()

    chaos_task = asyncio.ensure_future(chaos())
    try:
        await start(driver)
        await driver.send("AcceptProposal")
        await driver.send("RecordFirstMeeting", {"mode": "in_person"})
        for side in ("mentee", "mentor"):
            await driver.send("RecordValidation", {"side": side, "decision": "validated"})
        for party in ("mentor", "mentee", "programme"):
            await driver.send("SignContract", {"party": party})
        await driver.send("RecordAnalysis", {"strengths": ["énergie"], "weaknesses": ["réseau"]})
        await driver.send("AgreeActionPlan", {"actions": [{"title": "CV", "owner": "mentee"}]})
        for n in range(8):
            await driver.send("RecordMeeting", {"mode": "video", "notes": f"rencontre {n}"})
        while kills < 3:  # the rest of the lifecycle runs after at least three kills, whatever the machine's speed
            await asyncio.sleep(0.1)
        # The same delivery twice, concurrently, as a webhook retried by its sender.
        duplicate = [driver.send("LogContact", {"channel": "email"}, command_id="webhook-1") for _ in range(2)]
        first, second = await asyncio.gather(*duplicate)
        assert first.positions == second.positions
        await driver.send("RecordEarlyStop", {"by": "mentor", "reason": "Mutation"})
        await driver.send("RecordClosureMeeting")
        for side in ("mentor", "mentee"):
            await driver.send("RecordEvaluation", {"side": side, "rating": 3, "answers": {"relationship": "ok"}})
    finally:
        stop.set()
        await chaos_task

    result = await asyncio.wait_for(driver.handle.result(), timeout=60)
    facts = assert_each_fact_once(store, driver)
    assert kills >= 3
    assert result["stage"] == "completed" and result["version"] == len(facts)
    assert types_of(facts).count("MeetingHeld") == 8 and types_of(facts).count("ContactLogged") == 1
    assert_workflow_agrees_with_store(store, driver, await driver.state())


@pytest.mark.parametrize("cached", [False, True], ids=["replaying", "cached"])
async def test_a_binome_answers_again_soon_after_its_worker_died_in_an_append(harness, cached):
    """With the options new binômes get (the API's), not the short ones above: the append's own timeout, its first
    retry, the workflow task timeout and the sticky queue together hold a binôme less than 10 s once a worker is
    back (a worker kept workflows cached: its sticky queue is waited for too)."""
    client, store, workers = harness
    workers.start(crash_after_append=3, cached=cached)  # dies right after committing the first meeting
    driver = BinomeDriver(client, workers.task_queue, WorkflowOptions(), store=store)
    await driver.start(task_timeout=WORKFLOW_TASK_TIMEOUT)
    await driver.send("AcceptProposal")
    first_meeting = asyncio.ensure_future(driver.send("RecordFirstMeeting", {"mode": "video"}))
    assert await workers.exited(timeout=60) == 3

    workers.start(cached=cached)
    await workers.ready()  # a loaded machine takes seconds to start a Python process: not Temporal's doing
    back = time.monotonic()
    outcome = await asyncio.wait_for(first_meeting, timeout=10)
    await asyncio.wait_for(driver.send("RecordValidation", {"side": "mentor", "decision": "validated"}), timeout=10)
    assert time.monotonic() - back < 10
    assert outcome.positions == [3]
    facts = assert_each_fact_once(store, driver)
    assert types_of(facts) == ["MentorshipProposed", "ProposalAccepted", "FirstMeetingHeld", "BinomeValidated"]
