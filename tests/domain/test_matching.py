"""Matching a mentor to a mentee: each criterion judged on the two matching profiles, the score from 0 to 100
with an explanation whose points add up to it, mandatory criteria that rule a pair out, and distances between
municipalities from reference data."""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from domain import geography, matching, profiles
from domain.matching import Criterion
from domain.matching_pool import MentorPool

ON = date(2026, 6, 1)
MENTOR = {"sectors": ["H"], "experience_sectors": ["N"], "function": "Responsable logistique",
          "interests": ["lecture", "Vélo"], "hobbies": ["jardin"], "birth_date": "1975-03-02",
          "language_levels": {"fr": "native", "nl": "B2"}, "municipality": "21004", "meeting_mode": "either",
          "expectations": "Accompagner une personne motivée vers un emploi durable",
          "availability": ["mon_pm", "wed_pm", "fri_am"]}
MENTEE = {"sectors": ["H", "C"], "function": "Magasinier logistique", "interests": ["vélo"], "hobbies": ["cuisine"],
          "birth_date": "1998-10-20", "language_levels": {"fr": "B2", "ar": "native"}, "municipality": "21009",
          "meeting_mode": "in_person", "expectations": "Trouver un emploi durable en logistique",
          "availability": ["wed_pm", "thu_am"]}


def line(found: matching.Match, criterion: str) -> matching.Line:
    return next(line for line in found.lines if line.criterion == criterion)


def test_each_criterion_says_what_matched_and_the_points_add_up_to_the_score():
    found = matching.match(MENTOR, MENTEE, on=ON)

    assert found.allowed
    assert sum(line.points for line in found.lines) == found.score
    assert sum(line.max_points for line in found.lines) == 100
    assert (line(found, "sector").holds, line(found, "sector").params) == (True, {"common": ["H"]})
    assert line(found, "interests").params == {"common": ["vélo"]}
    assert (line(found, "hobbies").holds, line(found, "hobbies").points) == (False, 0)
    assert line(found, "languages").params == {"common": ["fr"]}
    assert line(found, "geography").params == {"km": 5} and line(found, "geography").points == 15
    assert line(found, "age").params == {"gap_years": 24}
    assert line(found, "availability").params == {"common": ["wed_pm"]}
    assert line(found, "expectations").params == {"common": ["durable", "emploi"]}


def test_a_failed_mandatory_criterion_rules_the_pair_out_and_says_which():
    video_only = {**MENTOR, "meeting_mode": "video"}

    found = matching.match(video_only, MENTEE, on=ON)

    assert not found.allowed
    assert found.failed_mandatory == ["meeting_mode"]
    unknown = matching.match({**MENTOR, "language_levels": {}}, MENTEE, on=ON)
    assert unknown.failed_mandatory == ["languages"]  # what cannot be judged does not hold


def test_far_apart_pairs_who_both_accept_video_are_near_enough():
    far = {**MENTEE, "municipality": "62063", "meeting_mode": "video"}  # Liège

    assert line(matching.match({**MENTOR, "meeting_mode": "in_person"}, {**far, "meeting_mode": "in_person"},
                               on=ON), "geography").points == 0
    assert line(matching.match(MENTOR, far, on=ON), "geography").params == {"video": True}


def test_distances_between_municipalities_come_from_reference_data():
    assert 80 < geography.distance_km("21004", "62063") < 100  # Brussels – Liège
    assert 35 < geography.distance_km("21004", "11002") < 50  # Brussels – Antwerp
    assert geography.distance_km("21004", "21004") == 0
    assert geography.distance_km("21004", "99999") is None


def test_a_programme_chooses_its_criteria_and_their_weights():
    only_sector = {"sector": Criterion(mandatory=True, weight=1)}

    found = matching.match(MENTOR, MENTEE, only_sector, on=ON)

    assert (found.score, [line.criterion for line in found.lines]) == (100, ["sector"])
    assert matching.match(MENTOR, {**MENTEE, "sectors": ["A"]}, only_sector, on=ON).allowed is False


PROFILE = st.fixed_dictionaries({}, optional={
    "sectors": st.lists(st.sampled_from("ABCHN"), max_size=3, unique=True),
    "experience_sectors": st.lists(st.sampled_from("ABCHN"), max_size=3, unique=True),
    "function": st.sampled_from(["Magasinier", "Responsable logistique", "Comptable", "aide-soignant"]),
    "interests": st.lists(st.sampled_from(["lecture", "vélo", "cinéma", "jeux"]), max_size=3, unique=True),
    "hobbies": st.lists(st.sampled_from(["jardin", "cuisine", "course"]), max_size=2, unique=True),
    "birth_date": st.dates(date(1950, 1, 1), date(2008, 1, 1)).map(date.isoformat),
    "language_levels": st.dictionaries(st.sampled_from(["fr", "nl", "en"]), st.sampled_from(profiles.CEFR_LEVELS),
                                       max_size=3),
    "municipality": st.sampled_from(["21004", "21009", "62063", "11002", "44021"]),
    "meeting_mode": st.sampled_from(profiles.MEETING_PREFERENCES),
    "availability": st.lists(st.sampled_from(profiles.AVAILABILITY_SLOTS[:6]), max_size=4, unique=True),
    "expectations": st.sampled_from(["Trouver un emploi durable", "Préparer les entretiens d'embauche", ""]),
})
WEIGHTS = st.dictionaries(st.sampled_from(sorted(matching.CRITERIA)),
                          st.builds(Criterion, st.booleans(), st.integers(0, 40)), min_size=1)


@settings(max_examples=300, deadline=None)
@given(PROFILE, PROFILE, WEIGHTS)
def test_every_explanation_adds_up_to_its_score_between_0_and_100(mentor, mentee, criteria):
    found = matching.match(mentor, mentee, criteria, on=ON)

    assert 0 <= found.score <= 100
    assert sum(line.points for line in found.lines) == found.score
    assert all(0 <= line.points <= line.max_points for line in found.lines)
    assert found.allowed == all(line.holds for line in found.lines if line.mandatory)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from([f"mentor-{i}" for i in range(12)]), PROFILE, max_size=12), PROFILE, WEIGHTS)
def test_the_prepared_pool_scores_every_mentor_exactly_as_match_does(mentors, mentee, criteria):
    pool = MentorPool(mentors)

    scores, allowed = pool.scores(mentee, criteria, on=ON)

    expected = [matching.match(mentors[person_id], mentee, criteria, on=ON) for person_id in pool.ids]
    assert scores.tolist() == [found.score for found in expected]
    assert allowed.tolist() == [found.allowed for found in expected]
    assert pool.suggestions(mentee, criteria, limit=3, on=ON) == matching.suggestions(
        mentee, mentors, True, criteria, limit=3, on=ON)
