"""A mentor's journey: candidate → information session → preparation interview → training → ready; pauses and
departures; only a ready, unpaused mentor is proposed."""

from datetime import timedelta

import pytest

from domain import catalogue, engagements, journeys, persons
from domain.engagements import Engagement
from domain.errors import IdempotencyConflict, InvalidInput, NotAllowed
from domain.facts import Fact
from domain.persons import Person, PersonState
from domain.programme import Programme
from tests.domain.gwt import PROPOSED_AT, STAFF, utc

REGISTERED_AT = utc(2025, 1, 2)
PROGRAMME = Programme()


def given_mentor(*steps: tuple[str, dict], background: str | None = None, step: str | None = None) -> PersonState:
    """A mentor registered on REGISTERED_AT, then each (command, payload) a day apart."""
    person = Person("mentor-1", "mentor", "Anne", None, None, ["fr"], background=background, step=step,
                    organisation_id="acme" if background == "employee" else None)
    state = persons.fold("mentor-1", [persons.register(person, STAFF, REGISTERED_AT, "reg", "fp")])
    for day, (name, payload) in enumerate(steps, start=1):
        for fact in when(state, name, payload, at=REGISTERED_AT + timedelta(days=day)):
            persons.evolve(state, fact)
    return state


def when(state: PersonState, name: str, payload: dict | None = None, *, at=PROPOSED_AT, command_id: str | None = None,
         fingerprint: str | None = "fp") -> list:
    return journeys.decide(state, name, payload or {}, PROGRAMME, STAFF, at, None,
                           command_id or f"{name}-{state.version}", fingerprint)


INFORMED = ("RecordInformationSession", {})
INTERVIEWED = ("RecordPreparationInterview", {"motivations": "Transmettre", "commitment_limits": "Pas le week-end"})
TRAINED = ("RecordTraining", {"duration_minutes": 210})


def test_each_step_records_one_fact_and_moves_the_mentor_along_from_candidate_to_ready():
    state = given_mentor()
    assert (state.step, state.step_since) == ("candidate", REGISTERED_AT)

    for (name, payload), step, fact_type in ((INFORMED, "informed", "InformationSessionAttended"),
                                             (INTERVIEWED, "interviewed", "PreparationInterviewHeld"),
                                             (TRAINED, "ready", "TrainingAttended")):
        facts = when(state, name, payload)
        assert [(f.type, f.position, f.occurred_at) for f in facts] == [(fact_type, state.version + 1, PROPOSED_AT)]
        persons.evolve(state, facts[0])
        assert (state.step, state.step_since) == (step, PROPOSED_AT)


def test_steps_keep_their_durations_and_the_interview_its_answers():
    informed = when(given_mentor(), *INFORMED)[0]
    interview = when(given_mentor(INFORMED), *INTERVIEWED)[0]
    training = when(given_mentor(INFORMED, INTERVIEWED), *TRAINED)[0]

    assert informed.data == {"duration_minutes": 60, "session_id": None}
    assert interview.data == {"motivations": "Transmettre", "professional_path": "", "expectations": "",
                              "commitment_limits": "Pas le week-end", "duration_minutes": 60,
                              "combined_with_information_session": False}
    assert training.data == {"duration_minutes": 210, "session_id": None}


@pytest.mark.parametrize("done, command", [
    ((), INTERVIEWED), ((), TRAINED), ((INFORMED,), INFORMED), ((INFORMED,), TRAINED),
    ((INFORMED, INTERVIEWED, TRAINED), INFORMED),
])
def test_a_step_out_of_order_is_refused_naming_the_step_and_where_the_mentor_stands(done, command):
    state = given_mentor(*done)

    with pytest.raises(NotAllowed) as refused:
        when(state, *command)

    assert refused.value.code == "journey_step_not_now"
    assert refused.value.params["current_code"] == f"step.{state.step}"


@pytest.mark.parametrize("background", ["self_employed", "company_head"])
def test_the_self_employed_and_company_heads_may_have_the_interview_with_the_information_session(background):
    state = given_mentor(background=background)

    facts = when(state, "RecordPreparationInterview", {"combined_with_information_session": True})
    persons.evolve(state, facts[0])

    assert facts[0].data["combined_with_information_session"] is True
    assert state.step == "interviewed"


def test_an_employee_goes_to_the_information_session_first():
    with pytest.raises(NotAllowed) as refused:
        when(given_mentor(background="employee"), "RecordPreparationInterview",
             {"combined_with_information_session": True})
    assert refused.value.code == "combined_interview_not_for_employees"


def test_an_employee_is_registered_with_a_partner_company():
    with pytest.raises(NotAllowed) as refused:
        persons.register(Person("m", "mentor", "Anne", None, None, [], background="employee"), STAFF,
                         REGISTERED_AT, "reg", "fp")
    assert (refused.value.code, refused.value.field) == ("employee_needs_company", "organisation_id")


def test_the_interview_may_record_the_matching_profile_in_the_same_command():
    state = given_mentor(INFORMED)

    facts = when(state, "RecordPreparationInterview", {"profile": {"sectors": ["H"], "meeting_mode": "either"}})
    for fact in facts:
        persons.evolve(state, fact)

    assert [f.type for f in facts] == ["PreparationInterviewHeld", "MatchingProfileChanged"]
    assert [f.position for f in facts] == [3, 4]
    assert state.profile == {"sectors": ["H"], "meeting_mode": "either"}


def test_the_same_command_again_records_nothing_and_another_body_under_its_key_is_refused():
    state = given_mentor()
    facts = when(state, *INFORMED, command_id="info-1")
    persons.evolve(state, facts[0])

    assert when(state, *INFORMED, command_id="info-1") == []
    with pytest.raises(IdempotencyConflict):
        when(state, *INFORMED, command_id="info-1", fingerprint="another body")


def test_a_step_cannot_be_dated_in_the_future():
    with pytest.raises(NotAllowed) as refused:
        journeys.decide(given_mentor(), *INFORMED, PROGRAMME, STAFF, PROPOSED_AT, PROPOSED_AT + timedelta(days=1),
                        "c", "fp")
    assert (refused.value.code, refused.value.field) == ("date_in_future", "occurred_at")


def test_a_journey_command_for_the_other_role_is_refused():
    with pytest.raises(NotAllowed) as refused:
        when(given_mentor(), "RecordPresentation")
    assert refused.value.code == "journey_command_for_other_role"


# --- pauses, departures, and the proposal --------------------------------------------------------

READY = (INFORMED, INTERVIEWED, TRAINED)


def selected_mentee() -> PersonState:
    fact = persons.register(Person("mentee-1", "mentee", "Bilal", None, None, [], step="selected"), STAFF,
                            REGISTERED_AT, "reg", "fp")
    return persons.fold("mentee-1", [fact])


def propose(mentor: PersonState, at=PROPOSED_AT):
    return engagements.join(Engagement("b1", mentor.person_id, "mentee-1", "join", at), mentor, selected_mentee(),
                            STAFF)


def test_a_ready_mentor_is_proposed():
    assert [f.type for _, f in propose(given_mentor(*READY))] == ["BinomeJoined", "BinomeJoined"]


@pytest.mark.parametrize("done", [(), (INFORMED,), (INFORMED, INTERVIEWED)])
def test_a_mentor_who_has_not_finished_the_journey_is_not_proposed(done):
    with pytest.raises(NotAllowed) as refused:
        propose(given_mentor(*done))
    assert (refused.value.code, refused.value.field) == ("mentor_not_ready", "mentor_id")


def test_a_paused_mentor_is_not_proposed_until_the_pause_ends():
    until = PROPOSED_AT + timedelta(days=30)
    state = given_mentor(*READY, ("PauseMentor", {"until": until, "reason": "Congé"}))

    with pytest.raises(NotAllowed) as refused:
        propose(state)
    assert refused.value.code == "mentor_paused"
    assert refused.value.params["until"] == until.date().isoformat()
    assert propose(state, at=until)  # the pause is over


def test_a_mentor_resumed_early_is_proposed_again():
    state = given_mentor(*READY, ("PauseMentor", {"until": PROPOSED_AT + timedelta(days=30)}), ("ResumeMentor", {}))

    assert state.paused_until is None
    assert propose(state)


def test_resuming_a_mentor_who_is_not_paused_is_refused():
    with pytest.raises(NotAllowed) as refused:
        when(given_mentor(*READY), "ResumeMentor")
    assert refused.value.code == "mentor_not_paused"


def test_a_pause_ends_in_the_future():
    with pytest.raises(NotAllowed) as refused:
        when(given_mentor(*READY), "PauseMentor", {"until": PROPOSED_AT - timedelta(days=1)})
    assert (refused.value.code, refused.value.field) == ("pause_end_in_past", "until")


def test_a_departed_mentor_is_never_proposed_and_records_no_more_steps():
    state = given_mentor(*READY, ("RecordMentorDeparture", {"reason": "job_change"}))

    assert state.step == "departed"
    for attempt in (lambda: propose(state), lambda: when(state, "PauseMentor", {"until": PROPOSED_AT})):
        with pytest.raises(NotAllowed) as refused:
            attempt()
        assert refused.value.code == "mentor_departed"


def test_a_mentor_in_an_open_binome_does_not_leave_before_it_ends():
    state = given_mentor(*READY)
    for _, fact in propose(state)[:1]:
        persons.evolve(state, fact)

    with pytest.raises(NotAllowed) as refused:
        when(state, "RecordMentorDeparture", {"reason": "own_choice"})
    assert refused.value.code == "mentor_in_open_binome"


def test_a_departure_names_its_reason_from_the_list():
    with pytest.raises(InvalidInput) as refused:
        when(given_mentor(*READY), "RecordMentorDeparture", {"reason": "bored"})
    assert (refused.value.code, refused.value.field) == ("code_unknown", "reason")


def test_mentors_registered_before_journeys_were_recorded_read_as_ready():
    stored = {"name": "Awa", "email": None, "phone": None, "languages": ["fr"], "programme_id": "default",
              "capacity": 1, "organisation_id": None}

    fact = Fact("MentorRegistered", 1, REGISTERED_AT, STAFF, catalogue.upcast("MentorRegistered", 3, stored))
    assert persons.fold("m", [fact]).step == "ready"
