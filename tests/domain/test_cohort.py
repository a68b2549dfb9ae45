"""A cohort's assignment: never a pair a mandatory criterion rules out, never more mentees than a mentor's places,
as many pairs as can be made and then the best total score — never worse than a greedy pass, and better on a known
case."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from domain.cohort import Pair, assign, greedy, total


@st.composite
def cohorts(draw):
    mentees, mentors = draw(st.integers(0, 8)), draw(st.integers(0, 6))
    scores = draw(arrays(np.int64, (mentees, mentors), elements=st.integers(0, 100)))
    allowed = draw(arrays(np.bool_, (mentees, mentors)))
    places = draw(st.lists(st.integers(0, 3), min_size=mentors, max_size=mentors))
    return scores, allowed, places


def best_by_search(scores, allowed, places, mentee=0, left=None) -> tuple[int, int]:
    """Every assignment tried, for the small cohorts hypothesis draws: the best (pairs, total score)."""
    left = list(places) if left is None else left
    if mentee == scores.shape[0]:
        return 0, 0
    best = best_by_search(scores, allowed, places, mentee + 1, left)  # this mentee waits
    for mentor in range(scores.shape[1]):
        if allowed[mentee, mentor] and left[mentor] > 0:
            left[mentor] -= 1
            count, score = best_by_search(scores, allowed, places, mentee + 1, left)
            left[mentor] += 1
            best = max(best, (count + 1, score + int(scores[mentee, mentor])))
    return best


@settings(max_examples=200, deadline=None)
@given(cohorts())
def test_the_assignment_keeps_the_rules_and_is_optimal(cohort):
    scores, allowed, places = cohort

    pairs = assign(scores, allowed, places)

    assert all(allowed[p.mentee, p.mentor] for p in pairs)
    assert len({p.mentee for p in pairs}) == len(pairs)
    assert all(sum(1 for p in pairs if p.mentor == mentor) <= places[mentor] for mentor in range(len(places)))
    assert all(p.score == scores[p.mentee, p.mentor] for p in pairs)
    assert total(pairs) == best_by_search(scores, allowed, places)
    assert total(pairs) >= total(greedy(scores, allowed, places))


def test_it_beats_a_greedy_pass_on_a_known_case():
    # Greedy takes the best pair (mentee 0 with mentor 0) and leaves mentee 1 without a mentor; the optimum pairs
    # both, each with the mentor only they may have.
    scores = np.array([[90, 80], [85, 0]])
    allowed = np.array([[True, True], [True, False]])

    assert greedy(scores, allowed, [1, 1]) == [Pair(0, 0, 90)]
    assert assign(scores, allowed, [1, 1]) == [Pair(0, 1, 80), Pair(1, 0, 85)]
    # With the pairs' number equal, the total score decides.
    assert total(assign(np.array([[60, 50], [70, 10]]), np.ones((2, 2), bool), [1, 1])) == (2, 120)


def test_a_mentor_with_two_places_takes_two_mentees():
    pairs = assign(np.array([[50], [40], [30]]), np.ones((3, 1), bool), [2])

    assert [(p.mentee, p.mentor) for p in pairs] == [(0, 0), (1, 0)]
