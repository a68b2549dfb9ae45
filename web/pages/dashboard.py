"""The programme's results as they stand: binômes by stage, and the staff's open tasks."""

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

import i18n
from domain.permissions import Permission
from domain.stages import Stage, stage_code
from web import charts
from web.guard import Viewer, staff_with
from web.render import page

router = APIRouter()
Staff = Annotated[Viewer, staff_with(Permission.BINOMES_LIST)]


@router.get("/dashboard")
async def dashboard(request: Request, who: Staff) -> HTMLResponse:
    queries = request.app.state.services.binome_queries
    counts = await queries.stage_counts(who.principal, who.programme_id)
    stages = [(stage.value, i18n.render(stage_code(stage), None, who.language), counts.get(stage.value, 0))
              for stage in Stage]
    chart = charts.bars(i18n.render("web.dashboard.by_stage", None, who.language),
                        [label for _, label, _ in stages], [count for _, _, count in stages], horizontal=True)
    return page(request, "dashboard.html", stages=stages, total=sum(counts.values()), by_stage_chart=chart)
