"""Engine benchmark: what Temporal allows for the project's command shape, beside what the project does, in one run.

    uv run python bench/engine.py --store sqlite --clients 16
    uv run python bench/engine.py --store postgres --clients 16

One Temporal dev server is started here (free ports, fresh directory) and serves three phases, each with the
same clients, first one at a time (idle latency), then --clients at once:

  1. bare update + activity: a workflow whose update appends one fact to an event store of its own through an
     ordinary activity (bench/engine_shape.py), then answers;
  2. bare update + local activity: the same append through a local activity;
  3. the project: the composition root as `mentorat serve` wires it (HTTP API and projector in this process, the
     worker in a process of its own, on the same dev server); each client drives a binôme of its own through
     the in-take, then sends meetings. As the bare phases start their workflows before timing, the binôme is
     proposed (its workflow started) before timing, with its mentor's and mentee's registrations.

The three phases run --rounds times, in turn, so that a burst of noise on this shared machine falls on one
round, not on one phase. The bare worker and the project's service stay up through all of them (the CPU columns
show what the idle ones cost the others: nothing measurable). Each round prints commands per second at --clients, p50 and p99, the idle p50, the CPU
milliseconds per command of this process, the project's worker processes and the dev server, and the project's
throughput as a multiple of the ordinary-activity baseline; the last line gives the median of the rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn
from temporalio.client import Client
from temporalio.worker import Worker

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from api.app import create_app  # noqa: E402
from engine_shape import UPDATE, WORKFLOW, CommandShapeWorkflow, ShapeActivities  # noqa: E402
from eventstore import FactStore  # noqa: E402
from application.tokens import TokenService  # noqa: E402
from domain.principals import Principal, Role  # noqa: E402
from mentorat.bootstrap import build_container, build_store, with_payload_codec  # noqa: E402
from mentorat.database import ensure_database  # noqa: E402
from mentorat.devserver import DevServer  # noqa: E402
from mentorat.logging import configure_logging  # noqa: E402
from mentorat.settings import Settings  # noqa: E402
from mentorat.worker_processes import WorkerProcesses  # noqa: E402
from cpu import children, cpu_by_group  # noqa: E402
from processes import free_port, use_settings  # noqa: E402
from worker.worker import ACTIVITY_THREADS  # noqa: E402

SHAPE_QUEUE = "bench-shape"


@dataclass
class Figures:
    name: str
    per_second: float
    p50: float
    p99: float
    idle_p50: float
    cpu_ms: dict[str, float]  # per command, by process group


def cpu_groups() -> dict[str, list[int]]:
    """This process (the clients, the API and projector, or the bare worker), the project's workers, the server."""
    return {"bench": [os.getpid()], "workers": children("mentorat.cli worker"), "server": children("start-dev")}


def milliseconds(samples: list[float], share: int) -> float:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return round(cuts[share - 1] * 1000, 1)


async def measure(name: str, clients: int, per_client: int, idle: int,
                  prepare: Callable[[int], Awaitable[Callable[[], Awaitable[None]]]]) -> Figures:
    """`prepare(i)` readies client i (untimed) and gives its command; idle first (one client), then all at once."""
    alone = await prepare(clients)  # a client of its own, so the loaded clients start fresh
    idle_samples = [await timed(alone) for _ in range(idle)]
    commands = [await prepare(i) for i in range(clients)]
    samples: list[float] = []

    async def client(command: Callable[[], Awaitable[None]]) -> None:
        for _ in range(per_client):
            samples.append(await timed(command))

    groups = cpu_groups()
    cpu_before, started = cpu_by_group(groups), time.perf_counter()
    await asyncio.gather(*(client(command) for command in commands))
    wall = time.perf_counter() - started
    cpu_ms = {group: round((spent - cpu_before[group]) * 1000 / len(samples), 1)
              for group, spent in cpu_by_group(groups).items()}
    figures = Figures(name, round(len(samples) / wall, 1), milliseconds(samples, 50), milliseconds(samples, 99),
                      milliseconds(idle_samples, 50), cpu_ms)
    print(f"  {name:<32} {figures.per_second:8.1f} {figures.p50:9.1f} {figures.p99:9.1f} {figures.idle_p50:9.1f}"
          f"   {cpu_ms['bench']:6.1f} {cpu_ms['workers']:7.1f} {cpu_ms['server']:6.1f}", flush=True)
    return figures


async def timed(command: Callable[[], Awaitable[None]]) -> float:
    started = time.perf_counter()
    await command()
    return time.perf_counter() - started


# --- phases 1 and 2: the bare shape ------------------------------------------------------------------------

def shape_worker(client: Client, store: FactStore) -> Worker:
    """Set up as the project's worker is: synchronous store drivers, activities in as many threads as it has."""
    return Worker(client, task_queue=SHAPE_QUEUE, workflows=[CommandShapeWorkflow],
                  activities=[ShapeActivities(store).append_fact],
                  activity_executor=ThreadPoolExecutor(max_workers=ACTIVITY_THREADS),
                  max_concurrent_activities=ACTIVITY_THREADS)


async def bare_phase(client: Client, local: bool, args: argparse.Namespace) -> Figures:
    started: list = []

    async def prepare(_: int) -> Callable[[], Awaitable[None]]:
        stream_id = str(uuid.uuid4())
        handle = await client.start_workflow(WORKFLOW, stream_id, id=f"bench-{stream_id}", task_queue=SHAPE_QUEUE)
        started.append(handle)

        async def command() -> None:
            await handle.execute_update(UPDATE, local, result_type=int)
        return command

    name = "bare update + local activity" if local else "bare update + activity"
    try:
        return await measure(name, args.clients, args.per_client, args.idle, prepare)
    finally:
        await asyncio.gather(*(handle.terminate() for handle in started), return_exceptions=True)


# --- phase 3: the project ----------------------------------------------------------------------------------

BENCH_STAFF = Principal(Role.ADMINISTRATOR, "bench")
# The running project's token service (set by project_service, which knows its secret).
TOKENS: list[TokenService] = []


async def command(http: httpx.AsyncClient, path: str, body: dict, actor: Principal = BENCH_STAFF) -> dict:
    # Each command with the token of who sends it (minted with the service's own secret: see project_service).
    response = await http.post(path, json=body, headers={"Authorization": f"Bearer {TOKENS[-1].issue(actor)}"})
    if response.status_code >= 300:
        raise RuntimeError(f"POST {path}: HTTP {response.status_code} {response.text[:300]}")
    return response.json()


async def project_phase(http: httpx.AsyncClient, args: argparse.Namespace) -> Figures:
    """Each client's binôme, proposed untimed, goes through the in-take (timed, in order), then takes meetings."""

    async def prepare(index: int) -> Callable[[], Awaitable[None]]:
        binome, mentor, mentee = await proposed_binome(http, str(index))
        as_mentor = Principal(Role.MENTOR, f"bench-{mentor}", person_id=mentor)
        as_mentee = Principal(Role.MENTEE, f"bench-{mentee}", person_id=mentee)
        steps: list[tuple[str, dict, Principal]] = [
            ("proposal/accept", {}, as_mentor),
            ("first-meeting", {"mode": "in_person", "checklist": ["expectations"]}, BENCH_STAFF),
            ("validations", {"side": "mentor", "decision": "validated"}, as_mentor),
            ("validations", {"side": "mentee", "decision": "validated"}, as_mentee),
            ("contract/signatures", {"party": "mentor"}, as_mentor),
            ("contract/signatures", {"party": "mentee"}, as_mentee),
            ("contract/signatures", {"party": "programme"}, BENCH_STAFF),
            ("intake/analysis", {"strengths": ["motivation"], "weaknesses": ["CV"]}, as_mentor),
            ("action-plan", {"actions": [{"title": "Refaire le CV", "owner": "mentee"}]}, as_mentor),
        ]

        async def next_command() -> None:
            if steps:
                path, body, actor = steps.pop(0)
                await command(http, f"/binomes/{binome}/{path}", body, actor)
            else:
                await command(http, f"/binomes/{binome}/meetings", {"mode": "video", "duration_minutes": 60},
                              as_mentor)
        return next_command

    return await measure("project (HTTP API)", args.clients, args.per_client, args.idle, prepare)


async def proposed_binome(http: httpx.AsyncClient, label: str) -> tuple[str, str, str]:
    """A mentor and a mentee registered and proposed (untimed): the binôme's, the mentor's and the mentee's ids.
    Returns once the project's worker has run the proposal."""
    mentor = (await command(http, "/mentors", {"name": f"Mentor {label}", "languages": ["fr"],
                                               "step": "ready"}))["person_id"]
    mentee = (await command(http, "/mentees", {"name": f"Mentee {label}", "languages": ["fr"],
                                               "step": "selected"}))["person_id"]
    binome = (await command(http, "/binomes", {"mentor_id": mentor, "mentee_id": mentee}))["binome_id"]
    return binome, mentor, mentee


@contextlib.asynccontextmanager
async def project_service(settings: Settings, client: Client, clients: int):
    """The composition root as `mentorat serve` wires it, on our dev server; yields an HTTP client to its API.
    The workers read their settings from this process's environment, as `serve`'s do."""
    container = build_container(settings)
    # As `serve`: payloads encrypted with the data keys its worker processes read too.
    container.temporal = with_payload_codec(client, container.settings)
    TOKENS.append(TokenService(container.settings.token_secret.get_secret_value(), container.settings.token_minutes))
    server = uvicorn.Server(uvicorn.Config(create_app(container.services()), host="127.0.0.1",
                                           port=settings.api_port, log_config=None, lifespan="on"))
    try:
        async with WorkerProcesses(settings.worker_processes, settings.temporal_address):
            serving = asyncio.create_task(server.serve())
            try:
                while not server.started:
                    if serving.done():  # it could not start (its error is raised here)
                        serving.result()
                        raise RuntimeError("the API stopped before it started")
                    await asyncio.sleep(0.05)
                limits = httpx.Limits(max_connections=clients + 1)
                async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{settings.api_port}", timeout=60,
                                             limits=limits, trust_env=False) as http:
                    yield http
            finally:
                server.should_exit = True
                await serving
    finally:
        container.close()


# --- the run -----------------------------------------------------------------------------------------------

def bare_settings(args: argparse.Namespace, data_dir: Path) -> Settings:
    common = dict(data_dir=data_dir / "bare", event_store=args.store, log_level="WARNING")
    if args.store == "postgres":
        common.update(postgres_db=f"bench_engine_{int(time.time())}_bare", postgres_user=args.postgres_user)
    return Settings(**common)


async def run(args: argparse.Namespace) -> list[float]:
    configure_logging("console", "WARNING")
    data_dir = Path(tempfile.mkdtemp(prefix="mentorat-engine-"))
    dev_server = DevServer(data_dir / "temporal.db", free_port(), free_port(), "default")
    client = await dev_server.start()
    print(f"Engine benchmark — {args.store}, {args.clients} clients × {args.per_client} commands, "
          f"idle {args.idle}, {args.rounds} rounds (dev server {dev_server.address}, data {data_dir})")
    ratios = []
    try:
        bare = bare_settings(args, data_dir)
        ensure_database(bare)
        store = build_store(bare)
        try:
            use_settings(data_dir / "project", args.store, dev_server.address, "bench-project", "engine_project",
                         args.postgres_user)
            settings = Settings(api_port=free_port())
            async with shape_worker(client, store), project_service(settings, client, args.clients) as http:
                await proposed_binome(http, "warm-up")  # the worker's start-up is then no phase's cost
                for number in range(1, args.rounds + 1):
                    print(f"  round {number:<26} {'cmd/s':>8} {'p50 ms':>9} {'p99 ms':>9} {'idle p50':>9}"
                          f"   CPU ms per command: {'bench':>6} {'workers':>7} {'server':>6}", flush=True)
                    ordinary = await bare_phase(client, False, args)
                    local = await bare_phase(client, True, args)
                    project = await project_phase(http, args)
                    ratios.append(project.per_second / ordinary.per_second)
                    print(f"  project ÷ bare update + activity: {ratios[-1]:.2f}   "
                          f"(local activity ÷ activity: {local.per_second / ordinary.per_second:.2f})", flush=True)
        finally:
            store.close()
    finally:
        dev_server.stop()
    print(f"  median of {len(ratios)} rounds, project ÷ bare update + activity: {statistics.median(ratios):.2f}   "
          f"(rounds: {', '.join(f'{ratio:.2f}' for ratio in ratios)})")
    return ratios


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients in the loaded runs")
    parser.add_argument("--per-client", type=int, default=30, help="commands each client sends, one at a time")
    parser.add_argument("--idle", type=int, default=40, help="commands timed with one client alone")
    parser.add_argument("--rounds", type=int, default=3, help="times the three phases run, in turn")
    parser.add_argument("--postgres-user", default="postgres")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be 1 or more")
    asyncio.run(run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
