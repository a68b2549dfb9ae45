"""Matching benchmark: suggestions for one mentee among many mentors, and the assignment of a whole cohort.

    uv run python bench/matching.py                     # 5,000 mentors, 200 mentees; a 2,000 × 2,000 cohort
    uv run python bench/matching.py --mentors 1000 --mentees 50 --cohort 500

Profiles are drawn at random (fixed seed) over the real code lists (NACE sections, CEFR levels, half-days, Belgian
municipalities) with the default criteria. Printed:

  suggestions  the time to score every mentor for one mentee and keep the best ten, with their explanations:
               `pool` (`domain.matching_pool.MentorPool`, the mentors prepared once as arrays: what the API will
               run), p50 / p99 over the mentees; `plain` (`domain.matching.suggestions`, one `match` per mentor)
               over the first 20, as the baseline; and the time to prepare the pool;
  cohort       `domain.cohort.assign` on a random cohort: scores and mandatory criteria drawn, capacities of one to
               three places; beside it bare `scipy.optimize.linear_sum_assignment` on the same places matrix (the
               floor: no scoring, no building), and the greedy pass's pairs and total for comparison.
"""

import argparse
import random
import statistics
import time
from datetime import date

import numpy as np
from scipy.optimize import linear_sum_assignment

from domain import cohort, matching, places, profiles
from domain.matching_pool import MentorPool
from domain.sectors import NACE_SECTIONS

ON = date(2026, 6, 1)
WORDS = ["lecture", "vélo", "cinéma", "jeux", "musique", "voyage", "cuisine", "jardin", "course", "théâtre"]


def profile(rng: random.Random, municipalities: list[str], mentor: bool) -> dict:
    found = {
        "sectors": rng.sample(NACE_SECTIONS, rng.randint(1, 3)),
        "function": rng.choice(["Magasinier", "Comptable", "Aide-soignant", "Responsable logistique", "Vendeur"]),
        "interests": rng.sample(WORDS, 3), "hobbies": rng.sample(WORDS, 2),
        "birth_date": date(rng.randint(1960, 2005), rng.randint(1, 12), rng.randint(1, 28)).isoformat(),
        "language_levels": {code: rng.choice(profiles.CEFR_LEVELS) for code in rng.sample(["fr", "nl", "en", "ar"], 2)},
        "municipality": rng.choice(municipalities),
        "meeting_mode": rng.choice(profiles.MEETING_PREFERENCES),
        "expectations": rng.choice(["Trouver un emploi durable", "Préparer les entretiens d'embauche",
                                    "Reprendre confiance et trouver un emploi"]),
        "availability": rng.sample(profiles.AVAILABILITY_SLOTS, 4),
    }
    if mentor:
        found["experience_sectors"] = rng.sample(NACE_SECTIONS, 2)
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mentors", type=int, default=5000)
    parser.add_argument("--mentees", type=int, default=200)
    parser.add_argument("--cohort", type=int, default=2000)
    args = parser.parse_args()
    rng = random.Random(7)
    # Brussels and its surroundings: the distances vary, the cache of locations is warm after the first pairs.
    municipalities = places.municipality_codes()[:80]
    mentors = {f"mentor-{i}": profile(rng, municipalities, True) for i in range(args.mentors)}
    mentees = [profile(rng, municipalities, False) for _ in range(args.mentees)]
    start = time.perf_counter()
    pool = MentorPool(mentors)
    prepared = time.perf_counter() - start
    for name, suggest in (("pool", lambda mentee: pool.suggestions(mentee, on=ON)),
                          ("plain", lambda mentee: matching.suggestions(mentee, mentors, True, on=ON))):
        suggest(mentees[0])  # warm-up
        timings = []
        for mentee in mentees if name == "pool" else mentees[:20]:
            start = time.perf_counter()
            suggest(mentee)
            timings.append((time.perf_counter() - start) * 1000)
        timings.sort()
        p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
        print(f"suggestions  {name:5} {args.mentors} mentors, {len(timings)} mentees: "
              f"p50 {statistics.median(timings):.1f} ms, p99 {p99:.1f} ms")
    print(f"pool         prepared once in {prepared * 1000:.0f} ms")

    generator = np.random.default_rng(7)
    n = args.cohort
    scores = generator.integers(0, 101, (n, n))
    allowed = generator.random((n, n)) < 0.3
    capacities = generator.integers(1, 4, n)
    start = time.perf_counter()
    pairs = cohort.assign(scores, allowed, capacities)
    ours = time.perf_counter() - start
    slots = np.repeat(np.arange(n), capacities)
    matrix = np.where(allowed, scores + 1, 0)[:, slots].astype(np.float64)
    start = time.perf_counter()
    linear_sum_assignment(matrix, maximize=True)
    bare = time.perf_counter() - start
    greedy = cohort.greedy(scores, allowed, capacities)
    print(f"cohort       {n} mentees × {n} mentors ({slots.size} places): assign {ours:.2f} s, bare scipy "
          f"{bare:.2f} s (ratio {ours / bare:.2f}); pairs/total: optimal {cohort.total(pairs)}, "
          f"greedy {cohort.total(greedy)}")


if __name__ == "__main__":
    main()
