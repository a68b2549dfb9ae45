"""A company's skills-sponsorship report and an ISP's feed as pages, for the staff and for the partner's own users
alike: each goes through the organisations' service, which keeps to the reader's scope (another partner's
organisation is not found) and logs the read of the people it shows."""

from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Annotated

from babel.numbers import format_currency, format_decimal
from fastapi import Query, Request
from fastapi.responses import HTMLResponse, Response

from api import sponsorship_csv
from domain import sponsorship
from web.guard import Viewer
from web.render import LOCALES, page

PeriodFrom = Annotated[date | None, Query(alias="from")]
PeriodTo = Annotated[date | None, Query(alias="to")]
FeedAfter = Annotated[int, Query(ge=0, le=2 ** 63 - 1)]
# Feed events a page shows; the mentees named beside them (those of the organisation, by name).
FEED_PAGE = 100
NAMED = 200


async def report(request: Request, who: Viewer, organisation_id: str, period_from: date | None,
                 period_to: date | None) -> sponsorship.Report:
    period = sponsorship_csv.period(period_from, period_to, datetime.now(timezone.utc).date())
    return await request.app.state.services.organisations.sponsorship_report(organisation_id, *period,
                                                                             who.principal)


async def report_page(request: Request, who: Viewer, organisation_id: str, period_from: date | None,
                      period_to: date | None, csv_address: str) -> HTMLResponse:
    """Hours and their value per employee and activity; the same period's CSV a click away."""
    found = await report(request, who, organisation_id, period_from, period_to)
    locale = LOCALES[who.language]
    return page(request, "sponsorship.html", report=found, activities=sponsorship.ACTIVITIES,
                csv_address=f"{csv_address}?from={found.period_from}&to={found.period_to}",
                hours=lambda minutes: format_decimal(Decimal(minutes) / 60, "#,##0.00", locale=locale),
                euros=lambda cents: format_currency(Decimal(cents) / 100, "EUR", locale=locale))


async def report_csv(request: Request, who: Viewer, organisation_id: str, period_from: date | None,
                     period_to: date | None) -> Response:
    found = await report(request, who, organisation_id, period_from, period_to)
    return Response(sponsorship_csv.report_csv(found, who.language), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{sponsorship_csv.filename(found)}"'})


async def feed_page(request: Request, who: Viewer, organisation_id: str, after: int,
                    mentee_address: str) -> HTMLResponse:
    """The progress of the mentees the ISP referred, in the order it was recorded, and those mentees by name."""
    services = request.app.state.services
    events = await services.organisations.feed(organisation_id, after, FEED_PAGE, who.principal)
    organisation = await services.organisations.get(organisation_id, who.principal)
    if who.principal.is_staff:
        referred = await services.persons.people_of("mentee", organisation_id, who.principal, NAMED)
    else:  # the ISP's own users: the mentees it referred, as the service lists them for it
        referred = (await services.persons.page("mentee", who.principal, NAMED)).items
    return page(request, "partner_feed.html", organisation=organisation, events=events, referred=referred,
                names={person["person_id"]: person["name"] for person in referred}, mentee_address=mentee_address,
                next_after=events[-1]["position"] if len(events) == FEED_PAGE else None)
