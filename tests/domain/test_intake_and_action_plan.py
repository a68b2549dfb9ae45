"""In-take: strengths and weaknesses first, then the action plan; actions are then added and updated."""

from datetime import timedelta

import pytest

from domain.errors import InvalidInput, NotAllowed
from domain.stages import Stage
from tests.domain.gwt import (
    ANALYSED_AT, MENTOR_SIGNED_AT, PLAN_AT, active, analysed, command, given, started, then_facts,
    then_refused, utc, validated, when,
)

PLAN = {"actions": [
    {"title": " Refaire le CV ", "owner": "mentee", "due_on": "2025-02-20"},
    {"title": "Présenter trois contacts", "owner": "mentor"},
]}


def test_the_analysis_is_recorded_during_intake():
    result = when(given(*started()), "RecordAnalysis", {"strengths": [" réseau ", "anglais"], "weaknesses": ["CV"]},
                  at=ANALYSED_AT)

    then_facts(result, ("StrengthsWeaknessesAnalysed", {"strengths": ["réseau", "anglais"], "weaknesses": ["CV"]}))
    assert result.state.stage == Stage.INTAKE
    assert result.state.analysis_at == ANALYSED_AT


def test_the_analysis_waits_for_the_contract():
    result = when(given(*validated()), "RecordAnalysis", {"strengths": ["réseau"], "weaknesses": ["CV"]},
                  at=MENTOR_SIGNED_AT)

    then_refused(result, NotAllowed, "analysis_during_intake", params={"stage_code": "stage.awaiting_contract"})


@pytest.mark.parametrize("payload, field, code, params", [
    ({"strengths": [], "weaknesses": ["CV"]}, "strengths", "strengths_required", {}),
    ({"strengths": ["réseau"], "weaknesses": []}, "weaknesses", "weaknesses_required", {}),
    ({"strengths": ["réseau"], "weaknesses": ["  "]}, "weaknesses", "text_required", {"what_code": "field.weakness"}),
])
def test_an_analysis_names_strengths_and_weaknesses(payload, field, code, params):
    result = when(given(*started()), "RecordAnalysis", payload, at=ANALYSED_AT)

    then_refused(result, InvalidInput, code, field=field, params=params)


def test_the_analysis_is_recorded_once():
    result = when(given(*analysed()), "RecordAnalysis", {"strengths": ["a"], "weaknesses": ["b"]}, at=PLAN_AT)

    then_refused(result, NotAllowed, "analysis_already_recorded")


def test_the_action_plan_is_not_agreed_before_the_analysis():
    result = when(given(*started()), "AgreeActionPlan", PLAN, at=PLAN_AT)

    then_refused(result, NotAllowed, "action_plan_after_analysis")


def test_the_action_plan_numbers_its_actions_and_starts_the_work():
    result = when(given(*analysed()), "AgreeActionPlan", PLAN, at=PLAN_AT)

    then_facts(result, ("ActionPlanAgreed", {"actions": [
        {"action_id": "A1", "title": "Refaire le CV", "owner": "mentee", "due_on": "2025-02-20", "status": "todo"},
        {"action_id": "A2", "title": "Présenter trois contacts", "owner": "mentor", "due_on": None, "status": "todo"},
    ]}))
    assert result.state.stage == Stage.ACTIVE
    assert result.state.action_plan_at == PLAN_AT
    assert {a.action_id: (a.status, a.updated_at) for a in result.state.actions.values()} == {
        "A1": ("todo", PLAN_AT), "A2": ("todo", PLAN_AT)}


@pytest.mark.parametrize("actions, field, code, params", [
    ([], "actions", "actions_required", {}),
    ([{"title": "CV", "owner": "mentee"}, {"title": "Réseau", "owner": "cousin"}], "actions.1.owner",
     "choice_expected", {"choices": "mentor, mentee, both, staff"}),
    ([{"title": "  ", "owner": "mentee"}], "actions.0.title", "text_required", {"what_code": "field.action_title"}),
    ([{"title": "CV", "owner": "mentee", "due_on": "20/02/2025"}], "actions.0.due_on", "date_format_expected", {}),
])
def test_an_action_plan_has_well_formed_actions(actions, field, code, params):
    result = when(given(*analysed()), "AgreeActionPlan", {"actions": actions}, at=PLAN_AT)

    then_refused(result, InvalidInput, code, field=field, params=params)


def test_the_action_plan_is_agreed_once():
    result = when(given(*active()), "AgreeActionPlan", PLAN, at=PLAN_AT + timedelta(days=1))

    then_refused(result, NotAllowed, "action_plan_during_intake", params={"stage_code": "stage.active"})


def test_an_action_is_added_to_a_running_plan_with_the_next_number():
    result = when(given(*active()), "AddAction", {"title": "Préparer un entretien", "owner": "both",
                                                  "due_on": "2025-03-01"}, at=utc(2025, 2, 10))

    then_facts(result, ("ActionAdded", {"action_id": "A3", "owner": "both", "due_on": "2025-03-01", "status": "todo"}))
    assert result.state.actions["A3"].title == "Préparer un entretien"


def test_no_action_is_added_before_the_plan():
    result = when(given(*analysed()), "AddAction", {"title": "CV", "owner": "mentee"}, at=PLAN_AT)

    then_refused(result, NotAllowed, "action_added_while_active", params={"stage_code": "stage.intake"})


def test_an_action_update_records_the_previous_status():
    result = when(given(*active()), "UpdateAction", {"action_id": "A1", "status": "done", "note": " envoyé "},
                  at=utc(2025, 2, 18))

    then_facts(result, ("ActionUpdated", {"action_id": "A1", "status": "done", "previous_status": "todo",
                                          "due_on": None, "note": "envoyé"}))
    action = result.state.actions["A1"]
    assert (action.status, action.due_on, action.updated_at) == ("done", "2025-02-20", utc(2025, 2, 18))


def test_an_action_can_be_rescheduled_without_changing_its_status():
    result = when(given(*active()), "UpdateAction", {"action_id": "A2", "due_on": "2025-03-15"}, at=utc(2025, 2, 18))

    then_facts(result, ("ActionUpdated", {"status": None, "due_on": "2025-03-15"}))
    assert (result.state.actions["A2"].status, result.state.actions["A2"].due_on) == ("todo", "2025-03-15")


@pytest.mark.parametrize("payload, field, code, params", [
    ({"action_id": "A9", "status": "done"}, "action_id", "action_unknown", {"action_id": "A9"}),
    ({"action_id": "A1"}, "status", "action_change_required", {}),
    ({"action_id": "A1", "status": "finished"}, "status", "choice_expected",
     {"choices": "todo, in_progress, done, dropped"}),
    ({"action_id": "A1", "due_on": "demain"}, "due_on", "date_format_expected", {}),
])
def test_an_action_update_names_a_known_action_and_a_change(payload, field, code, params):
    result = when(given(*active()), "UpdateAction", payload, at=utc(2025, 2, 18))

    then_refused(result, InvalidInput, code, field=field, params=params)


def test_actions_are_not_updated_after_the_exit():
    state = given(*active(), command("RecordPositiveExit", {"outcome": "job"}, at=utc(2025, 3, 10)))

    result = when(state, "UpdateAction", {"action_id": "A1", "status": "done"}, at=utc(2025, 3, 11))

    then_refused(result, NotAllowed, "action_updated_while_active", params={"stage_code": "stage.closure_due"})



def test_the_action_plan_is_not_dated_before_the_analysis():
    result = when(given(*analysed()), "AgreeActionPlan", PLAN, at=PLAN_AT, occurred_at=ANALYSED_AT - timedelta(hours=1))

    then_refused(result, InvalidInput, "date_before_step", field="occurred_at",
                 params={"step_code": "moment.analysis", "earliest": "2025-02-04"})


@pytest.mark.parametrize("name, payload", [
    ("AddAction", {"title": "Préparer un entretien", "owner": "both"}),
    ("UpdateAction", {"action_id": "A1", "status": "in_progress"}),
])
def test_actions_are_not_dated_before_the_plan(name, payload):
    result = when(given(*active()), name, payload, at=utc(2025, 2, 10), occurred_at=PLAN_AT - timedelta(hours=1))

    then_refused(result, InvalidInput, "date_before_step", field="occurred_at",
                 params={"step_code": "moment.action_plan", "earliest": "2025-02-05"})
