"""Paging benchmark: the first page and a deep page of the binômes list, read by keys (this code) and by OFFSET
(the old paging, as the baseline), on the same data in the same run, on SQLite and on PostgreSQL.

    uv run python bench/paging.py                                  # both stores: 100,000 binômes, page at 90,000
    uv run python bench/paging.py --store sqlite --rows 20000 --deep 18000

The binômes view is filled directly (its own tables, migrated by the views' own code; no event store, no
Temporal): rows shaped as the projection writes them, each with a real folded state (~1.9 kB of JSON), proposal
dates spread over three years. Timed, each the median of --repeat runs after one warm-up, every run in its own
read transaction as the API's are:

  keyset   the page after the key of the row before it (`projections.paging.read_page`, the code the API runs);
  offset   the same rows in the same order with LIMIT/OFFSET (what the list did before: it had to read and drop
           every row before the page; here it even gets the indexes this code added);
  count    the filtered count behind `total` (the old list counted on every page; now only the first page does);
  served   `Views.binomes` as the API calls it now, against "before": offset + count on every page, on this
           schema and then as it really ran, on its own schema (the views downgraded to revision 0003, which had
           no index for the unfiltered order) with its own ORDER BY.

The same figures for one filter (`stage=active`, its deep page at the same fraction of its rows). SQLite runs in a
temporary directory; PostgreSQL in a throwaway database (`bench_paging_<time>`, VACUUM ANALYZE'd after the fill as
autovacuum would), dropped at the end. The machine is shared and noisy: compare figures of one run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg
from sqlalchemy import func, insert, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from domain.stages import Stage  # noqa: E402
from domain.state import BinomeState  # noqa: E402
from projections import schema  # noqa: E402
from projections.database import ViewDatabase, postgres_views, sqlite_views  # noqa: E402
from projections.paging import read_page  # noqa: E402
from projections.queries import BINOME_LIST_COLUMNS, BINOME_ORDER, Views  # noqa: E402
from projections.tables import binomes  # noqa: E402
from projections.timestamps import to_text  # noqa: E402

BATCH = 5000
START = datetime(2023, 1, 1, tzinfo=timezone.utc)
SPREAD_SECONDS = 3 * 365 * 24 * 3600
# Roughly how a running programme's binômes spread over the stages.
STAGES = {Stage.ACTIVE: 30, Stage.COMPLETED: 35, Stage.PROPOSAL_EXPIRED: 8, Stage.PROPOSAL_REFUSED: 7,
          Stage.INTAKE: 6, Stage.PROPOSED: 5, Stage.AWAITING_FIRST_MEETING: 5, Stage.EVALUATION: 4}


def binome_rows(count: int, seed: int) -> Iterator[list[dict]]:
    """`count` rows as the binômes projection writes them, in batches."""
    rng = random.Random(seed)
    stages, weights = list(STAGES), list(STAGES.values())
    for start in range(0, count, BATCH):
        batch = []
        for _ in range(min(BATCH, count - start)):
            proposed_at = START + timedelta(seconds=rng.randrange(SPREAD_SECONDS),
                                            microseconds=rng.randrange(10 ** 6))
            state = BinomeState(_uuid(rng), stage=rng.choices(stages, weights)[0], version=rng.randrange(1, 60),
                                mentor_id=_uuid(rng), mentee_id=_uuid(rng), proposed_at=proposed_at)
            batch.append({"binome_id": state.binome_id, "stage": state.stage.value, "mentor_id": state.mentor_id,
                          "mentee_id": state.mentee_id, "version": state.version, "overdue": int(rng.random() < 0.1),
                          "proposed_at": to_text(proposed_at),
                          "next_due_at": to_text(proposed_at + timedelta(days=30)),
                          "state": json.dumps(state.to_dict()), "programme_id": "default"})
        yield batch


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def fill(db: ViewDatabase, rows: int, seed: int) -> float:
    started = time.perf_counter()
    with db.write() as conn:
        schema.upgrade(conn)
    for batch in binome_rows(rows, seed):
        with db.write() as conn:
            conn.execute(insert(binomes), batch)
    if db.dialect == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE binomes"))
    return time.perf_counter() - started


def median_ms(run: Callable[[], object], repeat: int) -> float:
    run()  # warm-up: caches, the pool's connection
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def measure(db: ViewDatabase, stage: str | None, deep: int, limit: int, repeat: int) -> dict[str, float]:
    views = Views(db)
    query = select(*BINOME_LIST_COLUMNS).where(*([binomes.c.stage == stage] if stage else []))
    ordered = query.order_by(*BINOME_ORDER.order_by())

    def keyset(after):
        with db.read() as conn:
            return read_page(conn, query, BINOME_ORDER, limit, after).rows

    def offset(position: int):
        with db.read() as conn:
            return conn.execute(ordered.limit(limit).offset(position)).all()

    def count():
        with db.read() as conn:
            return conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()

    with db.read() as conn:  # the key of the row just before the deep page, as its cursor holds it
        before = conn.execute(ordered.limit(1).offset(deep - 1)).mappings().one()
    after = BINOME_ORDER.key_of(before)
    deep_page = keyset(after)
    assert [r["binome_id"] for r in deep_page] == [r.binome_id for r in offset(deep)], "keyset and offset differ"
    figures = {
        "keyset first": median_ms(lambda: keyset(None), repeat),
        "keyset deep": median_ms(lambda: keyset(after), repeat),
        "offset first": median_ms(lambda: offset(0), repeat),
        "offset deep": median_ms(lambda: offset(deep), repeat),
        "count": median_ms(count, repeat),
        "served first": median_ms(lambda: views.binomes(stage, None, None, None, limit), repeat),
        "served deep": median_ms(lambda: views.binomes(stage, None, None, None, limit, after=after), repeat),
    }
    figures["before first"] = figures["offset first"] + figures["count"]
    figures["before deep"] = figures["offset deep"] + figures["count"]
    return figures


def measure_before(db: ViewDatabase, stage: str | None, deep: int, limit: int, repeat: int) -> dict[str, float]:
    """The old list's two statements, as they were (revision 0003 of the views): an OFFSET page and the count."""
    query = select(*BINOME_LIST_COLUMNS).where(*([binomes.c.stage == stage] if stage else []))
    ordered = query.order_by(binomes.c.proposed_at.desc(), binomes.c.binome_id)

    def page(position: int):
        with db.read() as conn:
            conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
            return conn.execute(ordered.limit(limit).offset(position)).all()

    return {"own first": median_ms(lambda: page(0), repeat), "own deep": median_ms(lambda: page(deep), repeat)}


def report(store: str, rows: int, filled_s: float, limit: int, repeat: int,
           cases: list[tuple[str, int, int, dict[str, float]]]) -> None:
    print(f"\n{store}: {rows:,} binômes (filled in {filled_s:.1f} s), pages of {limit}, median of {repeat} runs, ms")
    for label, selected, deep, f in cases:
        print(f"  {label} ({selected:,} rows)".ljust(44) + "first page".rjust(12) + f"page at {deep:,}".rjust(18))
        for name, first, deep_ms in (
                ("keyset rows (this code)", f["keyset first"], f["keyset deep"]),
                ("OFFSET rows (same order and indexes)", f["offset first"], f["offset deep"]),
                ("served now: keyset, total on page 1", f["served first"], f["served deep"]),
                ("served before: OFFSET + count", f["before first"], f["before deep"]),
                ("  the same, on its own schema (0003)", f["own first"], f["own deep"])):
            print(f"    {name}".ljust(44) + f"{first:12.2f}{deep_ms:18.2f}")
        print("    count (`total`)".ljust(44) + f"{f['count']:12.2f}")


def run(store: str, db: ViewDatabase, args) -> None:
    filled = fill(db, args.rows, args.seed)
    with db.read() as conn:
        active = conn.execute(select(func.count()).where(binomes.c.stage == "active")).scalar_one()
    # (label, stage filter, rows it selects, deep position): the filter's deep page at the same fraction of its rows
    cases = [("all binômes", None, args.rows, args.deep),
             ("stage=active", "active", active, max(1, active * args.deep // args.rows))]
    figures = [measure(db, stage, deep, args.limit, args.repeat) for _, stage, _, deep in cases]
    with db.write() as conn:
        schema.downgrade(conn, "0003")
    for (_, stage, _, deep), measured in zip(cases, figures):
        measured.update(measure_before(db, stage, deep, args.limit, args.repeat))
    report(store, args.rows, filled, args.limit, args.repeat,
           [(label, selected, deep, measured) for (label, _, selected, deep), measured in zip(cases, figures)])


@contextlib.contextmanager
def throwaway_postgres(args) -> Iterator[ViewDatabase]:
    name = f"bench_paging_{time.strftime('%Y%m%d_%H%M%S')}"
    admin = dict(host=args.pg_host, port=args.pg_port, user=args.pg_user, password=args.pg_password or None,
                 dbname="postgres", autocommit=True)
    with psycopg.connect(**admin) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    db = postgres_views(args.pg_host, args.pg_port, name, args.pg_user, args.pg_password, pool_size=2)
    try:
        yield db
    finally:
        db.close()
        with psycopg.connect(**admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--deep", type=int, default=90_000, help="position of the deep page's first row")
    parser.add_argument("--limit", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pg-host", default=os.environ.get("MENTORAT_POSTGRES_HOST", "127.0.0.1"))
    parser.add_argument("--pg-port", type=int, default=int(os.environ.get("MENTORAT_POSTGRES_PORT", "5432")))
    parser.add_argument("--pg-user", default=os.environ.get("MENTORAT_POSTGRES_USER", "postgres"))
    parser.add_argument("--pg-password", default=os.environ.get("MENTORAT_POSTGRES_PASSWORD", ""))
    args = parser.parse_args()
    if not 0 < args.deep < args.rows:
        parser.error("--deep must fall inside the rows")
    if args.store in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix="bench_paging_") as scratch:
            db = sqlite_views(Path(scratch) / "views.sqlite")
            try:
                run("sqlite", db, args)
            finally:
                db.close()
    if args.store in ("postgres", "both"):
        with throwaway_postgres(args) as db:
            run("postgresql", db, args)


if __name__ == "__main__":
    main()
