"""Sessions: the programme's collective moments, each a stream of facts. Mentors' information sessions and
trainings, mentees' collective presentations, mentors' community meetings.

A session is scheduled with its date, a place or a video link (or both), and a capacity. People register: a seat
while one is free, else the waiting list. A seat given back goes to the first on the waiting list, in the same
decision. Attendance is recorded once the session has begun, once. It moves each person who attended along their
journey (the journey's own step, domain.journeys) on the person's stream, in the same transaction as the session's
attendance. A person already past that step is recorded as present and stays where they are.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from domain import journeys
from domain.errors import InvalidInput, NotAllowed, NotFound
from domain.facts import Actor, Fact
from domain.idempotency import already_recorded
from domain.persons import STEPS, PersonState
from domain.programme import Programme

# Kind -> who attends it.
KINDS = {"information_session": "mentor", "training": "mentor", "presentation": "mentee",
         "community_meeting": "mentor"}
# Kind -> the journey command attending records on the person's stream (domain.journeys, domain.persons).
JOURNEY_COMMAND = {"information_session": "RecordInformationSession", "training": "RecordTraining",
                   "presentation": "RecordPresentation", "community_meeting": "RecordCommunityMeeting"}
# Kind -> the step a person must have reached to attend it and move on; None: attending moves nobody.
STEP_BEFORE = {"information_session": "candidate", "training": "interviewed", "presentation": "applied",
               "community_meeting": None}
DEFAULT_MINUTES = {"information_session": journeys.INFORMATION_MINUTES, "training": journeys.TRAINING_MINUTES,
                   "presentation": journeys.PRESENTATION_MINUTES,
                   "community_meeting": journeys.COMMUNITY_MEETING_MINUTES}
CAPACITY = (1, 500)
TITLE_LIMIT, PLACE_LIMIT = 200, 500
# A session is scheduled for the coming two years at most; one up to a year past may be entered afterwards.
HORIZON = timedelta(days=731)
PAST = timedelta(days=366)
# Registrations: who holds a seat, who waits, who gave theirs back.
SEAT, WAITING, CANCELLED = "seat", "waiting", "cancelled"


@dataclass(frozen=True)
class Schedule:
    programme_id: str
    kind: str
    starts_at: datetime
    capacity: int
    duration_minutes: int | None = None
    title: str = ""
    place: str = ""
    video_link: str = ""


@dataclass
class SessionState:
    session_id: str
    schedule: Schedule | None = None
    # In the order they took them.
    seats: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    # None until attendance is recorded.
    attended: list[str] | None = None
    version: int = 0
    commands: dict[str, str | None] = field(default_factory=dict)

    @property
    def exists(self) -> bool:
        return self.schedule is not None

    @property
    def role(self) -> str:
        return KINDS[self.schedule.kind]

    @property
    def duration_minutes(self) -> int:
        return self.schedule.duration_minutes or DEFAULT_MINUTES[self.schedule.kind]

    def registered(self, person_id: str) -> bool:
        return person_id in self.seats or person_id in self.waiting


def schedule(state: SessionState, planned: Schedule, actor: Actor, now: datetime, command_id: str,
             fingerprint: str | None) -> list[Fact]:
    if state.exists:
        if already_recorded(state.commands, command_id, fingerprint):
            return []
        raise NotAllowed("session_exists")
    if planned.kind not in KINDS:
        raise InvalidInput("code_unknown", field="kind", allowed=", ".join(KINDS))
    low, high = CAPACITY
    if not low <= planned.capacity <= high:
        raise InvalidInput("value_out_of_range", field="capacity", min=low, max=high)
    if planned.duration_minutes is not None and not 1 <= planned.duration_minutes <= 600:
        raise InvalidInput("value_out_of_range", field="duration_minutes", min=1, max=600)
    if not planned.place.strip() and not planned.video_link.strip():
        raise InvalidInput("place_or_video_link_required", field="place")
    if not now - PAST <= planned.starts_at <= now + HORIZON:
        raise NotAllowed("session_date_out_of_range", field="starts_at")
    data: dict[str, Any] = {"session_id": state.session_id, "programme_id": planned.programme_id,
                            "kind": planned.kind, "title": planned.title, "starts_at": planned.starts_at.isoformat(),
                            "duration_minutes": planned.duration_minutes or DEFAULT_MINUTES[planned.kind],
                            "place": planned.place, "video_link": planned.video_link, "capacity": planned.capacity}
    return [Fact("SessionScheduled", 1, now, actor, data, command_id, fingerprint)]


def register(state: SessionState, person: PersonState, actor: Actor, now: datetime, command_id: str,
             fingerprint: str | None) -> list[Fact]:
    """A seat while one is free, else the waiting list."""
    _require(state)
    if already_recorded(state.commands, command_id, fingerprint):
        return []
    _check_attendee(state, person)
    if state.registered(person.person_id):
        raise NotAllowed("already_registered", field="person_id")
    if state.attended is not None:
        raise NotAllowed("attendance_already_recorded")
    if person.step == "departed":
        raise NotAllowed("mentor_departed", field="person_id")
    if len(state.seats) < state.schedule.capacity:
        return [_fact(state, 1, "SessionSeatTaken", now, actor, command_id, fingerprint,
                      person_id=person.person_id, from_waiting_list=False)]
    return [_fact(state, 1, "SessionWaitlisted", now, actor, command_id, fingerprint,
                  person_id=person.person_id, rank=len(state.waiting) + 1)]


def cancel(state: SessionState, person_id: str, actor: Actor, now: datetime, command_id: str,
           fingerprint: str | None) -> list[Fact]:
    """A registration given back; a seat goes to the first on the waiting list."""
    _require(state)
    if already_recorded(state.commands, command_id, fingerprint):
        return []
    if not state.registered(person_id):
        raise NotAllowed("not_registered", field="person_id")
    if state.attended is not None:
        raise NotAllowed("attendance_already_recorded")
    facts = [_fact(state, 1, "SessionRegistrationCancelled", now, actor, command_id, fingerprint,
                   person_id=person_id, had_seat=person_id in state.seats)]
    if person_id in state.seats and state.waiting:
        facts.append(_fact(state, 2, "SessionSeatTaken", now, actor, command_id, fingerprint,
                           person_id=state.waiting[0], from_waiting_list=True))
    return facts


def record_attendance(state: SessionState, attended: list[str], attendees: dict[str, PersonState],
                      programme: Programme, actor: Actor, now: datetime, command_id: str,
                      fingerprint: str | None) -> tuple[list[Fact], list[tuple[str, Fact]]]:
    """The session's attendance, and on each attendee's stream the step it brings them to. `attendees`: the state
    of every person in `attended`. Those with a seat who are not in `attended` are recorded absent."""
    _require(state)
    if already_recorded(state.commands, command_id, fingerprint):
        return [], []
    if state.attended is not None:
        raise NotAllowed("attendance_already_recorded")
    if now + journeys.CLOCK_SKEW < state.schedule.starts_at:
        raise NotAllowed("session_not_started", field="attended")
    if len(set(attended)) != len(attended):
        raise InvalidInput("person_listed_twice", field="attended")
    steps = []
    for index, person_id in enumerate(attended):
        if not state.registered(person_id):
            raise NotAllowed("not_registered", field=f"attended.{index}")
        fact = _journey_step(state, attendees[person_id], programme, actor, now, command_id, fingerprint,
                             f"attended.{index}")
        if fact is not None:
            steps.append((person_id, fact))
    absent = [person_id for person_id in state.seats if person_id not in attended]
    session_fact = _fact(state, 1, "SessionAttendanceRecorded", now, actor, command_id, fingerprint,
                         attended=list(attended), absent=absent)
    return [session_fact], steps


def _journey_step(state: SessionState, person: PersonState, programme: Programme, actor: Actor, now: datetime,
                  command_id: str, fingerprint: str | None, field_name: str) -> Fact | None:
    """The fact attending records on the person's stream: their next step, the hours of a community meeting; or
    none for someone already past the session's step."""
    kind = state.schedule.kind
    before = STEP_BEFORE[kind]
    if person.step == "departed":
        raise NotAllowed("mentor_departed", field=field_name)
    if before is not None and person.step != before:
        order = STEPS[state.role]
        if order.index(person.step) < order.index(before):
            raise NotAllowed("journey_step_not_now", field=field_name, step_code=f"journey.{kind}",
                             current_code=f"step.{person.step}")
        return None
    payload = {"session_id": state.session_id, "duration_minutes": state.duration_minutes}
    # The session's own command id on the person's stream: a person's command id is the session's.
    facts = journeys.decide(person, JOURNEY_COMMAND[kind], payload, programme, actor, now,
                            state.schedule.starts_at, f"{command_id}/{state.session_id}", fingerprint)
    return facts[0] if facts else None


def _require(state: SessionState) -> None:
    if not state.exists:
        raise NotFound("session_not_found")


def _check_attendee(state: SessionState, person: PersonState) -> None:
    if person.role != state.role:
        raise NotAllowed("session_for_mentors" if state.role == "mentor" else "session_for_mentees",
                         field="person_id")
    if person.programme_id != state.schedule.programme_id:
        raise NotAllowed("session_in_other_programme", field="person_id")


def _fact(state: SessionState, offset: int, fact_type: str, now: datetime, actor: Actor, command_id: str,
          fingerprint: str | None, **data: Any) -> Fact:
    return Fact(fact_type, state.version + offset, now, actor, data, command_id, fingerprint)


def evolve(state: SessionState, fact: Fact) -> SessionState:
    data = fact.data
    if fact.type == "SessionScheduled":
        state.schedule = Schedule(data["programme_id"], data["kind"], datetime.fromisoformat(data["starts_at"]),
                                  data["capacity"], data["duration_minutes"], data["title"], data["place"],
                                  data["video_link"])
    elif fact.type == "SessionSeatTaken":
        if data["person_id"] in state.waiting:
            state.waiting.remove(data["person_id"])
        state.seats.append(data["person_id"])
    elif fact.type == "SessionWaitlisted":
        state.waiting.append(data["person_id"])
    elif fact.type == "SessionRegistrationCancelled":
        for registered in (state.seats, state.waiting):
            if data["person_id"] in registered:
                registered.remove(data["person_id"])
    elif fact.type == "SessionAttendanceRecorded":
        state.attended = list(data["attended"])
    state.version = fact.position
    if fact.command_id is not None:
        state.commands.setdefault(fact.command_id, fact.fingerprint)
    return state


def fold(session_id: str, facts: list[Fact]) -> SessionState:
    state = SessionState(session_id)
    for fact in facts:
        evolve(state, fact)
    return state
