"""The assignment of a whole cohort: waiting mentees to available mentors, each mentor up to the places left in
their capacity, only pairs allowed by the mandatory criteria. It first makes as many pairs as can be made, then,
among those assignments, the one with the highest total score: optimal, by the Hungarian method over the mentors'
places (`scipy.optimize.linear_sum_assignment`), not a greedy pass.

Each allowed pair is worth a bonus larger than any total of scores, plus its score: the best assignment by worth
is then the largest one, and of the largest the best scored.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

MAX_SCORE = 100


@dataclass(frozen=True)
class Pair:
    mentee: int
    mentor: int
    score: int


def assign(scores: np.ndarray, allowed: np.ndarray, places: Sequence[int]) -> list[Pair]:
    """`scores[i, j]` (0–100) and `allowed[i, j]` for mentee i and mentor j; `places[j]`: how many more mentees
    mentor j may take. The pairs of an optimal assignment, by mentee."""
    mentees, mentors = scores.shape
    slots = np.repeat(np.arange(mentors), np.asarray(places, dtype=int))  # one column per place
    if mentees == 0 or slots.size == 0:
        return []
    bonus = MAX_SCORE * min(mentees, slots.size) + 1
    worth = np.where(allowed, scores + bonus, 0)[:, slots].astype(np.float64)
    rows, columns = linear_sum_assignment(worth, maximize=True)
    return [Pair(int(i), int(slots[c]), int(scores[i, slots[c]])) for i, c in zip(rows, columns) if allowed[i, slots[c]]]


def greedy(scores: np.ndarray, allowed: np.ndarray, places: Sequence[int]) -> list[Pair]:
    """The pass a spreadsheet would make: the best-scored allowed pairs first, while both sides are free. For
    comparison only."""
    left = list(places)
    taken: set[int] = set()
    pairs = []
    order = np.argsort(-np.where(allowed, scores, -1), axis=None, kind="stable")
    for flat in order:
        i, j = divmod(int(flat), scores.shape[1])
        if not allowed[i, j]:
            break
        if i in taken or left[j] == 0:
            continue
        taken.add(i)
        left[j] -= 1
        pairs.append(Pair(i, j, int(scores[i, j])))
    return sorted(pairs, key=lambda pair: pair.mentee)


def total(pairs: list[Pair]) -> tuple[int, int]:
    """How an assignment compares: pairs made, then their total score."""
    return len(pairs), sum(pair.score for pair in pairs)
