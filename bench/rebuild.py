"""Rebuild benchmark: `mentorat rebuild-views` against a raw read of the notification log, same run, same store.

    uv run python bench/rebuild.py --store sqlite
    uv run python bench/rebuild.py --store postgres --binomes 8000     # about 400k facts

A throwaway store (a temporary directory, or a PostgreSQL database `bench_rebuild_<time>`, dropped at the end)
is filled with a realistic history (bench/history.py: programmes, persons, binômes with whole lifecycles,
about 49 facts per binôme). Then, on that store, it measures facts per second for:

  raw read   `FactStore.read_log` in chunks of the rebuild's own size over the whole log, every fact decoded
             (no view): what any reader of the log does at least;
  rebuild    `Projector.rebuild()` of every view, as `mentorat rebuild-views` runs it, on views already built
             (a first rebuild, on the empty views, builds them; both are printed);

and prints rebuild / raw read. The raw read is taken before and after the rebuilds; the faster one is kept. A
rebuild pauses the garbage collector (projections/collector.py); the raw read is also shown run the same way, and
the rebuild against it, so the gain of that pause alone is not mistaken for the rest.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import history  # noqa: E402
from eventstore import FactStore  # noqa: E402
from mentorat.bootstrap import build_container  # noqa: E402
from mentorat.logging import configure_logging  # noqa: E402
from mentorat.settings import Settings  # noqa: E402
from processes import add_postgres_arguments, throwaway_postgres  # noqa: E402
from projections.collector import collector_paused  # noqa: E402
from projections.projector import REBUILD_READ_SIZE  # noqa: E402


def raw_read(store: FactStore) -> int:
    """Every fact of the log, decoded, in chunks: what any follower must at least do."""
    position = count = 0
    while facts := store.read_log(position, REBUILD_READ_SIZE):
        position = facts[-1].notification_id
        count += len(facts)
    return count


def raw_read_collector_paused(store: FactStore) -> int:
    with collector_paused():
        return raw_read(store)


def per_second(action: Callable[[], int]) -> tuple[int, float]:
    started = time.perf_counter()
    count = action()
    return count, count / (time.perf_counter() - started)


@contextlib.contextmanager
def throwaway_settings(kind: str, args: argparse.Namespace) -> Iterator[Settings]:
    with tempfile.TemporaryDirectory(prefix="bench-rebuild-") as data_dir:
        common = {"data_dir": Path(data_dir), "log_level": "WARNING"}
        if kind == "sqlite":
            yield Settings(_env_file=None, event_store="sqlite", **common)
            return
        with throwaway_postgres(args, "rebuild", **common) as settings:
            yield settings


def progress(label: str) -> Callable[[int, int], None] | None:
    """The rebuild's progress, on a terminal only (as `mentorat rebuild-views` shows it)."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        print(f"\r  {label}: {done}/{total}", end="" if done < total else "\n", flush=True, file=sys.stderr)
    return show


def fill(store: FactStore, args: argparse.Namespace) -> None:
    started = time.perf_counter()
    steps = history.plan(args.binomes, args.seed)
    planned = time.perf_counter()
    written = history.write(store, steps)
    print(f"  {args.binomes} binômes planned through the domain in {planned - started:.1f} s, their {written} facts "
          f"appended in {time.perf_counter() - planned:.1f} s", flush=True)


def run(kind: str, args: argparse.Namespace) -> dict[str, float]:
    with throwaway_settings(kind, args) as settings:
        container = build_container(settings)
        try:
            print(f"{kind}:", flush=True)
            fill(container.store, args)
            gc.collect()  # the plan is gone: the figures below are not slowed by the collector walking it
            total = container.store.last_log_position()
            print(f"  {total} facts in the log", flush=True)
            raws = [per_second(lambda: raw_read(container.store))[1]]
            paused = [per_second(lambda: raw_read_collector_paused(container.store))[1]]
            _, first = per_second(lambda: container.projector.rebuild(on_progress=progress("first rebuild")))
            _, again = per_second(lambda: container.projector.rebuild(on_progress=progress("rebuild")))
            raws.append(per_second(lambda: raw_read(container.store))[1])
            paused.append(per_second(lambda: raw_read_collector_paused(container.store))[1])
        finally:
            container.close()
    raw, raw_paused = max(raws), max(paused)
    print(f"  raw read                   {raw:8.0f} facts/s   (chunks of {REBUILD_READ_SIZE})")
    print(f"  raw read, collector paused {raw_paused:8.0f} facts/s")
    print(f"  first rebuild              {first:8.0f} facts/s   (empty views)")
    print(f"  rebuild                    {again:8.0f} facts/s   (views built: emptied, then replayed)")
    print(f"  rebuild / raw read = {again / raw:.0%}   (against the raw read with the collector paused: "
          f"{again / raw_paused:.0%})", flush=True)
    return {"facts": total, "raw_read": raw, "raw_read_collector_paused": raw_paused, "first_rebuild": first,
            "rebuild": again}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--binomes", type=int, default=2100, help="binômes in the store (about 49 facts each)")
    parser.add_argument("--seed", type=int, default=1)
    add_postgres_arguments(parser)
    args = parser.parse_args()
    configure_logging("console", "WARNING")
    for kind in (["sqlite", "postgres"] if args.store == "both" else [args.store]):
        run(kind, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
