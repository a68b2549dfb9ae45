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
SHOWN = 5
# What a mentor or a mentee records from their page at each stage: their answer to a proposal (the mentor), their
# validation, their meetings and contacts, their evaluation.
PAIR_FORMS = {
    Stage.PROPOSED: ("accept", "refuse"),
    Stage.AWAITING_VALIDATION: ("validation",),
    Stage.ACTIVE: ("meeting", "contact", "action"),
    Stage.EVALUATION: ("evaluation",),
}
# A side's own step, once given, is not asked again.
GIVEN = {"validation": "validations", "evaluation": "evaluations"}


def forms_for(state, side: str) -> list:
    slugs = PAIR_FORMS.get(state.stage, ())
    if state.stage == Stage.PROPOSED and side != "mentor":
        return []
    return [FORMS[slug] for slug in slugs if side not in getattr(state, GIVEN.get(slug, ""), {})]


@router.get("/me")
async def my_page(request: Request, who: PairViewer) -> HTMLResponse:
    queries = request.app.state.services.binome_queries
    listed = await queries.page(who.principal, None, None, None, None, SHOWN)
    binomes = []
    for row in listed.items:
        state, tasks, names = await queries.get_named(UUID(row.binome_id), who.principal, "web.me")
        binomes.append({"binome": binome_out(state, [], who.language), "state": state, "names": names,
                        "forms": forms_for(state, who.principal.role.value)})
    return page(request, "me.html", binomes=binomes, new_key=lambda: uuid.uuid4().hex)
