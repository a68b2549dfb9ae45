"""Whole six-month lifecycles, many at once, on the time-skipping server: what the engine costs per binôme's life.

    uv run python bench/lifecycles.py --binomes 1000 --workers 2
    uv run python bench/lifecycles.py --binomes 200 --store postgres

The binômes are driven through the composition root (the application's services, as `mentorat api` builds them,
with its projector and read-your-writes waits), and their workflows run in `--workers` processes of their own
(`mentorat worker`, the production entry point) on one time-skipping test server. All binômes move in step:
proposal through the in-take, then 27 weeks in which the server skips a week at a time (the workflows record
what time made due: cadence checks, monitoring contacts due, the term) and every binôme gets that week's
commands (a meeting every other week, a contact every third, the monitoring contact when one is due), then the
closure meeting and both evaluations, which complete it. Every binôme must end `completed` with its facts in the
store, each recorded once.

It prints each phase's wall time and the CPU seconds spent in it by this process (commands, projector), the
workers and the test server (also after each week, as it goes), then lifecycles, commands and facts per second.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from application.errors import CommandPending, Saturated, Unavailable  # noqa: E402
from domain.principals import Principal, Role  # noqa: E402
from mentorat.devserver import binary  # noqa: E402
from mentorat.logging import configure_logging  # noqa: E402
from cpu import children, cpu_by_group  # noqa: E402
from processes import service_and_workers  # noqa: E402
from tests.support.assertions import not_once  # noqa: E402

# The bench acts as an administrator (the services take who asks, as the API gives it them).
STAFF = Principal(Role.ADMINISTRATOR, "bench")
WEEKS = 27
MONITORING_WEEKS = (6, 12, 18, 24)  # a contact is due every six weeks from the start
EVALUATION = {"answers": {"objectives_reached": "Oui, un emploi trouvé."}, "rating": 5}
INTAKE = [
    ("AcceptProposal", {}),
    ("RecordFirstMeeting", {"mode": "in_person", "checklist": ["expectations", "availability"]}),
    ("RecordValidation", {"side": "mentee", "decision": "validated"}),
    ("RecordValidation", {"side": "mentor", "decision": "validated"}),
    ("SignContract", {"party": "mentor"}),
    ("SignContract", {"party": "mentee"}),
    ("SignContract", {"party": "programme"}),
    ("RecordAnalysis", {"strengths": ["réseau"], "weaknesses": ["CV"]}),
    ("AgreeActionPlan", {"actions": [{"title": "Refaire le CV", "owner": "mentee", "due_on": None}]}),
]
CLOSURE = [
    ("RecordClosureMeeting", {"notes": "Bilan positif."}),
    ("RecordEvaluation", {"side": "mentor", **EVALUATION}),
    ("RecordEvaluation", {"side": "mentee", **EVALUATION}),
]


def week_commands(week: int) -> list[tuple[str, dict]]:
    commands = []
    if week % 2 == 1 and week < 26:
        commands.append(("RecordMeeting", {"mode": "video", "actions_progressed": ["A1"]}))
    if week % 3 == 0 and week < 26:
        commands.append(("LogContact", {"channel": "phone", "notes": "Point rapide"}))
    if week in MONITORING_WEEKS:
        commands.append(("RecordMonitoringContact", {"outcome": "Le binôme avance bien.", "channel": "phone"}))
    return commands


class Bench:
    def __init__(self, args: argparse.Namespace, services, env: WorkflowEnvironment, pids: dict[str, list[int]]):
        self.args, self.services, self.env, self.pids = args, services, env, pids
        self.phases: dict[str, tuple[float, dict[str, float]]] = {}  # name: wall seconds, CPU seconds per group
        self.gate = asyncio.Semaphore(args.concurrency)
        self.commands = 0
        self.resends = 0
        self.refused: Counter[str] = Counter()

    async def each(self, binomes: list[str], step) -> None:
        await asyncio.gather(*(step(binome) for binome in binomes))

    async def send(self, binome: str, name: str, payload: dict, key: str) -> None:
        async with self.gate:
            try:
                await self.resent(lambda: self.services.binomes.send(uuid.UUID(binome), name, payload, STAFF, key))
            except Exception as error:  # a refusal or a failure: counted and shown, the run goes on
                self.refused[f"{name}: {getattr(error, 'code', type(error).__name__)}"] += 1
                return
            self.commands += 1

    async def resent(self, command):
        """As a client does: a command that may have been recorded, or met a busy engine, is sent again with the
        same key (the time-skipping server sometimes fails an update-with-start under load)."""
        for attempt in range(1, 6):
            try:
                return await command()
            except (CommandPending, Saturated, Unavailable):
                if attempt == 5:
                    raise
                self.resends += 1
                await asyncio.sleep(0.2 * attempt)

    async def propose(self, index: int) -> str:
        async with self.gate:
            mentor = await self.services.persons.register("mentor", f"Mentor {index}", None, None, ["fr"], STAFF,
                                                          f"bench-mentor-{index}", step="ready")
            mentee = await self.services.persons.register("mentee", f"Mentee {index}", None, None, ["fr"], STAFF,
                                                          f"bench-mentee-{index}", step="selected")
            body = {"mentor_id": mentor.person["person_id"], "mentee_id": mentee.person["person_id"], "note": ""}
            accepted = await self.resent(lambda: self.services.binomes.propose(body, STAFF, f"bench-{index}"))
            self.commands += 1
            return accepted.binome_id

    def cpu(self) -> dict[str, float]:
        return cpu_by_group(self.pids)

    def phase_ended(self, name: str, since: tuple[float, dict[str, float]]) -> tuple[float, dict[str, float]]:
        """Records the wall and CPU seconds spent since `since`; gives the mark the next phase starts from."""
        now = (time.monotonic(), self.cpu())
        self.phases[name] = (now[0] - since[0], {group: now[1][group] - since[1][group] for group in now[1]})
        return now

    async def lifecycles(self) -> None:
        begun = mark = (time.monotonic(), self.cpu())
        started = begun[0]
        binomes = list(await asyncio.gather(*(self.propose(i) for i in range(self.args.binomes))))

        async def through_intake(binome: str) -> None:
            for step, (name, payload) in enumerate(INTAKE):
                await self.send(binome, name, payload, f"{binome}/intake/{step}")

        await self.each(binomes, through_intake)
        mark = self.phase_ended("proposal → in-take", mark)
        await self.env.sleep(timedelta(hours=12))
        for week in range(1, WEEKS + 1):
            await self.env.sleep(timedelta(days=7))

            async def this_week(binome: str, week: int = week) -> None:
                for name, payload in week_commands(week):
                    await self.send(binome, name, payload, f"{binome}/{week}/{name}")

            await self.each(binomes, this_week)
            cpu = self.cpu()
            print(f"    week {week:2d}: {time.monotonic() - started:6.1f} s, {self.commands} commands; CPU s so far: "
                  f"bench {cpu['bench']:.0f}, workers {cpu['workers']:.0f}, server {cpu['test server']:.0f}",
                  flush=True)
        mark = self.phase_ended("27 weeks", mark)

        async def close(binome: str) -> None:
            for step, (name, payload) in enumerate(CLOSURE):
                await self.send(binome, name, payload, f"{binome}/closure/{step}")

        await self.each(binomes, close)
        self.phase_ended("closure, evaluations", mark)
        self.phase_ended("total", begun)
        self.binomes = binomes

    def completed(self, container) -> tuple[int, int]:
        """Binômes whose stream ends with BinomeCompleted, each fact once; and the facts recorded."""
        done, facts = 0, 0
        for binome in self.binomes:
            stream = [r.fact for r in container.store.read(uuid.UUID(binome))]
            facts += len(stream)
            done += not_once(stream) is None and bool(stream) and stream[-1].type == "BinomeCompleted"
        return done, facts


async def run(args: argparse.Namespace) -> int:
    configure_logging("console", "WARNING")
    data_dir = Path(tempfile.mkdtemp(prefix="mentorat-lifecycles-"))
    env = await WorkflowEnvironment.start_time_skipping(test_server_existing_path=binary("temporal-test-server"))
    print(f"Lifecycles — {args.binomes} binômes, {args.store}, {args.workers} worker process(es), "
          f"{args.concurrency} commands in flight (data {data_dir})", flush=True)
    try:
        with service_and_workers(env.client, data_dir, args, "lifecycles") as (container, services, workers, logs):
            # Not waited for: commands sent before a worker polls wait for it on the task queue.
            pids = {"bench": [os.getpid()], "workers": [w.pid for w in workers],
                    "test server": children("temporal-test-server")}
            bench = Bench(args, services, env, pids)
            await bench.lifecycles()
            done, facts = await asyncio.to_thread(bench.completed, container)
            if any(worker.poll() is not None for worker in workers):
                raise SystemExit("a worker stopped:\n" + "\n".join(log.read_text()[-2000:] for log in logs))
    finally:
        await env.shutdown()
    total = bench.phases["total"][0]
    print(f"  {'phase':<24} {'wall s':>8}   CPU s: {'bench':>6} {'workers':>8} {'server':>7}"
          "   (bench: the commands and the projector)")
    for name, (seconds, cpu) in bench.phases.items():
        print(f"  {name:<24} {seconds:8.1f}          {cpu['bench']:6.1f} {cpu['workers']:8.1f} "
              f"{cpu['test server']:7.1f}")
    print(f"  completed: {done} of {args.binomes} binômes, {facts} facts, {bench.commands} commands "
          f"({bench.resends} resent)")
    print(f"  {args.binomes / total:.2f} lifecycles/s, {bench.commands / total:.1f} commands/s, "
          f"{facts / total:.0f} facts/s")
    if bench.refused:
        print("  refused or failed:", dict(bench.refused.most_common(10)))
    return 0 if done == args.binomes and not bench.refused else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binomes", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2, help="worker processes (`mentorat worker`)")
    parser.add_argument("--concurrency", type=int, default=64, help="commands in flight at once")
    parser.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres-user", default="postgres")
    return asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
