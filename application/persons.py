"""Mentors and mentees: register (straight into the store, one stream per person), read one, list them.

With an Idempotency-Key the person's id is derived from it, so a repeated registration finds the first one's
stream: the same body gets the first answer again (the registration keeps its first date), another body is
refused. Each registration is dated when it is handled, so repeats are recognised by the body's fingerprint,
never by comparing facts.
"""

import asyncio
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from uuid import UUID

import structlog

from application.idempotency import fingerprint
from domain import persons
from domain.errors import IdempotencyConflict, NotFound
from domain.facts import Actor, Fact
from eventstore import AppendConflict, FactStore, RecordedFact
from projections.projector import Projector
from projections.queries import Page, Views

log = structlog.get_logger("mentorat.persons")
PERSON_NAMESPACE = uuid.UUID("0b9e8f7a-3c2d-4e1f-8a6b-5d4c3b2a1f0e")


@dataclass(frozen=True)
class Registered:
    person: dict[str, Any]
    repeated: bool


class PersonService:
    def __init__(self, store: FactStore, views: Views, projector: Projector, read_your_writes_seconds: float):
        self._store = store
        self._views = views
        self._projector = projector
        self._read_your_writes_seconds = read_your_writes_seconds

    async def register(self, role: str, name: str, email: str | None, phone: str | None, languages: list[str],
                       actor: Actor, key: str | None) -> Registered:
        person_id = uuid.uuid5(PERSON_NAMESPACE, f"{role}/{key}") if key else uuid.uuid4()
        body = {"name": name, "email": email, "phone": phone, "languages": languages}
        person = persons.Person(str(person_id), role, name, email, phone, languages)
        fact = persons.register(person, actor, datetime.now(timezone.utc), key or str(person_id),
                                fingerprint(role, body))
        repeated = not await self._append_or_recognise(person_id, fact)
        return Registered(await self._as_recorded(role, person_id), repeated)

    async def get(self, role: str, person_id: str) -> dict[str, Any]:
        found = await asyncio.to_thread(self._views.person, person_id)
        if found is None or found["role"] != role:
            raise NotFound(f"{role}_not_found")
        return found

    async def page(self, role: str, limit: int, offset: int) -> Page:
        return await asyncio.to_thread(self._views.persons, role, limit, offset)

    async def _append_or_recognise(self, person_id: UUID, fact: Fact) -> bool:
        """True if `fact` was written now; False if the same registration (same key and body) was already there."""
        try:
            if await asyncio.to_thread(self._store.append, person_id, [fact]):
                return True
        except AppendConflict:
            pass
        stored = await asyncio.to_thread(self._store.read, person_id)
        if stored and stored[0].fact.command_id == fact.command_id and stored[0].fact.fingerprint == fact.fingerprint:
            return False
        raise IdempotencyConflict()

    async def _as_recorded(self, role: str, person_id: UUID) -> dict[str, Any]:
        """The person as the views show it once they caught up (best effort, bounded); else from the store."""
        try:
            visible = await asyncio.to_thread(self._projector.wait_until,
                                              lambda: self._views.person(str(person_id)) is not None,
                                              self._read_your_writes_seconds)
            if visible:
                return await self.get(role, str(person_id))
        except Exception:
            log.exception("read_view_wait_failed", person_id=str(person_id))
        stored = await asyncio.to_thread(self._store.read, person_id)
        return _from_recorded(person_id, stored[0])


def _from_recorded(person_id: UUID, recorded: RecordedFact) -> dict[str, Any]:
    person = persons.from_fact(str(person_id), recorded.fact)
    return {"person_id": person.person_id, "role": person.role, "name": person.name, "email": person.email,
            "phone": person.phone, "languages": person.languages, "registered_at": recorded.fact.occurred_at}
