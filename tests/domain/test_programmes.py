"""Programmes are created and their settings changed as facts; bad settings are refused by name."""

import pytest

from domain import programmes
from domain.errors import IdempotencyConflict, InvalidInput, NotAllowed
from domain.programmes import ProgrammeState
from tests.domain.gwt import PROPOSED_AT, STAFF


def created(programme_id: str = "bruxelles", **settings) -> ProgrammeState:
    state = ProgrammeState(programme_id)
    for fact in programmes.create(state, settings, STAFF, PROPOSED_AT, "c1", "fp1"):
        programmes.evolve(state, fact)
    return state


def test_a_programme_is_created_with_its_own_settings_over_the_defaults():
    state = created(name="Mentorat Bruxelles", proposal_response_days=3)

    assert state.programme.id == "bruxelles"
    assert (state.programme.proposal_response_days, state.programme.first_meeting_days) == (3, 21)
    assert state.version == 1


def test_a_settings_change_is_a_fact_and_a_repeat_records_nothing():
    state = created()
    facts = programmes.change_settings(state, {"monitoring_interval_weeks": 4}, STAFF, PROPOSED_AT, "c2", "fp2")
    assert [(f.type, f.position, f.data) for f in facts] == [
        ("ProgrammeSettingsChanged", 2, {"changes": {"monitoring_interval_weeks": 4}})]
    programmes.evolve(state, facts[0])

    assert state.programme.monitoring_interval_weeks == 4
    assert programmes.change_settings(state, {"monitoring_interval_weeks": 4}, STAFF, PROPOSED_AT, "c2", "fp2") == []
    with pytest.raises(IdempotencyConflict):
        programmes.change_settings(state, {"monitoring_interval_weeks": 5}, STAFF, PROPOSED_AT, "c2", "other")


@pytest.mark.parametrize("changes, field", [
    ({"proposal_response_days": 0}, "proposal_response_days"),
    ({"period_months": 120}, "period_months"),
    ({"meeting_minutes": "90"}, "meeting_minutes"),
    ({"colour": "blue"}, "colour"),
    ({"evaluation_questions": {}}, "evaluation_questions"),
])
def test_bad_settings_are_refused_naming_the_setting(changes, field):
    with pytest.raises(InvalidInput) as refused:
        programmes.change_settings(created(), changes, STAFF, PROPOSED_AT, "c9", "fp9")
    assert refused.value.field == field


def test_a_programme_exists_once_and_its_id_is_a_slug():
    with pytest.raises(NotAllowed) as exists:
        programmes.create(created(), {}, STAFF, PROPOSED_AT, "other", "fp")
    assert exists.value.code == "programme_exists"
    assert programmes.create(created(), {}, STAFF, PROPOSED_AT, "c1", "fp1") == []
    with pytest.raises(InvalidInput) as bad_id:
        programmes.create(ProgrammeState("Bruxelles Nord"), {}, STAFF, PROPOSED_AT, "c1", "fp1")
    assert bad_id.value.field == "programme_id"
