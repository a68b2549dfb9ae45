"""A partner's own pages, for the users of an ISP or a company: their organisation's, never another's. An ISP follows
the progress of the mentees it referred and reads their records; a company reads its employees who mentor and its
skills-sponsorship report. The services keep each read to the partner's scope and log it."""

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api import cursors
from domain.permissions import Permission
from domain.principals import Role
from web.guard import Viewer, partner_with
from web.pages import partner_reads
from web.pages.by_role import PersonId, for_role
from web.pages.partner_reads import FeedAfter, PeriodFrom, PeriodTo
from web.render import page

router = APIRouter(prefix="/partner")
FeedReader = Annotated[Viewer, partner_with(Permission.PARTNER_FEED_READ)]
Reporter = Annotated[Viewer, partner_with(Permission.SPONSORSHIP_REPORT)]
Lister = Annotated[Viewer, partner_with(Permission.PERSONS_LIST)]
PersonReader = Annotated[Viewer, partner_with(Permission.PERSONS_READ)]
PersonCursor = cursors.parameter("persons", ("", ""))
PAGE_SIZE = 50
# Where a partner's user lands after logging in (web.pages.home).
HOME = {Role.ISP: "/app/partner/feed", Role.COMPANY: "/app/partner/report"}


@router.get("/feed")
async def own_feed(request: Request, who: FeedReader, after: FeedAfter = 0) -> HTMLResponse:
    return await partner_reads.feed_page(request, who, who.principal.organisation_id, after,
                                         "/app/partner/mentees/")


@router.get("/report")
async def own_report(request: Request, who: Reporter, period_from: PeriodFrom = None,
                     period_to: PeriodTo = None) -> HTMLResponse:
    return await partner_reads.report_page(request, who, who.principal.organisation_id, period_from, period_to,
                                           "/app/partner/report.csv")


@router.get("/report.csv")
async def own_report_csv(request: Request, who: Reporter, period_from: PeriodFrom = None,
                         period_to: PeriodTo = None) -> Response:
    return await partner_reads.report_csv(request, who, who.principal.organisation_id, period_from, period_to)


async def people_page(request: Request, role: str, who: Lister, after: PersonCursor = None) -> HTMLResponse:
    """An ISP's mentees, a company's mentors (the service refuses the other role: 403)."""
    listed = await request.app.state.services.persons.page(role, who.principal, PAGE_SIZE, after)
    next_cursor = cursors.encode("persons", listed.next_after) if listed.next_after else None
    return page(request, "partner_people.html", role=role, people=listed.items, total=listed.total,
                next_cursor=next_cursor)


async def person_page(request: Request, role: str, person_id: PersonId, who: PersonReader) -> HTMLResponse:
    """One of the partner's people: their record and where they stand, not their matching profile or interviews
    (another partner's person is not found)."""
    person = await request.app.state.services.persons.get(role, person_id, who.principal)
    return page(request, "partner_person.html", role=role, person=person)


for _role in ("mentor", "mentee"):
    router.get(f"/{_role}s")(for_role(_role, people_page))
    router.get(f"/{_role}s/{{person_id}}")(for_role(_role, person_page))
