"""Matching through the service, on a real store and its views: what a staff member's request costs.

    uv run python bench/matching_service.py                 # 5,000 mentors, 200 mentees, a 2,000 × 2,000 draft
    uv run python bench/matching_service.py --mentors 1000 --mentees 50 --cohort 300

Persons are recorded as facts (registration and matching profile, drawn as bench/matching.py draws them) on a
throwaway SQLite store, and the views are caught up; then, through `application.matching.MatchingService` (the
composition root's, as the API calls it). Printed:

  suggestions  suggestions for one mentee, p50 / p99 over the mentees: the mentors' availability read from the
               views, the pool of their profiles (built once, kept while no mentor changes), the best ten scored
               and explained, the read logged as a personal-data read; the first call (which builds the pool) apart;
  draft        a cohort draft made for the programme: every waiting mentee against every available mentor, the
               optimal assignment, the draft recorded as a fact.
"""

import argparse
import asyncio
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

import matching as drawn  # noqa: E402
from domain import persons, places  # noqa: E402
from domain.facts import Actor, Fact  # noqa: E402
from domain.principals import Principal, Role  # noqa: E402
from mentorat.bootstrap import build_container, build_services  # noqa: E402
from mentorat.settings import Settings  # noqa: E402

STAFF = Actor("staff", "bench")


def record(store, role: str, count: int, rng: random.Random, municipalities: list[str]) -> list[str]:
    """`count` persons of `role`, ready to be matched, each with a matching profile."""
    ids = []
    now = datetime.now(timezone.utc)
    for n in range(count):
        person_id = str(uuid.uuid4())
        step = persons.PROPOSABLE_STEP[role]
        registered = persons.register(persons.Person(person_id, role, f"{role} {n}", None, None, ["fr"], step=step),
                                      STAFF, now, f"bench-{person_id}", None)
        profile = Fact("MatchingProfileChanged", 2, now, STAFF,
                       {"changes": drawn.profile(rng, municipalities, role == "mentor")})
        store.append(uuid.UUID(person_id), [registered, profile])
        ids.append(person_id)
    return ids


def percentile(values: list[float], share: float) -> float:
    return sorted(values)[min(len(values) - 1, int(share * len(values)))]


async def measure(args: argparse.Namespace) -> None:
    rng = random.Random(7)
    municipalities = places.municipality_codes()[:80]
    with tempfile.TemporaryDirectory(prefix="bench-matching-") as data_dir:
        container = build_container(Settings(_env_file=None, event_store="sqlite", data_dir=Path(data_dir),
                                             log_level="WARNING"))
        services = build_services(container, run_projector=False)
        staff = Principal(Role.ADMINISTRATOR, "bench")
        record(container.store, "mentor", args.mentors, rng, municipalities)
        mentees = record(container.store, "mentee", args.mentees, rng, municipalities)
        container.projector.catch_up()

        started = time.perf_counter()
        await services.matching.for_mentee(mentees[0], staff, 10)
        first = time.perf_counter() - started
        times = []
        for mentee in mentees:
            started = time.perf_counter()
            await services.matching.for_mentee(mentee, staff, 10)
            times.append((time.perf_counter() - started) * 1000)
        print(f"suggestions  {args.mentors} mentors, {len(mentees)} mentees: p50 {statistics.median(times):.1f} ms, "
              f"p99 {percentile(times, 0.99):.1f} ms (first call, building the pool: {first * 1000:.0f} ms)")
        container.close()

    with tempfile.TemporaryDirectory(prefix="bench-matching-") as data_dir:
        container = build_container(Settings(_env_file=None, event_store="sqlite", data_dir=Path(data_dir),
                                             log_level="WARNING"))
        services = build_services(container, run_projector=False)
        record(container.store, "mentor", args.cohort, rng, municipalities)
        record(container.store, "mentee", args.cohort, rng, municipalities)
        container.projector.catch_up()
        started = time.perf_counter()
        draft = await services.matching.make_draft("default", staff, None)
        took = time.perf_counter() - started
        print(f"draft        {args.cohort} mentees × {args.cohort} mentors: {took:.2f} s, "
              f"{len(draft.state.pairs)} pairs, total score {sum(s for _, s in draft.state.pairs.values())}")
        container.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mentors", type=int, default=5000)
    parser.add_argument("--mentees", type=int, default=200)
    parser.add_argument("--cohort", type=int, default=2000)
    asyncio.run(measure(parser.parse_args()))


if __name__ == "__main__":
    main()
