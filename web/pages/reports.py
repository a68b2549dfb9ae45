"""The yearly profile analysis of the people who took part, and the funders' participant lines (ESF+) as CSV."""

import csv
import io
from datetime import datetime, timezone
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

import i18n
from domain import reports
from domain.permissions import Permission
from web import charts
from web.guard import Viewer, staff_with
from web.render import page

router = APIRouter(prefix="/reports")
Staff = Annotated[Viewer, staff_with(Permission.REPORTS_READ)]
Year = Annotated[int | None, Query(ge=2000, le=2100)]
# The dimensions whose values are codes of ours (worded in the catalogues); the others show their own values.
WORDED = frozenset({"age", "gender", "education", "out_of_work"})
CHARTED = ("age", "gender", "education")


@router.get("")
async def profile_analysis(request: Request, who: Staff, year: Year = None) -> HTMLResponse:
    services = request.app.state.services
    year = year or datetime.now(timezone.utc).year
    tables = await services.results.profile_analysis(who.principal, year, who.programme_id)
    names = {o["organisation_id"]: o["name"] for o in (await services.organisations.page(None, 500)).items}

    def label(dimension: str, value: str) -> str:
        if dimension in WORDED or value in (reports.UNKNOWN, "direct"):
            return i18n.render(f"web.report.{value}", None, who.language)
        if dimension == "languages":
            return i18n.language_name(value)
        if dimension == "sectors":  # a NACE section, named
            return i18n.render(f"web.sector.{value}", None, who.language)
        return names.get(value, value) if dimension == "referral" else value

    shown = {role: {dimension: sorted(((value, label(dimension, value), count) for value, count in counts.items()),
                                      key=lambda item: (-item[2], item[0]))
                    for dimension, counts in by_dimension.items() if counts}
             for role, by_dimension in tables.items()}
    drawn = {role: {dimension: charts.bars(i18n.render(f"web.report.dimension.{dimension}", None, who.language),
                                           [l for _, l, _ in rows], [c for _, _, c in rows])
                    for dimension, rows in by_dimension.items() if dimension in CHARTED}
             for role, by_dimension in shown.items()}
    return page(request, "reports.html", year=year, tables=shown, drawn=drawn,
                counted={role: sum(c for _, _, c in rows["gender"]) for role, rows in shown.items()})


@router.get("/esf-participants.csv")
async def esf_participants(request: Request, who: Staff, year: Year = None) -> Response:
    year = year or datetime.now(timezone.utc).year
    lines = await request.app.state.services.results.esf_lines(who.principal, year, who.programme_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(reports.ESF_COLUMNS)
    writer.writerows(lines)
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="esf-participants-{year}.csv"'})
