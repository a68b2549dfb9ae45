"""The programme's results as they stand, for the chosen programme (or all the reader's), and for one partner
organisation's people if asked: binômes by stage, started and ended per month, how they ended, and the rates."""

from datetime import datetime, timezone
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

import i18n
from domain.permissions import Permission
from domain.results import months_between
from domain.stages import Stage, stage_code
from web import charts
from web.guard import Viewer, staff_with
from web.render import page

router = APIRouter()
Staff = Annotated[Viewer, staff_with(Permission.BINOMES_LIST)]
MONTHS_SHOWN = 12
ORGANISATIONS_LISTED = 500


@router.get("/dashboard")
async def dashboard(request: Request, who: Staff,
                    organisation_id: Annotated[str | None, Query(max_length=64)] = None) -> HTMLResponse:
    services = request.app.state.services
    t = lambda code, **params: i18n.render(code, params, who.language)  # noqa: E731 (a local shorthand)
    organisation_id = organisation_id or None
    counts = await services.binome_queries.stage_counts(who.principal, who.programme_id) \
        if organisation_id is None else None
    found = await services.results.results(who.principal, who.programme_id, organisation_id)
    organisations = (await services.organisations.page(None, ORGANISATIONS_LISTED)).items

    stages = [(stage.value, t(stage_code(stage)), counts.get(stage.value, 0)) for stage in Stage] if counts else []
    now = datetime.now(timezone.utc)
    first = min([*found.started_by_month, *found.ended_by_month], default=f"{now.year:04d}-{now.month:02d}")
    months = months_between(first, f"{now.year:04d}-{now.month:02d}")[-MONTHS_SHOWN:]
    per_month = [(month, found.started_by_month.get(month, 0), found.ended_by_month.get(month, 0))
                 for month in months]
    exits = [(kind, t(f"web.exit.{kind}"), found.exits.get(kind, 0)) for kind in ("positive", "early_stop", "term")]
    outcomes = [(outcome, t(f"web.outcome.{outcome}"), count) for outcome, count in sorted(found.outcomes.items())]
    stopped = [(by, t(f"web.choice.{by}"), count) for by, count in sorted(found.stopped_by.items())]
    return page(
        request, "dashboard.html", stages=stages, total=sum(counts.values()) if counts else None, results=found,
        per_month=per_month, exits=exits, outcomes=outcomes, stopped=stopped, organisations=organisations,
        organisation_id=organisation_id,
        by_stage_chart=charts.bars(t("web.dashboard.by_stage"), [label for _, label, _ in stages],
                                   [count for _, _, count in stages], horizontal=True) if stages else None,
        per_month_chart=charts.lines(t("web.dashboard.per_month"), [month for month, _, _ in per_month], {
            t("web.dashboard.started"): [started for _, started, _ in per_month],
            t("web.dashboard.ended"): [ended for _, _, ended in per_month]}),
        exits_chart=charts.bars(t("web.dashboard.exits"), [label for _, label, _ in exits],
                                [count for _, _, count in exits]))
