"""Mentors and mentees: the minimal record kept before the full intake (a later step)."""

from dataclasses import dataclass
from datetime import datetime

from domain.facts import Actor, Fact

ROLES = ("mentor", "mentee")
REGISTERED = {"mentor": "MentorRegistered", "mentee": "MenteeRegistered"}


@dataclass(frozen=True)
class Person:
    person_id: str
    role: str
    name: str
    email: str | None
    phone: str | None
    languages: list[str]


def register(person: Person, actor: Actor, at: datetime, command_id: str, fingerprint: str) -> Fact:
    return Fact(
        type=REGISTERED[person.role],
        position=1,
        occurred_at=at,
        actor=actor,
        data={"name": person.name, "email": person.email, "phone": person.phone, "languages": person.languages},
        command_id=command_id,
        fingerprint=fingerprint,
    )


def from_fact(person_id: str, fact: Fact) -> Person:
    role = next(role for role, fact_type in REGISTERED.items() if fact_type == fact.type)
    return Person(person_id, role, fact.data["name"], fact.data.get("email"), fact.data.get("phone"), fact.data.get("languages", []))
