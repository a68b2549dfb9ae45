"""Sessions: scheduled with a date, a place or a video link and a capacity; seats, then a waiting list; a seat
given back goes to the first who waits; attendance, once the session began, moves each attendee along their
journey on their own stream."""

from datetime import timedelta

import pytest

from domain import catalogue, persons, sessions
from domain.errors import InvalidInput, NotAllowed, NotFound
from domain.persons import Person, PersonState
from domain.programme import Programme
from domain.sessions import Schedule, SessionState
from tests.domain.gwt import STAFF, utc

NOW = utc(2026, 3, 1)
STARTS = utc(2026, 3, 10, 9)
PROGRAMME = Programme()


def mentor(person_id: str, step: str = "candidate", programme_id: str = "default") -> PersonState:
    person = Person(person_id, "mentor", person_id.title(), None, None, ["fr"], programme_id=programme_id, step=step)
    return persons.fold(person_id, [persons.register(person, STAFF, NOW - timedelta(days=40), "reg", "fp")])


def mentee(person_id: str) -> PersonState:
    person = Person(person_id, "mentee", person_id.title(), None, None, ["fr"])
    return persons.fold(person_id, [persons.register(person, STAFF, NOW - timedelta(days=40), "reg", "fp")])


def given_session(kind: str = "information_session", capacity: int = 2, *registered: PersonState,
                  **planned) -> SessionState:
    """A session scheduled on NOW, then each person registered in turn."""
    state = SessionState("session-1")
    plan = Schedule("default", kind, STARTS, capacity, place="Rue Royale 1, Bruxelles", **planned)
    for fact in sessions.schedule(state, plan, STAFF, NOW, "plan", "fp"):
        sessions.evolve(state, fact)
    for person in registered:
        then_recorded(state, sessions.register(state, person, STAFF, NOW, f"reg-{person.person_id}", "fp"))
    return state


def then_recorded(state: SessionState, facts: list) -> list:
    for fact in facts:
        sessions.evolve(state, fact)
    return facts


def test_a_session_is_scheduled_with_its_date_place_and_capacity_and_the_kind_s_duration_by_default():
    [fact] = sessions.schedule(SessionState("s"), Schedule("default", "training", STARTS, 12,
                                                           video_link="https://meet.example/x"),
                               STAFF, NOW, "plan", "fp")

    assert fact.type == "SessionScheduled"
    assert fact.data == {"session_id": "s", "programme_id": "default", "kind": "training", "title": "",
                         "starts_at": STARTS.isoformat(), "duration_minutes": 240, "place": "",
                         "video_link": "https://meet.example/x", "capacity": 12}
    assert catalogue.undeclared_fields(fact.type, fact.data) == []


@pytest.mark.parametrize(("plan", "error", "code", "field"), [
    (Schedule("default", "party", STARTS, 5, place="x"), InvalidInput, "code_unknown", "kind"),
    (Schedule("default", "training", STARTS, 0, place="x"), InvalidInput, "value_out_of_range", "capacity"),
    (Schedule("default", "training", STARTS, 501, place="x"), InvalidInput, "value_out_of_range", "capacity"),
    (Schedule("default", "training", STARTS, 5), InvalidInput, "place_or_video_link_required", "place"),
    (Schedule("default", "training", STARTS, 5, 0, place="x"), InvalidInput, "value_out_of_range",
     "duration_minutes"),
    (Schedule("default", "training", NOW + timedelta(days=800), 5, place="x"), NotAllowed,
     "session_date_out_of_range", "starts_at"),
])
def test_a_bad_schedule_is_refused_naming_its_field(plan, error, code, field):
    with pytest.raises(error) as refused:
        sessions.schedule(SessionState("s"), plan, STAFF, NOW, "plan", "fp")
    assert (refused.value.code, refused.value.field) == (code, field)


def test_seats_go_in_order_then_the_waiting_list_and_a_seat_given_back_goes_to_the_first_who_waits():
    anne, bob, chloe, dirk = (mentor(name) for name in ("anne", "bob", "chloe", "dirk"))
    state = given_session("information_session", 2, anne, bob)

    waits = then_recorded(state, sessions.register(state, chloe, STAFF, NOW, "c", "fp"))
    then_recorded(state, sessions.register(state, dirk, STAFF, NOW, "d", "fp"))
    assert [(f.type, f.data) for f in waits] == [("SessionWaitlisted", {"person_id": "chloe", "rank": 1})]
    assert (state.seats, state.waiting) == (["anne", "bob"], ["chloe", "dirk"])

    freed = then_recorded(state, sessions.cancel(state, "anne", STAFF, NOW, "cancel-anne", "fp"))

    assert [(f.type, f.data) for f in freed] == [
        ("SessionRegistrationCancelled", {"person_id": "anne", "had_seat": True}),
        ("SessionSeatTaken", {"person_id": "chloe", "from_waiting_list": True})]
    assert (state.seats, state.waiting) == (["bob", "chloe"], ["dirk"])
    # Leaving the waiting list frees no seat.
    assert [f.type for f in sessions.cancel(state, "dirk", STAFF, NOW, "cancel-dirk", "fp")] == [
        "SessionRegistrationCancelled"]


def test_registration_is_refused_for_the_other_role_another_programme_a_departed_mentor_or_twice():
    anne = mentor("anne")
    state = given_session("information_session", 5, anne)
    departed = mentor("eva")
    departed.step = "departed"

    for person, code in ((mentee("bilal"), "session_for_mentors"), (mentor("zoe", programme_id="other"),
                                                                   "session_in_other_programme"),
                         (departed, "mentor_departed"), (anne, "already_registered")):
        with pytest.raises(NotAllowed) as refused:
            sessions.register(state, person, STAFF, NOW, f"again-{person.person_id}", "fp")
        assert (refused.value.code, refused.value.field) == (code, "person_id")
    with pytest.raises(NotAllowed, match="not_registered"):
        sessions.cancel(state, "bob", STAFF, NOW, "cancel-bob", "fp")
    with pytest.raises(NotFound, match="session_not_found"):
        sessions.register(SessionState("nowhere"), anne, STAFF, NOW, "x", "fp")


def test_the_same_command_again_records_nothing():
    anne = mentor("anne")
    state = given_session("information_session", 5, anne)

    assert sessions.register(state, anne, STAFF, NOW, "reg-anne", "fp") == []


def test_attendance_moves_each_attendee_to_the_step_the_session_brings_and_records_the_absent():
    anne, bob, chloe = mentor("anne"), mentor("bob"), mentor("chloe", step="ready")
    state = given_session("information_session", 2, anne, bob, chloe)  # chloe waits, then comes anyway
    attendees = {"anne": anne, "chloe": chloe}

    facts, steps = sessions.record_attendance(state, ["anne", "chloe"], attendees, PROGRAMME, STAFF,
                                              STARTS + timedelta(hours=2), "attendance", "fp")

    assert [(f.type, f.data) for f in facts] == [
        ("SessionAttendanceRecorded", {"attended": ["anne", "chloe"], "absent": ["bob"]})]
    # Chloe is past the information session: present, and stays where she is.
    assert [(person_id, f.type, f.position, f.occurred_at, f.data) for person_id, f in steps] == [
        ("anne", "InformationSessionAttended", anne.version + 1, STARTS,
         {"duration_minutes": 60, "session_id": "session-1"})]
    persons.evolve(anne, steps[0][1])
    assert (anne.step, anne.step_since) == ("informed", STARTS)


def test_a_community_meeting_moves_nobody_but_counts_each_mentor_s_hours():
    ready = mentor("anne", step="ready")
    state = given_session("community_meeting", 30, ready)

    _, [(_, fact)] = sessions.record_attendance(state, ["anne"], {"anne": ready}, PROGRAMME, STAFF,
                                                STARTS + timedelta(hours=3), "attendance", "fp")

    assert (fact.type, fact.data["duration_minutes"]) == ("CommunityMeetingAttended", 120)
    assert persons.evolve(ready, fact).step == "ready"


def test_a_mentee_s_presentation_moves_them_to_presented():
    bilal = mentee("bilal")
    state = given_session("presentation", 10, bilal)

    _, [(_, fact)] = sessions.record_attendance(state, ["bilal"], {"bilal": bilal}, PROGRAMME, STAFF,
                                                STARTS + timedelta(hours=1), "attendance", "fp")

    assert persons.evolve(bilal, fact).step == "presented"


@pytest.mark.parametrize(("attended", "at", "code", "field"), [
    (["anne"], STARTS - timedelta(hours=1), "session_not_started", "attended"),
    (["anne", "zoe"], STARTS + timedelta(hours=1), "not_registered", "attended.1"),
    # A candidate at a training: the interview comes first.
    (["anne"], STARTS + timedelta(hours=1), "journey_step_not_now", "attended.0"),
])
def test_attendance_is_refused_before_the_start_for_someone_not_registered_or_not_yet_at_the_step(
        attended, at, code, field):
    anne, zoe = mentor("anne"), mentor("zoe")
    kind = "training" if code == "journey_step_not_now" else "information_session"
    state = given_session(kind, 5, anne)

    with pytest.raises(NotAllowed) as refused:
        sessions.record_attendance(state, attended, {"anne": anne, "zoe": zoe}, PROGRAMME, STAFF, at, "a", "fp")
    assert (refused.value.code, refused.value.field) == (code, field)


def test_attendance_is_recorded_once_and_closes_registrations():
    anne = mentor("anne")
    state = given_session("information_session", 5, anne)
    then_recorded(state, sessions.record_attendance(state, [], {}, PROGRAMME, STAFF, STARTS, "a", "fp")[0])

    assert state.attended == []
    for refused_command in (
            lambda: sessions.record_attendance(state, ["anne"], {"anne": anne}, PROGRAMME, STAFF, STARTS, "b", "fp"),
            lambda: sessions.register(state, mentor("bob"), STAFF, NOW, "bob", "fp"),
            lambda: sessions.cancel(state, "anne", STAFF, NOW, "c", "fp")):
        with pytest.raises(NotAllowed, match="attendance_already_recorded"):
            refused_command()
    with pytest.raises(InvalidInput, match="person_listed_twice"):
        sessions.record_attendance(given_session("information_session", 5, anne), ["anne", "anne"], {"anne": anne},
                                   PROGRAMME, STAFF, STARTS, "d", "fp")
