"""`serve`'s workers: `mentorat worker` in processes of their own beside the API, kept running while it serves.

A Python process runs Python on one core at a time. With the API, the projector and the workflows in one process,
a busy service used one core of the machine while the other waited; with the workers in processes of their own
(as `mentorat api` and `mentorat worker` run in production), each part has a core. A worker that exits is
started again; `serve` stopping stops them, in order, and a worker whose `serve` is killed outright stops too.
"""

import asyncio
import contextlib
import ctypes
import os
import signal
import sys
import time

import structlog

log = structlog.get_logger("mentorat.workers")

WORKER_COMMAND = [sys.executable, "-m", "mentorat.cli", "worker"]
# Set in a worker's environment by `serve`: the worker stops when that process ends (`die_with_parent`).
PARENT_VARIABLE = "MENTORAT_SERVE_PID"
# A worker that exits is started again after 1 s, then 2, 4, … up to a minute while it keeps exiting at once
# (Temporal unreachable, say); one that ran a minute or more is started again after 1 s.
FIRST_RESTART_SECONDS, LONGEST_RESTART_SECONDS = 1.0, 60.0
# A stopping worker finishes the workflow tasks and local activities it holds (Temporal's own shutdown).
STOP_TIMEOUT_SECONDS = 30.0
_PR_SET_PDEATHSIG = 1


class WorkerProcesses:
    """`count` worker processes on this environment's settings, connected to Temporal at `temporal_address`."""

    def __init__(self, count: int, temporal_address: str, command: list[str] = WORKER_COMMAND,
                 stop_timeout_seconds: float = STOP_TIMEOUT_SECONDS):
        self._count, self._command, self._stop_timeout = count, command, stop_timeout_seconds
        self._env = {**os.environ, "MENTORAT_TEMPORAL_ADDRESS": temporal_address, PARENT_VARIABLE: str(os.getpid())}
        self._processes: dict[int, asyncio.subprocess.Process] = {}
        self._keepers: list[asyncio.Task] = []
        self.starts = 0  # processes started, restarts included

    async def __aenter__(self) -> "WorkerProcesses":
        self._keepers = [asyncio.create_task(self._keep_running(index)) for index in range(self._count)]
        return self

    async def __aexit__(self, *exc) -> None:
        await self.stop()

    async def _keep_running(self, index: int) -> None:
        delay = FIRST_RESTART_SECONDS
        while True:
            started = time.monotonic()
            try:
                # A session of its own: Ctrl-C in the terminal reaches `serve`, which stops its workers in order.
                process = await asyncio.create_subprocess_exec(*self._command, env=self._env, start_new_session=True)
            except OSError as error:  # no process at all (too many, no memory, the interpreter gone): try again
                log.error("worker_process_not_started", index=index, error=str(error), retry_in_seconds=delay)
            else:
                self._processes[index] = process
                self.starts += 1
                log.info("worker_process_started", index=index, pid=process.pid)
                exit_code = await process.wait()
                if time.monotonic() - started >= LONGEST_RESTART_SECONDS:
                    delay = FIRST_RESTART_SECONDS  # it ran a while: not a worker failing as it starts
                log.error("worker_process_exited", index=index, pid=process.pid, exit_code=exit_code,
                          restart_in_seconds=delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, LONGEST_RESTART_SECONDS)

    async def stop(self) -> None:
        for keeper in self._keepers:
            keeper.cancel()
        await asyncio.gather(*self._keepers, return_exceptions=True)
        running = [process for process in self._processes.values() if process.returncode is None]
        for process in running:
            process.terminate()
        try:
            await asyncio.wait_for(asyncio.gather(*(process.wait() for process in running)), self._stop_timeout)
        except TimeoutError:
            for process in running:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
            await asyncio.gather(*(process.wait() for process in running))
        log.info("worker_processes_stopped", exit_codes=[process.returncode for process in running])


def die_with_parent() -> None:
    """In a worker `serve` started: stop (SIGTERM, an orderly shutdown) when `serve` ends, even killed outright."""
    parent = os.environ.pop(PARENT_VARIABLE, None)  # not inherited by what this worker may start
    if not parent or not sys.platform.startswith("linux"):
        return  # elsewhere, a worker whose `serve` is killed outright is left running
    if ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM) != 0:
        log.warning("parent_death_signal_not_set", errno=ctypes.get_errno())
    elif os.getppid() != int(parent):  # `serve` ended before the request above took effect
        os.kill(os.getpid(), signal.SIGTERM)
