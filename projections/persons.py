"""Projection "persons": each mentor's and mentee's record as it stands: registration, profile changes, the step of
their journey and since when, a mentor's pause, the matching profile."""

import json
from datetime import datetime

from sqlalchemy import Connection, bindparam, insert, select, update

from domain import catalogue
from domain import persons as domain_persons
from eventstore import RecordedFact
from projections.projection import Batch, Projection
from projections.tables import persons
from projections.timestamps import to_text

# Joining and leaving binômes change nothing in this view.
_HANDLED = frozenset(domain_persons.REGISTERED.values()) | frozenset(domain_persons.STEP_REACHED) | {
    "PersonProfileChanged", "MatchingProfileChanged", "MentorPaused", "MentorResumed"}
# A row's columns an update may change (all but its id).
_CHANGEABLE = [column.name for column in persons.columns if column.name != "person_id"]
_UPDATE = update(persons).where(persons.c.person_id == bindparam("id_")).values(
    {name: bindparam(name) for name in _CHANGEABLE})


class PersonsProjection(Projection):
    name = "persons"
    tables = (persons,)

    def handles(self, fact_type: str) -> bool:
        return fact_type in _HANDLED and catalogue.is_of(fact_type, catalogue.PERSON)

    def batch(self, conn: Connection) -> "PersonsBatch":
        return PersonsBatch(conn)


class PersonsBatch(Batch):
    """Each person the batch touches is read at most once and written once, at the flush: registrations inserted
    together, the others updated."""

    def __init__(self, conn: Connection):
        self._conn = conn
        self._registered: dict[str, dict] = {}
        self._changed: dict[str, dict] = {}

    def apply(self, recorded: RecordedFact) -> None:
        fact = recorded.fact
        person_id = str(recorded.stream_id)
        if fact.type in domain_persons.ROLE_OF:
            if person_id in self._registered:
                raise ValueError(f"person {person_id} registered twice")
            self._registered[person_id] = _registered(person_id, fact)
            return
        row = self._registered.get(person_id) or self._changed.get(person_id) or self._read(person_id)
        _change(row, fact)
        row["version"] = fact.position

    def flush(self) -> None:
        # A plain insert: applying a registration twice is a bug, and it shows (the primary key refuses it).
        if self._registered:
            self._conn.execute(insert(persons), list(self._registered.values()))
            self._registered = {}
        if self._changed:
            self._conn.execute(_UPDATE, [{**{name: row[name] for name in _CHANGEABLE}, "id_": person_id}
                                         for person_id, row in self._changed.items()])
            self._changed = {}

    def _read(self, person_id: str) -> dict:
        row = self._conn.execute(select(persons).where(persons.c.person_id == person_id)).mappings().one()
        self._changed[person_id] = dict(row)
        return self._changed[person_id]


def _registered(person_id: str, fact) -> dict:
    person = domain_persons.from_fact(person_id, fact)
    return {"person_id": person.person_id, "role": person.role, "name": person.name, "email": person.email,
            "phone": person.phone, "languages": json.dumps(person.languages),
            "registered_at": to_text(fact.occurred_at), "programme_id": person.programme_id,
            "capacity": person.capacity if person.role == "mentor" else None,
            "organisation_id": person.organisation_id, "step": fact.data["step"],
            "step_since": to_text(fact.occurred_at), "background": person.background, "adviser": person.adviser,
            "paused_until": None, "profile": "{}", "version": fact.position}


def _change(row: dict, fact) -> None:
    """What one fact changes in a person's row (as domain.persons.evolve does to the state)."""
    data = fact.data
    if fact.type == "PersonProfileChanged":
        row.update({name: json.dumps(value) if name == "languages" else value
                    for name, value in data["changes"].items()})
    elif fact.type == "MatchingProfileChanged":
        profile = json.loads(row["profile"])
        for name, value in data["changes"].items():
            if value is None:
                profile.pop(name, None)
            else:
                profile[name] = value
        row["profile"] = json.dumps(profile, sort_keys=True)
    elif fact.type in domain_persons.STEP_REACHED:
        row["step"], row["step_since"] = domain_persons.STEP_REACHED[fact.type], to_text(fact.occurred_at)
    elif fact.type == "MentorPaused":
        row["paused_until"] = to_text(datetime.fromisoformat(data["until"]))
    elif fact.type == "MentorResumed":
        row["paused_until"] = None
