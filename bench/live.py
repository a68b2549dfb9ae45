"""Many live binômes waiting on their timers: what the workers hold in memory, and how late a due timer is recorded.

    uv run python bench/live.py --binomes 10000 --workers 2
    uv run python bench/live.py --binomes 2000 --due 100 --store postgres

A Temporal dev server (real time) and `--workers` worker processes (`mentorat worker`); binômes are proposed
through the composition root (the application's services). Most proposals are made now and wait seven days for
an answer: live workflows, each with its timer. The last `--due` are dated in the past so that their answer's
delay ends a few seconds after they are all made, one after another: their workflows must record
`ProposalExpired` on time. It prints the workers' resident memory (RSS) with every binôme live, and how late each
expiry was recorded (the store's recording time minus the deadline): p50, p99, max.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from application.errors import CommandPending, Saturated, Unavailable  # noqa: E402
from domain.persons import Person, register  # noqa: E402
from domain.principals import Principal, Role  # noqa: E402
from mentorat.devserver import DevServer  # noqa: E402
from mentorat.logging import configure_logging  # noqa: E402
from processes import free_port, service_and_workers  # noqa: E402

# The bench acts as an administrator (the services take who asks, as the API gives it them).
STAFF = Principal(Role.ADMINISTRATOR, "bench")
ANSWER_DELAY = timedelta(days=7)  # the default programme's proposal response delay


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def persons_for(container, count: int) -> list[tuple[str, str]]:
    """A mentor and a mentee per binôme, written straight to the store (setting the scene, not measured)."""
    pairs, now = [], datetime.now(timezone.utc)
    for index in range(count):
        ids = []
        for role in ("mentor", "mentee"):
            person_id = uuid.uuid4()
            person = Person(str(person_id), role, f"{role} {index}", None, None, ["fr"])
            container.store.append(person_id, [register(person, STAFF.actor, now, f"live-{person_id}", None)])
            ids.append(str(person_id))
        pairs.append((ids[0], ids[1]))
    return pairs


async def propose(services, gate: asyncio.Semaphore, pair: tuple[str, str], key: str,
                  occurred_at: datetime | None) -> str:
    body = {"mentor_id": pair[0], "mentee_id": pair[1], "note": ""}
    async with gate:
        for attempt in range(1, 6):
            try:
                return (await services.binomes.propose(body, STAFF, key, occurred_at)).binome_id
            except (CommandPending, Saturated, Unavailable):  # resent with the same key, as a client does
                if attempt == 5:
                    raise
                await asyncio.sleep(0.5 * attempt)


def expiry_lateness(container, binomes: list[str]) -> list[float] | None:
    """Seconds between each binôme's answer deadline and the recording of its expiry; None while one is missing."""
    late = []
    for binome in binomes:
        facts = container.store.read(uuid.UUID(binome))
        expired = next((r for r in facts if r.fact.type == "ProposalExpired"), None)
        if expired is None:
            return None
        late.append((expired.recorded_at - expired.fact.occurred_at).total_seconds())
    return late


async def run(args: argparse.Namespace) -> int:
    configure_logging("console", "WARNING")
    data_dir = Path(tempfile.mkdtemp(prefix="mentorat-live-"))
    dev_server = DevServer(data_dir / "temporal.db", free_port(), free_port(), "default")
    client = await dev_server.start()
    print(f"Live binômes — {args.binomes} ({args.due} due soon), {args.store}, {args.workers} worker process(es) "
          f"(data {data_dir})", flush=True)
    try:
        with service_and_workers(client, data_dir, args, "live") as (container, services, workers, _):
            pairs = await asyncio.to_thread(persons_for, container, args.binomes)
            gate = asyncio.Semaphore(args.concurrency)
            started = time.monotonic()
            waiting = args.binomes - args.due
            made = 0

            async def live(index: int) -> str:
                nonlocal made
                binome = await propose(services, gate, pairs[index], f"live-{index}", None)
                made += 1
                if made % 1000 == 0:
                    print(f"    {made} proposed, {time.monotonic() - started:.0f} s", flush=True)
                return binome

            await asyncio.gather(*(live(i) for i in range(waiting)))
            made_in = time.monotonic() - started
            # Dated so that their deadlines fall `--lead` seconds from now and after, one every 50 ms.
            first_deadline = datetime.now(timezone.utc) + timedelta(seconds=args.lead)
            due = await asyncio.gather(*(
                propose(services, gate, pairs[waiting + i], f"due-{i}",
                        first_deadline + timedelta(milliseconds=50 * i) - ANSWER_DELAY)
                for i in range(args.due)))
            rss_live = [rss_mib(w.pid) for w in workers]
            give_up = time.monotonic() + args.lead + 0.05 * args.due + 120
            while (late := await asyncio.to_thread(expiry_lateness, container, due)) is None:
                if time.monotonic() > give_up:
                    raise SystemExit("some expiries were never recorded")
                await asyncio.sleep(1)
            rss_after = [rss_mib(w.pid) for w in workers]
            alive = all(w.poll() is None for w in workers)
    finally:
        dev_server.stop()
    late.sort()
    print(f"  {waiting} proposals waiting in {made_in:.0f} s ({waiting / made_in:.0f}/s), then {args.due} due soon")
    print(f"  worker RSS with every binôme live: {' + '.join(f'{r:.0f}' for r in rss_live)} MiB "
          f"(= {sum(rss_live):.0f} MiB); after the expiries: {sum(rss_after):.0f} MiB")
    print(f"  expiry recorded after its deadline: p50 {statistics.median(late):.3f} s, "
          f"p99 {late[int(0.99 * (len(late) - 1))]:.3f} s, max {late[-1]:.3f} s "
          f"({sum(1 for s in late if s <= 1.0)} of {len(late)} within 1 s)")
    return 0 if alive else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binomes", type=int, default=10_000)
    parser.add_argument("--due", type=int, default=200, help="binômes whose answer's delay ends during the run")
    parser.add_argument("--lead", type=float, default=20.0, help="seconds from the last proposal to the first deadline")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres-user", default="postgres")
    return asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
