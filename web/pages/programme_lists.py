"""A programme's lists, edited by administrators: the evaluation's questions, the first meeting's checklist, the
selection criteria, the selection interview's questions, and the matching criteria (mandatory or not, their
weight). Also a new programme. Each change goes through the API's own model and the programmes service, and
applies to binômes proposed from then on."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from api import schemas as s
from application.idempotency import fingerprint
from domain.errors import DomainError
from web.forms import idempotency_key
from web.guard import Form
from web.pages.admin import ProgrammeId, ProgrammesAdmin, faults_by_field, programmes_list_page, save_settings
from web.programme_form import LABEL_LISTS, counting, labels_of, matching_rules_of
from web.render import see_other

router = APIRouter(prefix="/admin")


@router.post("/programmes")
async def create_programme(request: Request, who: ProgrammesAdmin, form: Form) -> Response:
    typed = {name: str(form.get(name) or "").strip() for name in ("programme_id", "name")}
    try:
        body = s.ProgrammeIn.model_validate({name: value for name, value in typed.items() if value})
        await request.app.state.services.programmes.create_async(
            body.programme_id, body.model_dump(exclude_unset=True, exclude={"programme_id"}), who.principal.actor,
            idempotency_key(form) or f"programme/{body.programme_id}",
            fingerprint("CreateProgramme", body.model_dump(mode="json")))
    except ValidationError as invalid:
        return await programmes_list_page(request, 422, faults_by_field(invalid), typed)
    except DomainError as refused:
        if refused.kind not in ("invalid", "conflict"):
            raise
        return await programmes_list_page(request, 409, {refused.field or "programme_id": (refused.code,
                                                                                            refused.params)}, typed)
    return see_other(f"/app/admin/programmes/{body.programme_id}")


@router.post("/programmes/{programme_id}/lists")
async def change_lists(request: Request, programme_id: ProgrammeId, who: ProgrammesAdmin, form: Form) -> Response:
    current = await request.app.state.services.programmes.one(programme_id)
    changes: dict[str, Any] = {name: labels for name in LABEL_LISTS
                               if (labels := labels_of(form, name)) != getattr(current, name)}
    rules = matching_rules_of(form)
    if rules != counting(current.matching_criteria):
        changes["matching_criteria"] = rules
    return await save_settings(request, programme_id, who, form, changes, shown_again=True)
