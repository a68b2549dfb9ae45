"""A mentee's selection: presentation → interview on the programme's template → decision against the two
required criteria and the programme's own, each met or not; only a selected mentee is proposed."""

from dataclasses import replace
from datetime import timedelta

import pytest

from domain import engagements, journeys, persons
from domain.engagements import Engagement
from domain.errors import InvalidInput, NotAllowed
from domain.persons import Person, PersonState
from domain.programme import DEFAULT_INTERVIEW_QUESTIONS, Programme
from tests.domain.gwt import PROPOSED_AT, STAFF, utc

REGISTERED_AT = utc(2025, 1, 2)
PROGRAMME = replace(Programme(), selection_criteria={"under_30": "A moins de 30 ans"},
                    interview_questions={"project": "Projet professionnel", "obstacles": "Freins"})
ANSWERS = {"project": "Magasinier", "obstacles": "Pas de réseau"}
ALL_MET = {"available_full_time": True, "wants_mentoring": True, "under_30": True}


def given_mentee(*steps: tuple[str, dict], programme: Programme = PROGRAMME) -> PersonState:
    person = Person("mentee-1", "mentee", "Bilal", None, None, ["fr"], organisation_id="actiris", adviser="Marc")
    state = persons.fold("mentee-1", [persons.register(person, STAFF, REGISTERED_AT, "reg", "fp")])
    for day, (name, payload) in enumerate(steps, start=1):
        for fact in when(state, name, payload, at=REGISTERED_AT + timedelta(days=day), programme=programme):
            persons.evolve(state, fact)
    return state


def when(state: PersonState, name: str, payload: dict | None = None, *, at=PROPOSED_AT,
         programme: Programme = PROGRAMME) -> list:
    return journeys.decide(state, name, payload or {}, programme, STAFF, at, None, f"{name}-{state.version}", "fp")


PRESENTED = ("RecordPresentation", {})
INTERVIEWED = ("RecordSelectionInterview", {"answers": ANSWERS})


def test_a_referred_mentee_starts_as_applied_with_the_isp_and_its_adviser():
    state = given_mentee()
    assert (state.step, state.organisation_id, state.adviser) == ("applied", "actiris", "Marc")


def test_the_interview_keeps_the_answers_to_the_programmes_questions():
    facts = when(given_mentee(PRESENTED), *INTERVIEWED)

    assert [(f.type, f.data) for f in facts] == [
        ("SelectionInterviewHeld", {"answers": ANSWERS, "duration_minutes": 60})]


@pytest.mark.parametrize("answers, field, code", [
    ({"project": "Magasinier"}, "answers.obstacles", "answer_required"),
    ({**ANSWERS, "obstacles": "  "}, "answers.obstacles", "answer_required"),
    ({**ANSWERS, "hobbies": "Foot"}, "answers.hobbies", "question_unknown"),
])
def test_every_question_of_the_template_is_answered_and_no_other(answers, field, code):
    with pytest.raises(NotAllowed) as refused:
        when(given_mentee(PRESENTED), "RecordSelectionInterview", {"answers": answers})
    assert (refused.value.code, refused.value.field) == (code, field)


def test_a_mentee_meeting_every_criterion_is_selected_and_may_then_be_proposed():
    state = given_mentee(PRESENTED, INTERVIEWED)

    facts = when(state, "DecideSelection", {"criteria": ALL_MET, "selected": True})
    persons.evolve(state, facts[0])

    assert [(f.type, f.data) for f in facts] == [("MenteeSelected", {"criteria": ALL_MET})]
    assert state.step == "selected"
    assert propose(state)


def test_a_mentee_missing_a_criterion_cannot_be_selected_and_the_refusal_names_it():
    with pytest.raises(NotAllowed) as refused:
        when(given_mentee(PRESENTED, INTERVIEWED), "DecideSelection",
             {"criteria": {**ALL_MET, "wants_mentoring": False, "under_30": False}, "selected": True})
    assert refused.value.code == "selection_criteria_not_met"
    assert refused.value.params["criteria"] == "wants_mentoring, under_30"


def test_a_mentee_not_selected_keeps_the_assessment_and_the_reason():
    criteria = {**ALL_MET, "available_full_time": False}
    state = given_mentee(PRESENTED, INTERVIEWED)

    facts = when(state, "DecideSelection", {"criteria": criteria, "selected": False, "reason": "criteria_not_met",
                                            "note": "Formation en cours jusqu'en juin"})
    persons.evolve(state, facts[0])

    assert [(f.type, f.data) for f in facts] == [("MenteeNotSelected", {
        "criteria": criteria, "reason": "criteria_not_met", "note": "Formation en cours jusqu'en juin"})]
    assert state.step == "not_selected"
    with pytest.raises(NotAllowed) as refused:
        propose(state)
    assert refused.value.code == "mentee_not_selected"


@pytest.mark.parametrize("criteria, field, code", [
    ({"available_full_time": True, "wants_mentoring": True}, "criteria.under_30", "criterion_required"),
    ({**ALL_MET, "speaks_dutch": True}, "criteria.speaks_dutch", "criterion_unknown"),
])
def test_the_decision_assesses_each_criterion_of_the_programme_and_no_other(criteria, field, code):
    with pytest.raises(NotAllowed) as refused:
        when(given_mentee(PRESENTED, INTERVIEWED), "DecideSelection", {"criteria": criteria, "selected": True})
    assert (refused.value.code, refused.value.field) == (code, field)


def test_not_selecting_says_why_and_criteria_not_met_needs_an_unmet_one():
    state = given_mentee(PRESENTED, INTERVIEWED)
    with pytest.raises(NotAllowed) as refused:
        when(state, "DecideSelection", {"criteria": ALL_MET, "selected": False})
    assert (refused.value.code, refused.value.field) == ("reason_required", "reason")
    with pytest.raises(NotAllowed) as refused:
        when(state, "DecideSelection", {"criteria": ALL_MET, "selected": False, "reason": "criteria_not_met"})
    assert refused.value.code == "selection_criteria_all_met"
    assert when(state, "DecideSelection", {"criteria": ALL_MET, "selected": False, "reason": "withdrew"})


def test_the_default_programme_asks_its_own_questions_and_criterion():
    programme = Programme()
    state = given_mentee(PRESENTED, ("RecordSelectionInterview",
                                     {"answers": {key: "…" for key in DEFAULT_INTERVIEW_QUESTIONS}}),
                         programme=programme)
    facts = when(state, "DecideSelection", {"criteria": {"available_full_time": True, "wants_mentoring": True,
                                                         "professional_project": True}, "selected": True},
                 programme=programme)
    assert facts[0].type == "MenteeSelected"


@pytest.mark.parametrize("done, command", [
    ((), INTERVIEWED), ((), ("DecideSelection", {"criteria": ALL_MET, "selected": True})),
    ((PRESENTED,), PRESENTED), ((PRESENTED, INTERVIEWED), INTERVIEWED),
])
def test_a_step_out_of_order_is_refused(done, command):
    with pytest.raises(NotAllowed) as refused:
        when(given_mentee(*done), *command)
    assert refused.value.code == "journey_step_not_now"


@pytest.mark.parametrize("step", ["applied", "presented", "interviewed"])
def test_a_mentee_who_is_not_selected_yet_is_not_proposed(step):
    person = Person("mentee-1", "mentee", "Bilal", None, None, [], step=step)
    with pytest.raises(NotAllowed) as refused:
        propose(persons.fold("mentee-1", [persons.register(person, STAFF, REGISTERED_AT, "reg", "fp")]))
    assert (refused.value.code, refused.value.field) == ("mentee_not_selected", "mentee_id")


def test_a_registration_may_start_further_along_but_never_at_a_decision():
    for step in ("presented", "selected"):
        person = Person("m", "mentee", "Bilal", None, None, [], step=step)
        assert persons.register(person, STAFF, REGISTERED_AT, "reg", "fp").data["step"] == step
    with pytest.raises(InvalidInput) as refused:
        persons.register(Person("m", "mentee", "Bilal", None, None, [], step="not_selected"), STAFF, REGISTERED_AT,
                         "reg", "fp")
    assert (refused.value.code, refused.value.field) == ("registration_step_invalid", "step")


def propose(mentee: PersonState):
    mentor_fact = persons.register(Person("mentor-1", "mentor", "Anne", None, None, [], step="ready"), STAFF,
                                   REGISTERED_AT, "reg", "fp")
    return engagements.join(Engagement("b1", "mentor-1", mentee.person_id, "join", PROPOSED_AT),
                            persons.fold("mentor-1", [mentor_fact]), mentee, STAFF)
