"""The matching profile: codes checked against their lists and Belgium's reference data, each change a fact."""

from datetime import timedelta

import pytest

from domain import journeys, persons, profiles
from domain.errors import InvalidInput, NotAllowed
from domain.persons import Person, PersonState
from domain.programme import Programme
from tests.domain.gwt import PROPOSED_AT, STAFF

BRUSSELS, IXELLES = "21004", "21009"


def registered(role: str = "mentee") -> PersonState:
    fact = persons.register(Person("p1", role, "Bilal", None, None, []), STAFF, PROPOSED_AT, "reg", "fp")
    return persons.fold("p1", [fact])


def change(state: PersonState, changes: dict, command_id: str = "c1") -> list:
    return journeys.decide(state, "ChangeMatchingProfile", changes, Programme(), STAFF, PROPOSED_AT, None,
                           command_id, "fp")


FULL = {"sectors": ["H", "G"], "function": "Magasinier", "interests": ["logistique"], "hobbies": ["football"],
        "language_levels": {"fr": "native", "nl": "A2"}, "birth_date": "1999-04-12", "gender": "male",
        "education_level": 3, "months_out_of_work": 8, "municipality": BRUSSELS, "postal_code": "1000",
        "mobility": ["public_transport", "bike"], "expectations": "Préparer les entretiens",
        "availability": ["mon_am", "wed_pm"], "meeting_mode": "either"}


def test_a_full_profile_is_one_fact_and_the_state_holds_it():
    state = registered()

    facts = change(state, FULL)
    persons.evolve(state, facts[0])

    assert [(f.type, f.position, f.data) for f in facts] == [("MatchingProfileChanged", 2, {"changes": FULL})]
    assert state.profile == FULL


def test_a_change_sets_only_what_it_names_and_null_removes_a_field():
    state = registered()
    persons.evolve(state, change(state, FULL)[0])

    persons.evolve(state, change(state, {"gender": None, "meeting_mode": "video"}, "c2")[0])

    assert "gender" not in state.profile
    assert state.profile["meeting_mode"] == "video"
    assert state.profile["sectors"] == ["H", "G"]


@pytest.mark.parametrize("changes, field, code", [
    ({"sectors": ["H", "Z"]}, "sectors.1", "code_unknown"),
    ({"sectors": ["H", "H"]}, "sectors", "codes_repeated"),
    ({"language_levels": {"nl": "B3"}}, "language_levels.nl", "code_unknown"),
    ({"birth_date": "1999-02-30"}, "birth_date", "date_format_expected"),
    ({"municipality": "99999"}, "municipality", "municipality_unknown"),
    ({"postal_code": "0999"}, "postal_code", "postal_code_unknown"),
    ({"availability": ["mon_night"]}, "availability.0", "code_unknown"),
    ({"experience_sectors": ["H"]}, "experience_sectors", "profile_field_not_for_role"),
    ({"education_level": 9}, "education_level", "education_level_invalid"),
    ({"shoe_size": 42}, "shoe_size", "field_unknown"),
    ({}, "body", "changes_required"),
])
def test_an_unknown_code_or_place_is_refused_naming_the_field(changes, field, code):
    with pytest.raises(InvalidInput) as refused:
        change(registered(), changes)
    assert (refused.value.code, refused.value.field) == (code, field)


@pytest.mark.parametrize("changes, field, code", [
    ({"municipality": IXELLES, "postal_code": "1000"}, "postal_code", "postal_code_not_in_municipality"),
    ({"birth_date": "2019-01-01"}, "birth_date", "age_out_of_range"),
])
def test_a_profile_that_would_not_hold_together_is_refused_by_rule(changes, field, code):
    with pytest.raises(NotAllowed) as refused:
        change(registered(), changes)
    assert (refused.value.code, refused.value.field) == (code, field)


def test_a_postal_code_is_checked_against_the_municipality_already_recorded():
    state = registered()
    persons.evolve(state, change(state, {"municipality": IXELLES, "postal_code": "1050"})[0])

    with pytest.raises(NotAllowed) as refused:
        change(state, {"postal_code": "1000"}, "c2")
    assert refused.value.code == "postal_code_not_in_municipality"
    assert change(state, {"municipality": BRUSSELS, "postal_code": "1000"}, "c3")


def test_a_postal_code_shared_by_two_municipalities_fits_both():
    for municipality in (BRUSSELS, "21005"):  # 1040: Brussels and Etterbeek
        assert change(registered(), {"municipality": municipality, "postal_code": "1040"})


def test_mentors_have_sectors_of_experience_and_mentees_their_time_out_of_work():
    assert change(registered("mentor"), {"experience_sectors": ["H", "N"]})
    with pytest.raises(InvalidInput):
        change(registered("mentor"), {"months_out_of_work": 3})


def test_an_age_is_judged_on_the_day_the_profile_is_recorded_and_a_day_is_recorded_as_text():
    born = (PROPOSED_AT - timedelta(days=365 * 16)).date()
    assert profiles.check_changes("mentee", {}, {"birth_date": born}, PROPOSED_AT) == {"birth_date": born.isoformat()}
    with pytest.raises(NotAllowed):
        profiles.check_changes("mentee", {}, {"birth_date": born}, PROPOSED_AT - timedelta(days=366))
