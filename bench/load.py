"""Load benchmark: drives many binômes from proposal to completion through the RUNNING API.

    uv run python bench/load.py --url http://127.0.0.1:8000 --binomes 40 --clients 8 --meetings 6

Every binôme goes through the whole lifecycle (persons, proposal, acceptance, first meeting, validations,
signatures, in-take, meetings, contact, positive exit, closure, evaluations) while all binômes progress
concurrently through a pool of --clients HTTP clients (each client sends one request at a time, so at most
--clients requests are in flight). After each batch of steps the binôme's history and the staff task list
are read and timed. The meetings of a binôme are sent concurrently, each from a different client, with an
Idempotency-Key; about 10 % of them are sent again (same key, same body) and the answer must be identical
with `Idempotent-Replayed: true`.

It prints: binômes completed, commands, wall time, commands per second, latency percentiles (p50, p95, p99)
for commands, history reads and task-list reads, errors, and the facts recorded in the store (the
notification log position from GET /health, before and after). --json prints the same figures as one JSON
object. The exit code is non-zero if any binôme did not complete (or a replay answered differently).

Only the given --url is contacted (no proxy from the environment). Every loop is bounded, every request has
a timeout, and the whole run has a deadline (--deadline), so it always stops by itself.
"""

from __future__ import annotations

import argparse
import os
import asyncio
import contextlib
import json
import random
import statistics
import sys
import time
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

import httpx

REPLAY_SHARE = 0.10


# --- figures ----------------------------------------------------------------------------------------

def percentiles(samples: list[float]) -> dict[str, float | None]:
    """p50 / p95 / p99 in milliseconds (None without samples)."""
    if not samples:
        return {"p50": None, "p95": None, "p99": None}
    if len(samples) == 1:
        only = round(samples[0] * 1000, 1)
        return {"p50": only, "p95": only, "p99": only}
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50": round(cuts[49] * 1000, 1), "p95": round(cuts[94] * 1000, 1), "p99": round(cuts[98] * 1000, 1)}


@dataclass
class Stats:
    commands: list[float] = field(default_factory=list)           # seconds, every command but the replays
    by_command: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    history_reads: list[float] = field(default_factory=list)
    task_reads: list[float] = field(default_factory=list)
    binome_reads: list[float] = field(default_factory=list)
    replays: list[float] = field(default_factory=list)
    replays_ok: int = 0
    replays_bad: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    pool_wait: list[float] = field(default_factory=list)

    def error(self, text: str) -> None:
        self.errors += 1
        if len(self.error_samples) < 20:
            self.error_samples.append(text)


class Failed(Exception):
    """A binôme step went wrong: the binôme stops there and counts as not completed."""


# --- the client pool --------------------------------------------------------------------------------

class Pool:
    """--clients HTTP clients; each sends one request at a time. Ask for any free client, or a given one.

    Fair: a released client goes straight to the longest-waiting request that can take it, so a request
    waiting for one given client is not overtaken by newcomers.
    """

    def __init__(self, url: str, size: int, timeout: float, token: str):
        self.clients = [
            httpx.AsyncClient(base_url=url, timeout=timeout, trust_env=False,
                              limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
                              headers={"User-Agent": f"mentorat-bench/{index}", "Authorization": f"Bearer {token}"})
            for index in range(size)
        ]
        self._free = deque(range(size))
        self._waiters: deque[tuple[int | None, asyncio.Future[int]]] = deque()

    async def _acquire(self, index: int | None) -> int:
        if index is None and self._free:
            return self._free.popleft()
        if index is not None and index in self._free:
            self._free.remove(index)
            return index
        waiter: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._waiters.append((index, waiter))
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._release(waiter.result())  # handed over just as we were cancelled: pass it on
            raise

    def _release(self, index: int) -> None:
        for entry in list(self._waiters):
            wanted, waiter = entry
            if waiter.done():
                self._waiters.remove(entry)
            elif wanted is None or wanted == index:
                self._waiters.remove(entry)
                waiter.set_result(index)
                return
        self._free.append(index)

    @contextlib.asynccontextmanager
    async def client(self, index: int | None = None):
        chosen = await self._acquire(index)
        try:
            yield chosen, self.clients[chosen]
        finally:
            self._release(chosen)

    async def close(self) -> None:
        for client in self.clients:
            await client.aclose()


# --- one binôme ---------------------------------------------------------------------------------------

@dataclass
class Outcome:
    index: int
    binome_id: str | None = None
    completed: bool = False
    failure: str | None = None
    commands: int = 0
    persons: int = 0
    history_length: int = 0
    meeting_clients: set[int] = field(default_factory=set)


class Driver:
    def __init__(self, pool: Pool, stats: Stats, meetings: int, rng: random.Random, run_id: str):
        self.pool = pool
        self.stats = stats
        self.meetings = meetings
        self.rng = rng
        self.run_id = run_id

    async def _request(self, method: str, path: str, *, body: Any = None, headers: dict[str, str] | None = None,
                       client_index: int | None = None) -> tuple[httpx.Response, float, int]:
        asked = time.perf_counter()
        async with self.pool.client(client_index) as (index, client):
            started = time.perf_counter()
            self.stats.pool_wait.append(started - asked)
            response = await client.request(method, path, json=body, headers=headers)
            return response, time.perf_counter() - started, index

    async def command(self, outcome: Outcome, name: str, path: str, body: dict[str, Any], actor: str,
                      *, headers: dict[str, str] | None = None, client_index: int | None = None) -> httpx.Response:
        try:
            # `actor` names the side a command is sent for; the bench's administrator sends them all.
            response, elapsed, _ = await self._request("POST", path, body=body, headers=headers,
                                                       client_index=client_index)
        except httpx.HTTPError as error:
            self.stats.error(f"{name}: {type(error).__name__}: {error}")
            raise Failed(f"{name}: {type(error).__name__}") from None
        self.stats.commands.append(elapsed)
        self.stats.by_command[name].append(elapsed)
        outcome.commands += 1
        if not response.is_success:
            self.stats.error(f"{name} {path}: HTTP {response.status_code} {response.text[:300]}")
            raise Failed(f"{name}: HTTP {response.status_code}")
        return response

    async def read(self, samples: list[float], what: str, path: str) -> httpx.Response:
        try:
            response, elapsed, _ = await self._request("GET", path)
        except httpx.HTTPError as error:
            self.stats.error(f"{what}: {type(error).__name__}: {error}")
            raise Failed(f"{what}: {type(error).__name__}") from None
        samples.append(elapsed)
        if not response.is_success:
            self.stats.error(f"{what} {path}: HTTP {response.status_code} {response.text[:300]}")
            raise Failed(f"{what}: HTTP {response.status_code}")
        return response

    async def reads(self, outcome: Outcome) -> None:
        """After each batch of steps: the binôme's audit history and the staff task list."""
        history = await self.read(self.stats.history_reads, "history", f"/binomes/{outcome.binome_id}/history")
        outcome.history_length = len(history.json()["facts"])
        await self.read(self.stats.task_reads, "tasks", "/tasks?limit=100")

    async def meeting(self, outcome: Outcome, number: int, client_index: int, replay: bool) -> None:
        path = f"/binomes/{outcome.binome_id}/meetings"
        key = f"bench-{self.run_id}-{outcome.index}-meeting-{number}"
        body = {"mode": "video", "duration_minutes": 90, "notes": f"Rencontre {number}"}
        headers = {"Idempotency-Key": key}
        first = await self.command(outcome, "RecordMeeting", path, body, "integration:bench", headers=headers,
                                   client_index=client_index)
        outcome.meeting_clients.add(client_index)
        if not replay:
            return
        # The same key and body again, from another client: the first answer, marked as a replay.
        other = (client_index + 1) % len(self.pool.clients)
        try:
            again, elapsed, _ = await self._request("POST", path, body=body,
                                                    headers=headers,
                                                    client_index=other)
        except httpx.HTTPError as error:
            self.stats.replays_bad += 1
            self.stats.error(f"replayed meeting: {type(error).__name__}: {error}")
            raise Failed("replayed meeting: transport error") from None
        self.stats.replays.append(elapsed)
        same = (again.status_code == first.status_code and again.json() == first.json()
                and again.headers.get("Idempotent-Replayed") == "true")
        if same:
            self.stats.replays_ok += 1
            return
        self.stats.replays_bad += 1
        self.stats.error(f"replayed meeting {key}: HTTP {again.status_code}, "
                         f"Idempotent-Replayed={again.headers.get('Idempotent-Replayed')!r}, "
                         f"same body={again.text == first.text}")
        raise Failed("replayed meeting answered differently")

    async def run(self, outcome: Outcome) -> None:
        n = outcome.index
        staff = "staff:bench"
        # 1. the two persons, the proposal, the mentor's answer
        mentor = (await self.command(outcome, "RegisterMentor", "/mentors", {
            "name": f"Mentor Bench {n}", "email": f"mentor{n}@bench.example.com", "phone": "+33 1 00 00 00 00",
            "languages": ["fr", "en"], "step": "ready"}, staff)).json()["person_id"]
        outcome.persons += 1
        mentee = (await self.command(outcome, "RegisterMentee", "/mentees", {
            "name": f"Mentee Bench {n}", "email": f"mentee{n}@bench.example.com", "languages": ["fr"],
            "step": "selected"},
            staff)).json()["person_id"]
        outcome.persons += 1
        proposed = await self.command(outcome, "ProposeMentee", "/binomes",
                                      {"mentor_id": mentor, "mentee_id": mentee, "note": f"bench {self.run_id}"}, staff)
        outcome.binome_id = binome = proposed.json()["binome_id"]
        base = f"/binomes/{binome}"
        as_mentor, as_mentee = f"mentor:{mentor}", f"mentee:{mentee}"
        await self.command(outcome, "AcceptProposal", f"{base}/proposal/accept", {}, as_mentor)
        await self.reads(outcome)

        # 2. first meeting and both validations
        await self.command(outcome, "RecordFirstMeeting", f"{base}/first-meeting",
                           {"mode": "in_person", "checklist": ["expectations"]}, staff)
        await self.command(outcome, "RecordValidation", f"{base}/validations",
                           {"side": "mentor", "decision": "validated"}, as_mentor)
        await self.command(outcome, "RecordValidation", f"{base}/validations",
                           {"side": "mentee", "decision": "validated"}, as_mentee)
        await self.reads(outcome)

        # 3. the tripartite contract
        for party, actor in (("mentor", as_mentor), ("mentee", as_mentee), ("programme", staff)):
            await self.command(outcome, "SignContract", f"{base}/contract/signatures", {"party": party}, actor)
        await self.reads(outcome)

        # 4. in-take
        await self.command(outcome, "RecordAnalysis", f"{base}/intake/analysis",
                           {"strengths": ["motivation", "réseau"], "weaknesses": ["CV", "entretiens"]}, as_mentor)
        await self.command(outcome, "AgreeActionPlan", f"{base}/action-plan", {"actions": [
            {"title": "Refaire le CV", "owner": "mentee"},
            {"title": "Préparer les entretiens", "owner": "both"}]}, as_mentor)
        await self.reads(outcome)

        # 5. the meetings, concurrently, each from a different client of the pool
        size = len(self.pool.clients)
        start = self.rng.randrange(size)
        replayed = [self.rng.random() < REPLAY_SHARE for _ in range(self.meetings)]
        results = await asyncio.gather(*(self.meeting(outcome, k + 1, (start + k) % size, replayed[k])
                                         for k in range(self.meetings)), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result
        await self.reads(outcome)

        # 6. a contact and the positive exit
        await self.command(outcome, "LogContact", f"{base}/contacts", {"channel": "phone"}, as_mentee)
        await self.command(outcome, "RecordPositiveExit", f"{base}/exit/positive", {"outcome": "job"}, staff)
        await self.reads(outcome)

        # 7. closure and the two evaluations
        await self.command(outcome, "RecordClosureMeeting", f"{base}/closure-meeting", {"notes": "Fin du bench"}, staff)
        for side, actor in (("mentor", as_mentor), ("mentee", as_mentee)):
            await self.command(outcome, "RecordEvaluation", f"{base}/evaluations",
                               {"side": side, "rating": 4, "answers": {"relationship": "bien"}}, actor)
        await self.reads(outcome)

        view = (await self.read(self.stats.binome_reads, "binome", base)).json()
        if view["stage"] != "completed":
            raise Failed(f"stage is {view['stage']!r}, not 'completed'")
        if view["meetings_held"] != self.meetings:
            # The replays must not have recorded a second meeting (the first meeting is counted apart).
            raise Failed(f"meetings_held is {view['meetings_held']}, expected {self.meetings}")
        outcome.completed = True


# --- the run ------------------------------------------------------------------------------------------

async def log_position(url: str, timeout: float) -> int | None:
    async with httpx.AsyncClient(base_url=url, timeout=timeout, trust_env=False) as client:
        response = await client.get("/health")
        if response.status_code != 200:
            raise RuntimeError(f"GET /health answered {response.status_code}: {response.text[:300]}")
        return response.json().get("log_position")


async def log_in(args: argparse.Namespace) -> str:
    """A token of the administrator the bench acts as (`--username`, `--password`)."""
    if not args.password:
        raise RuntimeError("give the administrator's password: --password or MENTORAT_ADMIN_PASSWORD")
    async with httpx.AsyncClient(base_url=args.url, timeout=args.timeout, trust_env=False) as client:
        response = await client.post("/auth/token", data={"username": args.username, "password": args.password})
    if response.status_code != 200 or response.json().get("must_change_password"):
        raise RuntimeError(f"log in as {args.username}: HTTP {response.status_code} {response.text[:300]}")
    return response.json()["access_token"]


async def bench(args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(args.seed)
    run_id = uuid.uuid4().hex[:8]
    stats = Stats()
    facts_before = await log_position(args.url, args.timeout)
    pool = Pool(args.url, args.clients, args.timeout, await log_in(args))
    driver = Driver(pool, stats, args.meetings, rng, run_id)
    outcomes = [Outcome(index) for index in range(args.binomes)]
    done = 0

    async def one(outcome: Outcome) -> None:
        nonlocal done
        try:
            await driver.run(outcome)
        except Failed as failure:
            outcome.failure = str(failure)
        except Exception as error:  # a malformed answer (KeyError, JSON) fails this binôme, not the run
            outcome.failure = f"{type(error).__name__}: {error}"
            stats.error(f"binôme {outcome.index}: {outcome.failure}")
        done += 1
        if not args.json and args.progress and done % max(1, args.binomes // 10) == 0:
            print(f"  … {done}/{args.binomes} binômes done ({time.perf_counter() - started:.1f} s)", file=sys.stderr)

    started = time.perf_counter()
    timed_out = False
    tasks = [asyncio.ensure_future(one(outcome)) for outcome in outcomes]
    try:
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=args.deadline)
    except asyncio.TimeoutError:
        timed_out = True
        for outcome in outcomes:
            if not outcome.completed and outcome.failure is None:
                outcome.failure = f"not finished within the {args.deadline:.0f} s deadline"
    wall = time.perf_counter() - started
    await pool.close()
    facts_after = await log_position(args.url, args.timeout)

    completed = sum(o.completed for o in outcomes)
    commands = len(stats.commands)
    failures: dict[str, int] = defaultdict(int)
    for outcome in outcomes:
        if outcome.failure:
            failures[outcome.failure] += 1
    # Each binôme's facts are its history (as last read); each of its persons has three on their own stream:
    # registered, joined the binôme at the proposal, left it when it completed.
    expected_facts = sum(o.history_length + o.persons * (3 if o.completed else 2) for o in outcomes)
    meeting_clients = sorted({c for o in outcomes for c in o.meeting_clients})
    return {
        "url": args.url,
        "run_id": run_id,
        "seed": args.seed,
        "binomes": args.binomes,
        "clients": args.clients,
        "meetings_per_binome": args.meetings,
        "binomes_completed": completed,
        "binomes_failed": args.binomes - completed,
        "failures": dict(failures),
        "timed_out": timed_out,
        "commands": commands,
        "wall_seconds": round(wall, 2),
        "commands_per_second": round(commands / wall, 1) if wall else None,
        "requests": commands + len(stats.replays) + len(stats.history_reads) + len(stats.task_reads)
                    + len(stats.binome_reads),
        "latency_ms": {
            "commands": percentiles(stats.commands),
            "history_reads": percentiles(stats.history_reads),
            "task_reads": percentiles(stats.task_reads),
            "binome_reads": percentiles(stats.binome_reads),
            "meeting_replays": percentiles(stats.replays),
            "pool_wait": percentiles(stats.pool_wait),
        },
        "latency_ms_by_command": {name: {"count": len(v), **percentiles(v)} for name, v in sorted(stats.by_command.items())},
        "reads": {"history": len(stats.history_reads), "tasks": len(stats.task_reads), "binome": len(stats.binome_reads)},
        "replays": {"sent": stats.replays_ok + stats.replays_bad, "identical": stats.replays_ok,
                    "different": stats.replays_bad},
        "meeting_clients_used": meeting_clients,
        "errors": stats.errors,
        "error_samples": stats.error_samples,
        "facts": {"before": facts_before, "after": facts_after,
                  "recorded": (facts_after - facts_before) if None not in (facts_before, facts_after) else None,
                  "expected_from_histories_and_persons": expected_facts},
    }


def fmt(p: dict[str, float | None]) -> str:
    return "  ".join(f"{k} {('%8.1f' % v) if v is not None else '       -'}" for k, v in p.items())


def report(figures: dict[str, Any]) -> str:
    lat = figures["latency_ms"]
    facts = figures["facts"]
    lines = [
        f"Mentorat load benchmark — {figures['url']} (run {figures['run_id']}, seed {figures['seed']})",
        f"  binômes completed   : {figures['binomes_completed']}/{figures['binomes']}"
        f"  ({figures['clients']} clients, {figures['meetings_per_binome']} meetings each)",
        f"  commands            : {figures['commands']}",
        f"  wall time           : {figures['wall_seconds']:.2f} s",
        f"  commands/second     : {figures['commands_per_second']}",
        f"  requests (all)      : {figures['requests']}",
        "  latency (ms)",
        f"    commands          : {fmt(lat['commands'])}   (n={figures['commands']})",
        f"    history reads     : {fmt(lat['history_reads'])}   (n={figures['reads']['history']})",
        f"    task-list reads   : {fmt(lat['task_reads'])}   (n={figures['reads']['tasks']})",
        f"    binôme reads      : {fmt(lat['binome_reads'])}   (n={figures['reads']['binome']})",
        f"    meeting replays   : {fmt(lat['meeting_replays'])}   (n={figures['replays']['sent']})",
        f"    wait for a client : {fmt(lat['pool_wait'])}",
        "  latency by command (ms)",
        *[f"    {name:<20}: {fmt({k: v for k, v in p.items() if k != 'count'})}   (n={p['count']})"
          for name, p in figures["latency_ms_by_command"].items()],
        f"  replays identical   : {figures['replays']['identical']}  different: {figures['replays']['different']}",
        f"  meetings sent by clients: {figures['meeting_clients_used']}",
        f"  errors              : {figures['errors']}",
        f"  facts in the store  : before {facts['before']}, after {facts['after']}, recorded {facts['recorded']}"
        f" (expected from the histories + persons: {facts['expected_from_histories_and_persons']},"
        f" + one read-log fact per history or binôme read: {figures['reads']['history'] + figures['reads']['binome']})",
    ]
    if figures["failures"]:
        lines.append("  failed binômes:")
        lines += [f"    {count} × {why}" for why, count in figures["failures"].items()]
    if figures["error_samples"]:
        lines.append("  first errors:")
        lines += [f"    {sample}" for sample in figures["error_samples"]]
    if figures["timed_out"]:
        lines.append("  the run hit its deadline")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the running API")
    parser.add_argument("--username", default="admin", help="an administrator's account")
    parser.add_argument("--password", default=os.environ.get("MENTORAT_ADMIN_PASSWORD", ""),
                        help="its password (default: MENTORAT_ADMIN_PASSWORD)")
    parser.add_argument("--binomes", type=int, default=40, help="binômes driven from proposal to completion")
    parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients")
    parser.add_argument("--meetings", type=int, default=6, help="meetings per binôme")
    parser.add_argument("--seed", type=int, default=1, help="seed for the meeting order and the replays")
    parser.add_argument("--timeout", type=float, default=60.0, help="per-request timeout, seconds")
    parser.add_argument("--deadline", type=float, default=1800.0, help="the whole run stops after this, seconds")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument("--no-progress", dest="progress", action="store_false", help="no progress lines on stderr")
    args = parser.parse_args(argv)
    if args.binomes < 1 or args.clients < 1 or args.meetings < 0:
        parser.error("--binomes and --clients must be at least 1, --meetings at least 0")
    try:
        figures = asyncio.run(bench(args))
    except (httpx.HTTPError, RuntimeError) as error:
        print(f"the API at {args.url} is not answering: {error}", file=sys.stderr)
        return 2
    print(json.dumps(figures, ensure_ascii=False) if args.json else report(figures))
    return 0 if figures["binomes_completed"] == args.binomes and figures["replays"]["different"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
