"""Who matching may pair, and cohort drafts as facts: every reason a pair is not suggested (the rules across binômes,
the pair's past, the mandatory criteria); a draft made once, its pairs removed or swapped only into allowed pairs and
never once proposed; and why a draft does not hold an allowed pair."""

from datetime import datetime, timedelta, timezone

import pytest

from domain import cohort_drafts, matching
from domain.candidates import Candidates
from domain.decide import decide
from domain.commands import CommandEnvelope
from domain.errors import IdempotencyConflict, InvalidInput, NotAllowed
from domain.facts import Actor
from domain.matching import DEFAULT_CRITERIA
from domain.persons import PersonState
from domain.state import BinomeState

NOW = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
STAFF = Actor("staff", "coordinator-1")
PROFILE = {"sectors": ["H"], "language_levels": {"fr": "native"}, "meeting_mode": "in_person",
           "municipality": "21004"}


def mentor(person_id: str, **changes) -> PersonState:
    return PersonState(person_id, **{"role": "mentor", "step": "ready", "capacity": 1, "profile": dict(PROFILE),
                                     **changes})


def mentee(person_id: str, **changes) -> PersonState:
    return PersonState(person_id, **{"role": "mentee", "step": "selected", "profile": dict(PROFILE), **changes})


def codes(reasons) -> list[str]:
    return [reason.code for reason in reasons]


def test_a_pair_that_may_be_proposed_has_no_reason_against_it():
    candidates = Candidates({"m": mentor("m")}, {"e": mentee("e")}, {}, NOW)

    assert candidates.why_not("m", "e", DEFAULT_CRITERIA) == []
    assert candidates.available("mentor") == ["m"] and candidates.places("m") == 1


@pytest.mark.parametrize("the_mentor, the_mentee, past, expected", [
    (mentor("m", step="interviewed"), mentee("e"), {}, ["mentor_not_ready"]),
    (mentor("m", paused_until=NOW + timedelta(days=3)), mentee("e"), {}, ["mentor_paused"]),
    (mentor("m", open_binomes={"b1": "other"}), mentee("e"), {}, ["mentor_at_capacity"]),
    (mentor("m"), mentee("e", step="interviewed"), {}, ["mentee_not_selected"]),
    (mentor("m"), mentee("e", open_binomes={"b1": "other"}), {}, ["mentee_already_in_binome"]),
    (mentor("m"), mentee("e"), {("m", "e"): "proposal_refused"}, ["pair_refused_before"]),
    (mentor("m"), mentee("e"), {("m", "e"): "proposal_expired"}, ["pair_expired_before"]),
    (mentor("m"), mentee("e"), {("m", "e"): "completed"}, ["pair_was_binome"]),
    (mentor("m", profile={**PROFILE, "language_levels": {"nl": "C2"}}), mentee("e"), {},
     ["mandatory_criterion_failed"]),
])
def test_every_reason_against_a_pair_is_given(the_mentor, the_mentee, past, expected):
    candidates = Candidates({"m": the_mentor}, {"e": the_mentee}, past, NOW)

    assert codes(candidates.why_not("m", "e", DEFAULT_CRITERIA)) == expected


def draft(pairs=(("e1", "m1", 80), ("e2", "m2", 60)), unmatched=("e3",), places=None) -> cohort_drafts.DraftState:
    facts = cohort_drafts.make(cohort_drafts.DraftState("d"), "default", DEFAULT_CRITERIA, list(pairs),
                               list(unmatched), places or {"m1": 1, "m2": 1}, STAFF, NOW, "key-1", "print-1")
    return cohort_drafts.fold("d", facts)


def test_a_draft_is_made_once_with_its_criteria_and_pairs():
    state = draft()

    assert state.pairs == {"e1": ("m1", 80), "e2": ("m2", 60)} and state.unmatched == ["e3"]
    assert state.matching_criteria() == DEFAULT_CRITERIA and cohort_drafts.total_score(state) == 140
    assert cohort_drafts.make(state, "default", DEFAULT_CRITERIA, [], [], {}, STAFF, NOW, "key-1", "print-1") == []
    with pytest.raises(IdempotencyConflict):
        cohort_drafts.make(state, "other", DEFAULT_CRITERIA, [], [], {}, STAFF, NOW, "key-1", "print-2")


def test_a_removed_pair_frees_its_mentee_and_says_so_when_asked():
    state = draft()
    facts = cohort_drafts.remove(state, "e1", set(), STAFF, NOW, "remove-1", "p")
    for fact in facts:
        cohort_drafts.evolve(state, fact)

    assert [f.type for f in facts] == ["DraftPairRemoved"] and "e1" not in state.pairs
    assert codes(cohort_drafts.absent_because(state, "m1", "e1", 80)) == ["draft_pair_removed"]
    with pytest.raises(NotAllowed) as missing:
        cohort_drafts.remove(state, "e1", set(), STAFF, NOW, "remove-2", "p")
    assert missing.value.code == "draft_pair_not_found"


def test_a_proposed_pair_belongs_to_its_binome():
    with pytest.raises(NotAllowed) as refused:
        cohort_drafts.remove(draft(), "e1", {"e1"}, STAFF, NOW, "remove-1", "p")
    assert refused.value.code == "draft_pair_proposed"


def test_a_swap_gives_each_mentee_the_others_mentor_only_into_allowed_pairs():
    state = draft()
    allowed = {"e1": (matching.Match(55, True, []), []), "e2": (matching.Match(70, True, []), [])}

    facts = cohort_drafts.swap(state, "e1", "e2", allowed, set(), STAFF, NOW, "swap-1", "p")
    for fact in facts:
        cohort_drafts.evolve(state, fact)

    assert state.pairs == {"e1": ("m2", 55), "e2": ("m1", 70)}
    ruled_out = {**allowed, "e2": (matching.Match(0, False, []), [NotAllowed("pair_refused_before")])}
    with pytest.raises(NotAllowed) as refused:
        cohort_drafts.swap(state, "e1", "e2", ruled_out, set(), STAFF, NOW, "swap-2", "p")
    assert (refused.value.code, refused.value.field, refused.value.params) == (
        "swap_not_allowed", "mentee_ids.1", {"reason_code": "pair_refused_before"})


def test_why_a_draft_does_not_hold_an_allowed_pair():
    state = draft(places={"m1": 1, "m2": 1, "m3": 2})

    assert codes(cohort_drafts.absent_because(state, "m2", "e1", 75)) == ["mentee_paired_elsewhere",
                                                                          "mentor_places_taken"]
    assert cohort_drafts.absent_because(state, "m2", "e1", 75)[0].params == {"mentor_id": "m1", "score": 80,
                                                                             "this": 75}
    assert codes(cohort_drafts.absent_because(state, "m3", "e3", 40)) == ["not_chosen"]
    assert codes(cohort_drafts.absent_because(state, "m9", "e9", 40)) == ["mentee_not_in_draft",
                                                                          "mentor_not_in_draft"]
    assert cohort_drafts.absent_because(state, "m1", "e1", 80) == []


@pytest.mark.parametrize("settings, field", [
    ({}, "matching_criteria"),
    ({"astrology": {"mandatory": False, "weight": 5}}, "matching_criteria.astrology"),
    ({"sector": {"mandatory": "yes", "weight": 5}}, "matching_criteria.sector.mandatory"),
    ({"sector": {"mandatory": False, "weight": 101}}, "matching_criteria.sector.weight"),
    ({"sector": {"mandatory": False}}, "matching_criteria.sector"),
    ({"sector": {"mandatory": True, "weight": 0}}, "matching_criteria"),
])
def test_a_programmes_criteria_are_checked(settings, field):
    with pytest.raises(InvalidInput) as refused:
        matching.check_criteria(settings)
    assert refused.value.field == field


def test_a_proposal_made_by_matching_records_its_decision_with_it():
    pair = matching.match({**PROFILE}, {**PROFILE}, DEFAULT_CRITERIA, NOW.date())
    decision = matching.decision(pair, DEFAULT_CRITERIA, "draft", "d", 77)
    envelope = CommandEnvelope("ProposeMentee", {"mentor_id": "m", "mentee_id": "e", "matching": decision}, "c-1",
                               STAFF, fingerprint="p")

    facts = decide(BinomeState("b"), envelope, NOW)

    assert [f.type for f in facts] == ["MentorshipProposed", "PairMatched"]
    assert facts[1].data == decision and facts[1].data["score"] == pair.score
    assert sum(line["points"] for line in decision["lines"]) == pair.score
    assert (decision["source"], decision["draft_id"], decision["draft_score"]) == ("draft", "d", 77)
