"""Where a person lands after logging in: the staff on today's tasks, a mentor or a mentee on their own page."""

from fastapi import APIRouter
from fastapi.responses import RedirectResponse

from domain.errors import Forbidden
from domain.principals import PAIR, STAFF
from web.guard import AnyViewer

router = APIRouter()


@router.get("/")
async def home(who: AnyViewer) -> RedirectResponse:
    if who.principal.role in STAFF:
        return RedirectResponse("/app/tasks", status_code=303)
    if who.principal.role in PAIR:
        return RedirectResponse("/app/me", status_code=303)
    raise Forbidden("web.no_pages_for_role")
