"""Projection "persons": the minimal record of each mentor and mentee."""

import json

from sqlalchemy import Connection, insert

from domain import persons as domain_persons
from eventstore import RecordedFact
from projections.projection import Batch, Projection
from projections.tables import persons
from projections.timestamps import to_text

PERSON_FACTS = frozenset(domain_persons.REGISTERED.values())


class PersonsProjection(Projection):
    name = "persons"
    tables = (persons,)

    def handles(self, fact_type: str) -> bool:
        return fact_type in PERSON_FACTS

    def batch(self, conn: Connection) -> "PersonsBatch":
        return PersonsBatch(conn)


class PersonsBatch(Batch):
    def __init__(self, conn: Connection):
        self._conn = conn

    def apply(self, recorded: RecordedFact) -> None:
        person = domain_persons.from_fact(str(recorded.stream_id), recorded.fact)
        # A plain insert: applying a registration twice is a bug, and it shows (the primary key refuses it).
        self._conn.execute(insert(persons), {
            "person_id": person.person_id, "role": person.role, "name": person.name, "email": person.email,
            "phone": person.phone, "languages": json.dumps(person.languages),
            "registered_at": to_text(recorded.fact.occurred_at)})

    def flush(self) -> None:
        pass
