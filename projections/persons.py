"""Projection "persons": each mentor's and mentee's record as it stands (registration, then profile changes)."""

import json

from sqlalchemy import Connection, insert, update

from domain import catalogue
from domain import persons as domain_persons
from eventstore import RecordedFact
from projections.projection import Batch, Projection
from projections.tables import persons
from projections.timestamps import to_text

# Joining and leaving binômes change nothing in this view.
_PROFILE_FACTS = frozenset(domain_persons.REGISTERED.values()) | {"PersonProfileChanged"}


class PersonsProjection(Projection):
    name = "persons"
    tables = (persons,)

    def handles(self, fact_type: str) -> bool:
        return fact_type in _PROFILE_FACTS and catalogue.is_of(fact_type, catalogue.PERSON)

    def batch(self, conn: Connection) -> "PersonsBatch":
        return PersonsBatch(conn)


class PersonsBatch(Batch):
    """Registrations are inserted together at the flush; a profile change of a person registered in the same
    batch changes the row to insert."""

    def __init__(self, conn: Connection):
        self._conn = conn
        self._registered: dict[str, dict] = {}

    def apply(self, recorded: RecordedFact) -> None:
        fact = recorded.fact
        person_id = str(recorded.stream_id)
        if fact.type == "PersonProfileChanged":
            changes = {name: json.dumps(value) if name == "languages" else value
                       for name, value in fact.data["changes"].items()}
            if person_id in self._registered:
                self._registered[person_id].update(changes)
            else:
                self._conn.execute(update(persons).where(persons.c.person_id == person_id).values(**changes))
            return
        if person_id in self._registered:
            raise ValueError(f"person {person_id} registered twice")
        person = domain_persons.from_fact(person_id, fact)
        self._registered[person_id] = {
            "person_id": person.person_id, "role": person.role, "name": person.name, "email": person.email,
            "phone": person.phone, "languages": json.dumps(person.languages),
            "registered_at": to_text(fact.occurred_at), "programme_id": person.programme_id,
            "capacity": person.capacity if person.role == "mentor" else None,
            "organisation_id": person.organisation_id}

    def flush(self) -> None:
        # A plain insert: applying a registration twice is a bug, and it shows (the primary key refuses it).
        if self._registered:
            self._conn.execute(insert(persons), list(self._registered.values()))
            self._registered = {}
