"""Mentors and mentees: each a stream of facts over time — registration, profile changes, the steps of their
journey (domain.journeys), the binômes they join and leave. `PersonState` is what the rules across binômes read
(see `domain.engagements`)."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.errors import InvalidInput, NotAllowed
from domain.facts import Actor, Fact
from domain.idempotency import already_recorded

ROLES = ("mentor", "mentee")
REGISTERED = {"mentor": "MentorRegistered", "mentee": "MenteeRegistered"}
ROLE_OF = {fact_type: role for role, fact_type in REGISTERED.items()}
DEFAULT_PROGRAMME_ID = "default"
DEFAULT_CAPACITY = 1
# What a profile change may set.
PROFILE_FIELDS = ("name", "email", "phone", "languages", "capacity", "organisation_id")
# The journey before the binôme, step by step (domain.journeys moves people along it). A mentor can be proposed
# once ready; a mentee once selected. A mentor who left is "departed" for good.
MENTOR_STEPS = ("candidate", "informed", "interviewed", "ready", "departed")
MENTEE_STEPS = ("applied", "presented", "interviewed", "selected", "not_selected")
STEPS = {"mentor": MENTOR_STEPS, "mentee": MENTEE_STEPS}
# Where a registration may place someone who went through the first steps before the programme used Mentorat.
REGISTRATION_STEPS = {"mentor": MENTOR_STEPS[:4], "mentee": MENTEE_STEPS[:4]}
# The step from which a person may be proposed (domain.engagements).
PROPOSABLE_STEP = {"mentor": "ready", "mentee": "selected"}
# Steps where nobody waits on the programme: nobody is "stuck" there.
SETTLED_STEPS = frozenset({"ready", "departed", "selected", "not_selected"})
# The journey facts (domain.journeys) and the step each one brings a person to.
STEP_REACHED = {
    "InformationSessionAttended": "informed", "PreparationInterviewHeld": "interviewed", "TrainingAttended": "ready",
    "MentorLeft": "departed",
    "PresentationAttended": "presented", "SelectionInterviewHeld": "interviewed", "MenteeSelected": "selected",
    "MenteeNotSelected": "not_selected",
}
# How a mentor comes to the programme: an employee of a partner company, or on their own account.
BACKGROUNDS = ("employee", "self_employed", "company_head")


@dataclass(frozen=True)
class Person:
    person_id: str
    role: str
    name: str
    email: str | None
    phone: str | None
    languages: list[str]
    programme_id: str = DEFAULT_PROGRAMME_ID
    # How many binômes a mentor may have open at once (mentees: always one).
    capacity: int = DEFAULT_CAPACITY
    # The partner organisation: the ISP that referred a mentee, the company that employs a mentor (its users see
    # their own people: domain.principals).
    organisation_id: str | None = None
    # Where the journey starts (None: its first step); see REGISTRATION_STEPS.
    step: str | None = None
    # A mentor's background (BACKGROUNDS); a mentee's referring adviser at the ISP (`organisation_id`).
    background: str | None = None
    adviser: str | None = None


@dataclass
class PersonState:
    person_id: str
    role: str | None = None
    programme_id: str = DEFAULT_PROGRAMME_ID
    name: str = ""
    email: str | None = None
    phone: str | None = None
    languages: list[str] = field(default_factory=list)
    capacity: int = DEFAULT_CAPACITY
    organisation_id: str | None = None
    registered_at: datetime | None = None
    step: str | None = None
    step_since: datetime | None = None
    background: str | None = None
    adviser: str | None = None
    # A mentor's pause: no proposal before this moment.
    paused_until: datetime | None = None
    # The matching profile (domain.profiles): field -> value, as last recorded.
    profile: dict[str, Any] = field(default_factory=dict)
    version: int = 0
    # binôme id -> the other person of the pair, for every binôme not yet ended
    open_binomes: dict[str, str] = field(default_factory=dict)
    # binômes that ended, with why (a `BinomeLeft` reason)
    ended_binomes: dict[str, str] = field(default_factory=dict)
    # command id -> fingerprint of its body, so a repeated command is recognised
    commands: dict[str, str | None] = field(default_factory=dict)

    @property
    def registered(self) -> bool:
        return self.role is not None

    def person(self) -> Person:
        return Person(self.person_id, self.role or "", self.name, self.email, self.phone, list(self.languages),
                      self.programme_id, self.capacity, self.organisation_id, self.step, self.background,
                      self.adviser)

    def paused_at(self, moment: datetime) -> bool:
        return self.paused_until is not None and moment < self.paused_until


def capacity_of(role: str, capacity: int | None) -> int:
    """The capacity a registration gives: a mentor's own (one by default); a mentee has none to give."""
    if capacity is None:
        return DEFAULT_CAPACITY
    if role != "mentor":
        raise InvalidInput("capacity_for_mentors_only", field="capacity")
    return capacity


def register(person: Person, actor: Actor, at: datetime, command_id: str, fingerprint: str | None) -> Fact:
    step = person.step or STEPS[person.role][0]
    if step not in REGISTRATION_STEPS[person.role]:
        raise InvalidInput("registration_step_invalid", field="step", steps=", ".join(REGISTRATION_STEPS[person.role]))
    data: dict[str, Any] = {"name": person.name, "email": person.email, "phone": person.phone,
                            "languages": list(person.languages), "programme_id": person.programme_id,
                            "organisation_id": person.organisation_id, "step": step}
    if person.role == "mentor":
        if person.background not in (None, *BACKGROUNDS):
            raise InvalidInput("background_invalid", field="background")
        if person.background == "employee" and person.organisation_id is None:
            raise NotAllowed("employee_needs_company", field="organisation_id")
        data["capacity"] = person.capacity
        data["background"] = person.background
    else:
        if person.background is not None:
            raise InvalidInput("background_for_mentors_only", field="background")
        data["adviser"] = person.adviser
    return Fact(type=REGISTERED[person.role], position=1, occurred_at=at, actor=actor, data=data,
                command_id=command_id, fingerprint=fingerprint)


def change_profile(state: PersonState, changes: dict[str, Any], actor: Actor, at: datetime, command_id: str,
                   fingerprint: str | None) -> list[Fact]:
    """A profile change as a fact; the same command again records nothing."""
    if not state.registered:
        raise NotAllowed("person_not_registered")
    if already_recorded(state.commands, command_id, fingerprint):
        return []
    unknown = [name for name in changes if name not in PROFILE_FIELDS]
    if unknown:
        raise InvalidInput("field_unknown", field=unknown[0])
    if "capacity" in changes:
        if state.role != "mentor":
            raise InvalidInput("capacity_for_mentors_only", field="capacity")
        if not isinstance(changes["capacity"], int) or not 1 <= changes["capacity"] <= 10:
            raise InvalidInput("capacity_out_of_range", field="capacity", max=10)
    if not changes:
        raise InvalidInput("changes_required", field="changes")
    return [Fact("PersonProfileChanged", state.version + 1, at, actor, {"changes": dict(changes)}, command_id,
                 fingerprint)]


def evolve(state: PersonState, fact: Fact) -> PersonState:
    data = fact.data
    if fact.type in ROLE_OF:
        state.role = ROLE_OF[fact.type]
        state.name, state.email, state.phone = data["name"], data.get("email"), data.get("phone")
        state.languages = list(data.get("languages", []))
        state.programme_id = data.get("programme_id", DEFAULT_PROGRAMME_ID)
        state.capacity = data.get("capacity", DEFAULT_CAPACITY)
        state.organisation_id = data.get("organisation_id")
        state.registered_at = fact.occurred_at
        state.step, state.step_since = data["step"], fact.occurred_at
        state.background, state.adviser = data.get("background"), data.get("adviser")
    elif fact.type == "PersonProfileChanged":
        for name, value in data["changes"].items():
            setattr(state, name, list(value) if name == "languages" else value)
    elif fact.type in STEP_REACHED:
        state.step, state.step_since = STEP_REACHED[fact.type], fact.occurred_at
    elif fact.type == "MentorPaused":
        state.paused_until = datetime.fromisoformat(data["until"])
    elif fact.type == "MentorResumed":
        state.paused_until = None
    elif fact.type == "MatchingProfileChanged":
        for name, value in data["changes"].items():
            if value is None:
                state.profile.pop(name, None)
            else:
                state.profile[name] = value
    elif fact.type == "BinomeJoined":
        state.open_binomes[data["binome_id"]] = data["partner_id"]
    elif fact.type == "BinomeLeft":
        state.open_binomes.pop(data["binome_id"], None)
        state.ended_binomes[data["binome_id"]] = data["reason"]
    state.version = fact.position
    if fact.command_id is not None:
        state.commands.setdefault(fact.command_id, fact.fingerprint)
    return state


def fold(person_id: str, facts: list[Fact]) -> PersonState:
    state = PersonState(person_id)
    for fact in facts:
        evolve(state, fact)
    return state


def from_fact(person_id: str, fact: Fact) -> Person:
    """The person as registered by `fact` (a registration)."""
    return evolve(PersonState(person_id), fact).person()
