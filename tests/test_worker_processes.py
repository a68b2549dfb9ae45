"""`serve`'s worker processes, with stand-in commands: started again when they exit or cannot start, stopped in
order, killed when they will not stop. (`tests/test_serve.py` runs the real `mentorat worker` under `serve`.)"""

import asyncio
import os
import signal
import sys
import time

import pytest

from mentorat import worker_processes
from mentorat.worker_processes import WorkerProcesses

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


@pytest.fixture(autouse=True)
def quick_restarts(monkeypatch):
    monkeypatch.setattr(worker_processes, "FIRST_RESTART_SECONDS", 0.05)


async def eventually(condition, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_a_worker_that_exits_is_started_again():
    async with WorkerProcesses(1, "127.0.0.1:1", command=[sys.executable, "-c", "pass"]) as workers:
        await eventually(lambda: workers.starts >= 3)


async def test_a_worker_that_cannot_start_is_tried_again_without_stopping_the_others(tmp_path):
    async with WorkerProcesses(1, "127.0.0.1:1", command=[str(tmp_path / "missing")]) as failing, \
            WorkerProcesses(1, "127.0.0.1:1", command=SLEEPER) as running:
        await asyncio.sleep(0.5)
        assert failing.starts == 0 and running.starts == 1
        assert not any(keeper.done() for keeper in failing._keepers)  # still trying


async def test_stopping_terminates_every_worker_and_starts_none_again():
    workers = WorkerProcesses(2, "127.0.0.1:1", command=SLEEPER)
    async with workers:
        await eventually(lambda: workers.starts == 2)
        processes = list(workers._processes.values())
    assert [process.returncode for process in processes] == [-signal.SIGTERM, -signal.SIGTERM]
    assert workers.starts == 2  # none started again while stopping


async def test_a_worker_that_will_not_stop_is_killed(tmp_path):
    ready = tmp_path / "ready"
    stubborn = [sys.executable, "-c", "import pathlib, signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
                f"pathlib.Path({str(ready)!r}).touch(); time.sleep(60)"]
    workers = WorkerProcesses(1, "127.0.0.1:1", command=stubborn, stop_timeout_seconds=0.5)
    async with workers:
        await eventually(ready.exists)
        [process] = workers._processes.values()
    assert process.returncode == -signal.SIGKILL


async def test_the_workers_learn_the_temporal_address_and_their_parent(tmp_path):
    seen = tmp_path / "env"
    command = [sys.executable, "-c", "import os, pathlib; pathlib.Path(%r).write_text("
               "os.environ['MENTORAT_TEMPORAL_ADDRESS'] + ' ' + os.environ['MENTORAT_SERVE_PID'])" % str(seen)]
    async with WorkerProcesses(1, "127.0.0.1:7999", command=command):
        await eventually(seen.exists)
        await eventually(lambda: seen.read_text() != "")
    assert seen.read_text() == f"127.0.0.1:7999 {os.getpid()}"
