"""Partner organisations: the companies whose employees mentor and the ISPs who refer mentees, with their
agreements and their people."""

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from domain.permissions import Permission
from web.guard import Viewer, staff_with
from web.render import page

router = APIRouter(prefix="/organisations")
Reader = Annotated[Viewer, staff_with(Permission.ORGANISATIONS_READ)]
OrganisationId = Annotated[str, Path(max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]
LISTED = 500
PEOPLE = 200


@router.get("")
async def organisations_page(request: Request, who: Reader) -> HTMLResponse:
    listed = await request.app.state.services.organisations.page(None, LISTED)
    return page(request, "organisations.html", organisations=listed.items)


@router.get("/{organisation_id}")
async def organisation_page(request: Request, organisation_id: OrganisationId, who: Reader) -> HTMLResponse:
    services = request.app.state.services
    found = await services.organisations.get(organisation_id, who.principal)
    role = "mentor" if found["kind"] == "company" else "mentee"
    people = await services.persons.people_of(role, organisation_id, who.principal, PEOPLE)
    return page(request, "organisation.html", organisation=found, role=role, people=people)
