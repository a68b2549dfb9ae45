"""Where a person lands after logging in: the staff on today's tasks, a mentor or a mentee on their own page, a
partner's user on their organisation's first page (an ISP's feed, a company's report)."""

from fastapi import APIRouter
from fastapi.responses import RedirectResponse

from domain.errors import Forbidden
from domain.principals import PAIR, STAFF
from web.guard import AnyViewer
from web.pages.partners import HOME as PARTNER_HOME

router = APIRouter()


@router.get("/")
async def home(who: AnyViewer) -> RedirectResponse:
    if who.principal.role in STAFF:
        return RedirectResponse("/app/tasks", status_code=303)
    if who.principal.role in PAIR:
        return RedirectResponse("/app/me", status_code=303)
    if who.principal.role in PARTNER_HOME:
        return RedirectResponse(PARTNER_HOME[who.principal.role], status_code=303)
    raise Forbidden("web.no_pages_for_role")
