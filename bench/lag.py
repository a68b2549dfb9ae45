"""Lag from append to visible in the views on PostgreSQL: the follower polling, against the follower notified.

    uv run python bench/lag.py --facts 60

On a throwaway database (`bench_lag_<time>`, dropped at the end), the projector follows the store as the API runs
it; another store (its own connections, as the worker's process) registers a person every 50–250 ms, and right
after each append returns (committed) the views are read every millisecond until they show that person: the
time in between is the lag. Nobody wakes the follower here (no command waits for its write), so the lag is the
follower's own:

  polling     no commit signal, as on SQLite: it looks at the log every `projection_poll_seconds` (0.2 s);
  notified    the store's LISTEN/NOTIFY wakes it at each commit (eventstore/commits.py); its own poll every
              `projection_notified_poll_seconds` (5 s) is only a safety net.

It prints p50, p95 and the largest lag of each, in milliseconds.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from domain import persons  # noqa: E402
from domain.facts import Actor  # noqa: E402
from eventstore import FactStore  # noqa: E402
from mentorat.bootstrap import build_container, build_store  # noqa: E402
from mentorat.logging import configure_logging  # noqa: E402
from mentorat.settings import Settings  # noqa: E402
from processes import add_postgres_arguments, throwaway_postgres  # noqa: E402

STAFF = Actor("staff", "bench")


def register(store: FactStore, number: int) -> str:
    person_id = uuid.uuid4()
    person = persons.Person(str(person_id), "mentor", f"Mentor {number}", None, None, ["fr"])
    store.append(person_id, [persons.register(person, STAFF, datetime.now(timezone.utc), f"reg-{person_id}", None)])
    return str(person_id)


def lags(settings: Settings, notified: bool, facts: int, rng: random.Random) -> list[float]:
    container = build_container(settings)
    writer = build_store(settings)
    if not notified:
        container.store.watch_commits = lambda on_commit: None  # as on SQLite: no commit signal, it polls
    container.projector.start()
    try:
        time.sleep(0.5)  # listening, and the first look at the log done
        measured = []
        for number in range(facts):
            time.sleep(rng.uniform(0.05, 0.25))
            person_id = register(writer, number)
            committed = time.perf_counter()
            while container.views.person(person_id) is None:
                if time.perf_counter() - committed > 30:
                    raise RuntimeError(f"person {person_id} not in the views after 30 s")
                time.sleep(0.001)
            measured.append(time.perf_counter() - committed)
        return measured
    finally:
        container.close()
        writer.close()


def show(name: str, samples: list[float]) -> None:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    print(f"  {name:<10} p50 {cuts[49] * 1000:7.1f} ms   p95 {cuts[94] * 1000:7.1f} ms   "
          f"max {max(samples) * 1000:7.1f} ms   ({len(samples)} facts)", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--facts", type=int, default=60, help="appends measured in each mode")
    parser.add_argument("--seed", type=int, default=1)
    add_postgres_arguments(parser)
    args = parser.parse_args()
    configure_logging("console", "WARNING")
    with tempfile.TemporaryDirectory(prefix="bench-lag-") as data_dir, \
            throwaway_postgres(args, "lag", data_dir=Path(data_dir), log_level="WARNING") as settings:
        print(f"PostgreSQL, append to visible in the views (poll {settings.projection_poll_seconds} s; notified, "
              f"safety poll {settings.projection_notified_poll_seconds} s):", flush=True)
        show("polling", lags(settings, False, args.facts, random.Random(args.seed)))
        show("notified", lags(settings, True, args.facts, random.Random(args.seed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
