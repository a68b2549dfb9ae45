"""Mentors and mentees: the minimal records (name, contact, languages). Parse, call the service, present."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from api import cursors
from api import schemas as s
from api.deps import IdempotencyKeyDep, LanguageDep, PersonsDep
from api.fields import PLAIN
from api.presenters import person_out
from api.principal import allowed
from domain import persons
from domain.permissions import Permission
from domain.principals import Principal

router = APIRouter(tags=["mentors et mentees"])
PersonId = Annotated[str, Path(max_length=64, pattern=PLAIN, description="Identifiant de la personne")]
ProgrammeFilter = Annotated[str | None, Query(max_length=40, pattern=PLAIN, description="Seulement ce programme")]
Registrar = Annotated[Principal, allowed(Permission.PERSONS_REGISTER)]
Editor = Annotated[Principal, allowed(Permission.PERSONS_CHANGE)]
Lister = Annotated[Principal, allowed(Permission.PERSONS_LIST)]
Reader = Annotated[Principal, allowed(Permission.PERSONS_READ)]


def _register(role: str):
    async def create(body: s.PERSON_IN[role], service: PersonsDep, principal: Registrar,  # type: ignore[name-defined]
                     key: IdempotencyKeyDep, response: Response, language: LanguageDep) -> s.PersonOut:
        registered = await service.register(role, body.name, body.email, body.phone, body.languages, principal, key,
                                            body.programme_id, getattr(body, "capacity", None), body.organisation_id,
                                            body.step, getattr(body, "background", None),
                                            getattr(body, "adviser", None))
        if registered.repeated:
            response.headers["Idempotent-Replayed"] = "true"
        response.headers["Location"] = f"/{role}s/{registered.person['person_id']}"
        return person_out(registered.person, principal, language)

    return create


def _change(role: str):
    async def change(person_id: PersonId, body: s.PERSON_CHANGE_IN[role],  # type: ignore[name-defined]
                     service: PersonsDep, principal: Editor, key: IdempotencyKeyDep, response: Response,
                     language: LanguageDep) -> s.PersonOut:
        changed = await service.change(role, person_id, body.model_dump(mode="json", exclude_unset=True), principal,
                                       key)
        if changed.repeated:
            response.headers["Idempotent-Replayed"] = "true"
        return person_out(changed.person, principal, language)

    return change


def _list(role: str):
    list_name = f"{role}s"
    PageCursor = cursors.parameter(list_name, ("Anne Dupont", "1b4e28ba-2fa1-4d3b-883f-0016d3cca427"))

    async def list_persons(service: PersonsDep, principal: Lister, language: LanguageDep,
                           limit: Annotated[int, Query(ge=1, le=500)] = 50, after: PageCursor = None,
                           programme_id: ProgrammeFilter = None) -> s.PersonPage:
        page = await service.page(role, principal, limit, after, programme_id)
        return s.PersonPage(items=[person_out(p, principal, language) for p in page.items],
                            **cursors.page_fields(page, list_name, limit))

    return list_persons


def _one(role: str):
    async def get_person(person_id: PersonId, service: PersonsDep, principal: Reader,
                         language: LanguageDep) -> s.PersonOut:
        return person_out(await service.get(role, person_id, principal), principal, language)

    return get_person


for _role in persons.ROLES:
    router.post(f"/{_role}s", status_code=201, response_model=s.PersonOut, summary=f"Inscrire un {_role}")(_register(_role))
    router.get(f"/{_role}s", response_model=s.PersonPage, summary=f"Liste des {_role}s",
               dependencies=cursors.NO_OFFSET)(_list(_role))
    router.get(f"/{_role}s/{{person_id}}", response_model=s.PersonOut, summary=f"Un {_role}")(_one(_role))
    router.patch(f"/{_role}s/{{person_id}}", response_model=s.PersonOut,
                 summary=f"Changer le profil d'un {_role} (un fait sur son flux)")(_change(_role))
