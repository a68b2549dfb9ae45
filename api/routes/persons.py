"""Mentors and mentees: the minimal records (name, contact, languages). Written straight to the store."""

import asyncio
import uuid
from datetime import datetime, timezone
from typing import Annotated

from fastapi import APIRouter, Query, Response

from api import schemas as s
from api.deps import ActorDep, ContainerDep, IdempotencyKeyDep
from api.gateway import fingerprint
from domain.errors import IdempotencyConflict, NotFound
from domain import persons
from eventstore import AppendConflict

router = APIRouter(tags=["mentors et mentees"])
PERSON_NAMESPACE = uuid.UUID("0b9e8f7a-3c2d-4e1f-8a6b-5d4c3b2a1f0e")


def _register(role: str):
    async def create(body: s.PersonIn, container: ContainerDep, actor: ActorDep, key: IdempotencyKeyDep,
                     response: Response) -> s.PersonOut:
        person_id = uuid.uuid5(PERSON_NAMESPACE, f"{role}/{key}") if key else uuid.uuid4()
        payload = body.model_dump(mode="json")
        person = persons.Person(str(person_id), role, body.name, body.email, body.phone, body.languages)
        fact = persons.register(person, actor, datetime.now(timezone.utc), key or str(person_id),
                                fingerprint(role, payload))
        try:
            written = await asyncio.to_thread(container.store.append, person_id, [fact])
        except AppendConflict:
            raise IdempotencyConflict() from None
        if not written:
            response.headers["Idempotent-Replayed"] = "true"
        await asyncio.to_thread(container.projector.wait_until,
                                lambda: container.views.person(str(person_id)) is not None,
                                container.settings.read_your_writes_seconds)
        response.headers["Location"] = f"/{role}s/{person_id}"
        return await _get(container, role, str(person_id))

    return create


async def _get(container, role: str, person_id: str) -> s.PersonOut:
    found = await asyncio.to_thread(container.views.person, person_id)
    if found is None or found["role"] != role:
        raise NotFound(f"{role}_not_found")
    return s.PersonOut(**found)


def _list(role: str):
    async def list_persons(container: ContainerDep, limit: Annotated[int, Query(ge=1, le=500)] = 50,
                           offset: Annotated[int, Query(ge=0, le=s.MAX_INDEX)] = 0) -> s.PersonPage:
        page = await asyncio.to_thread(container.views.persons, role, limit, offset)
        return s.PersonPage(items=[s.PersonOut(**p) for p in page.items], total=page.total, limit=limit, offset=offset)

    return list_persons


def _one(role: str):
    async def get_person(person_id: str, container: ContainerDep) -> s.PersonOut:
        return await _get(container, role, person_id)

    return get_person


for _role in persons.ROLES:
    router.post(f"/{_role}s", status_code=201, response_model=s.PersonOut, summary=f"Inscrire un {_role}")(_register(_role))
    router.get(f"/{_role}s", response_model=s.PersonPage, summary=f"Liste des {_role}s")(_list(_role))
    router.get(f"/{_role}s/{{person_id}}", response_model=s.PersonOut, summary=f"Un {_role}")(_one(_role))
