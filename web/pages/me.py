"""A mentor's or a mentee's own page, made for a phone: their binôme, its next dates, the action plan, and a
meeting or a contact logged in a few taps."""

import uuid
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.presenters import binome_out
from domain.stages import Stage
from web.forms import FORMS
from web.guard import PairViewer
from web.render import page

router = APIRouter()
# The stages where the pair meets and logs it.
MEETING_STAGES = frozenset({Stage.ACTIVE})
SHOWN = 5


@router.get("/me")
async def my_page(request: Request, who: PairViewer) -> HTMLResponse:
    queries = request.app.state.services.binome_queries
    listed = await queries.page(who.principal, None, None, None, None, SHOWN)
    binomes = []
    for row in listed.items:
        state, tasks, names = await queries.get_named(UUID(row.binome_id), who.principal, "web.me")
        binomes.append({"binome": binome_out(state, [], who.language), "state": state, "names": names,
                        "forms": [FORMS["meeting"], FORMS["contact"]] if state.stage in MEETING_STAGES else []})
    return page(request, "me.html", binomes=binomes, new_key=lambda: uuid.uuid4().hex)
