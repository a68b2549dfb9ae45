"""Programmes: created and changed as facts; each binôme runs under its programme's settings as they were when it
was proposed."""

from typing import Annotated

from fastapi import APIRouter, Response

from api import schemas as s
from api.deps import IdempotencyKeyDep, ProgrammesDep
from api.principal import allowed
from application.idempotency import fingerprint
from domain.errors import NotFound
from domain.permissions import Permission
from domain.principals import Principal
from domain.programme import Programme

router = APIRouter(prefix="/programmes", tags=["programmes"])
Reader = Annotated[Principal, allowed(Permission.PROGRAMMES_READ)]
Manager = Annotated[Principal, allowed(Permission.PROGRAMMES_MANAGE)]


def _out(programme: Programme) -> s.ProgrammeOut:
    settings = programme.to_dict()
    return s.ProgrammeOut(programme_id=settings.pop("id"), name=programme.name, settings=settings)


def _replayed(written: bool, response: Response) -> None:
    if not written:
        response.headers["Idempotent-Replayed"] = "true"


@router.get("", response_model=list[s.ProgrammeOut], summary="Les programmes")
async def list_programmes(programmes: ProgrammesDep, principal: Reader) -> list[s.ProgrammeOut]:
    return [_out(programme) for programme in await programmes.all() if principal.sees_programme(programme.id)]


@router.get("/{programme_id}", response_model=s.ProgrammeOut, summary="Un programme et ses réglages")
async def get_programme(programme_id: s.ProgrammeId, programmes: ProgrammesDep, principal: Reader) -> s.ProgrammeOut:
    if not principal.sees_programme(programme_id):
        raise NotFound("programme_not_found", programme_id=programme_id)
    return _out(await programmes.one(programme_id))


@router.post("", status_code=201, response_model=s.ProgrammeOut, summary="Créer un programme")
async def create_programme(body: s.ProgrammeIn, programmes: ProgrammesDep, principal: Manager,
                           key: IdempotencyKeyDep, response: Response) -> s.ProgrammeOut:
    actor = principal.actor
    settings = body.model_dump(exclude_unset=True, exclude={"programme_id"})
    programme, written = await programmes.create_async(
        body.programme_id, settings, actor, key or f"programme/{body.programme_id}",
        fingerprint("CreateProgramme", body.model_dump(mode="json")))
    _replayed(written, response)
    response.headers["Location"] = f"/programmes/{programme.id}"
    return _out(programme)


@router.patch("/{programme_id}", response_model=s.ProgrammeOut, summary="Changer des réglages d'un programme")
async def change_programme(programme_id: s.ProgrammeId, body: s.ProgrammeSettingsIn, programmes: ProgrammesDep,
                           principal: Manager, key: IdempotencyKeyDep, response: Response) -> s.ProgrammeOut:
    actor = principal.actor
    changes = body.model_dump(exclude_unset=True)
    programme, written = await programmes.change_async(
        programme_id, changes, actor, key, fingerprint("ChangeProgramme", body.model_dump(mode="json", exclude_unset=True)))
    _replayed(written, response)
    return _out(programme)
