"""Binômes: the list (filters, search by name), one binôme's page with its audit timeline (CSV, PDF), and the
forms that record what happened (from the task list, the binôme's page or the pair's own page)."""

import uuid
from datetime import datetime, timezone
from typing import Annotated
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

import i18n
from api import cursors
from api.errors import STATUS_BY_KIND
from api.presenters import binome_out
from application.binomes import Audit
from domain.errors import DomainError, NotFound
from domain.permissions import Permission, require
from domain.stages import Stage
from projections.timestamps import from_text
from web import timeline
from web.forms import CommandForm, FORMS, FieldError, FormInvalid, idempotency_key, parsed_now, shown_again
from web.guard import AnyViewer, Form, Viewer, staff_with
from web.pages.account import safe_next
from web.pdf import timeline_pdf
from web.render import page, see_other

router = APIRouter()
Lister = Annotated[Viewer, staff_with(Permission.BINOMES_LIST)]
HistoryReader = Annotated[Viewer, staff_with(Permission.BINOMES_HISTORY)]
BinomeId = Annotated[UUID, Path()]
PAGE_SIZE = 50
BinomeCursor = cursors.parameter("binomes", ("", ""))
HISTORY_LIMIT = 10_000
# The forms the binôme's page offers at each stage (its rules have the last word on each).
STAFF_FORMS = {
    Stage.PROPOSED: ("accept", "refuse"),
    Stage.AWAITING_FIRST_MEETING: ("first-meeting",),
    Stage.AWAITING_VALIDATION: ("validation",),
    Stage.AWAITING_CONTRACT: ("signature",),
    Stage.INTAKE: ("analysis", "action-plan"),
    Stage.ACTIVE: ("meeting", "contact", "monitoring-contact", "action", "positive-exit", "early-stop"),
    Stage.CLOSURE_DUE: ("closure-meeting",),
    Stage.EVALUATION: ("evaluation",),
}


@router.get("/binomes")
async def binomes_page(request: Request, who: Lister, stage: Stage | None = None,
                       overdue: Annotated[bool | None, Query()] = None,
                       q: Annotated[str | None, Query(max_length=100)] = None,
                       after: BinomeCursor = None) -> HTMLResponse:
    queries = request.app.state.services.binome_queries
    search = (q or "").strip() or None
    listed = await queries.page(who.principal, stage.value if stage else None, overdue, None, None, PAGE_SIZE,
                                after, who.programme_id, search)
    names = await queries.names(who.principal, {p for row in listed.items for p in (row.mentor_id, row.mentee_id)},
                                "web.binomes")
    next_cursor = cursors.encode("binomes", listed.next_after) if listed.next_after else None
    rows = [{**vars(row), "next_due_at": from_text(row.next_due_at)} for row in listed.items]
    return page(request, "binomes.html", rows=rows, names=names, total=listed.total, stages=list(Stage),
                stage=stage.value if stage else None, overdue=overdue, q=search or "", next_cursor=next_cursor)


@router.get("/binomes/{binome_id}")
async def binome_page(request: Request, binome_id: BinomeId, who: HistoryReader,
                      kind: Annotated[str | None, Query(max_length=20)] = None) -> HTMLResponse:
    audit = await request.app.state.services.binome_queries.audit(binome_id, who.principal, HISTORY_LIMIT)
    kind = kind if kind in timeline.KINDS else None
    state = audit.state
    return page(request, "binome.html", binome=binome_out(state, audit.tasks, who.language), state=state,
                names=audit.names, entries=await _entries(request, audit, kind), kinds=tuple(timeline.KINDS),
                kind=kind, forms=_forms_for(state), new_key=lambda: uuid.uuid4().hex)


@router.get("/binomes/{binome_id}/timeline.csv")
async def timeline_csv(request: Request, binome_id: BinomeId, who: HistoryReader) -> Response:
    audit = await request.app.state.services.binome_queries.audit(binome_id, who.principal, HISTORY_LIMIT)
    body = timeline.as_csv(await _entries(request, audit),
                           lambda entry: i18n.render(f"fact.{entry.type}", None, who.language))
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="binome-{binome_id}.csv"'})


@router.get("/binomes/{binome_id}/timeline.pdf")
async def timeline_pdf_page(request: Request, binome_id: BinomeId, who: HistoryReader) -> Response:
    audit = await request.app.state.services.binome_queries.audit(binome_id, who.principal, HISTORY_LIMIT)
    zone = ZoneInfo(request.app.state.settings.web_timezone)
    body = timeline_pdf(audit.state, audit.names, await _entries(request, audit), who.language, zone,
                        datetime.now(timezone.utc))
    return Response(body, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="binome-{binome_id}.pdf"'})


async def _entries(request: Request, audit: Audit, kind: str | None = None) -> list[timeline.Entry]:
    return await timeline.named_entries(request.app.state.services.accounts, audit.facts, audit.names, kind)


def _forms_for(state) -> list[CommandForm]:
    """What the staff may record on the binôme's page at its stage."""
    return [FORMS[slug] for slug in STAFF_FORMS.get(state.stage, ())]


@router.post("/binomes/{binome_id}/record/{slug}")
async def record(request: Request, binome_id: BinomeId, slug: Annotated[str, Path(max_length=40)],
                 who: AnyViewer, form: Form) -> Response:
    """A form's command. From a page's script (`X-Requested-With: fetch`) the answer is the part of the page to
    show in its place; without script, the browser goes back to where it was."""
    command_form = FORMS.get(slug)
    if command_form is None:
        raise NotFound("web.form_unknown")
    require(who.principal, Permission.BINOMES_COMMAND)
    inline = request.headers.get("x-requested-with") == "fetch"
    back = safe_next(str(form.get("next") or ""))
    try:
        payload, occurred_at = parsed_now(request, command_form, form)
        accepted = await request.app.state.services.binomes.send(
            binome_id, command_form.command, payload, who.principal, idempotency_key(form),
            occurred_at)
    except FormInvalid as invalid:
        questions = None
        if any(field.kind == "answers" for field in command_form.fields):  # the programme's, to ask them again
            state, _ = await request.app.state.services.binome_queries.get(binome_id, who.principal)
            questions = state.programme.evaluation_questions
        return _form_again(request, binome_id, command_form, invalid.errors, form, back, inline, questions)
    except DomainError as refused:
        if not inline or refused.kind in ("unauthenticated", "not_found", "forbidden"):
            raise
        answer = page(request, "_refused.html", status=STATUS_BY_KIND.get(refused.kind, 409), code=refused.code,
                      params=refused.params)
        if getattr(refused, "retry_after", None):  # the service cannot answer now: when to send it again
            answer.headers["Retry-After"] = str(refused.retry_after)
        return answer
    if inline:
        return page(request, "_recorded.html", status=201, facts=accepted.facts, form=command_form,
                    binome_id=binome_id)
    return see_other(_with_done(back, slug))


def _with_done(address: str, slug: str) -> str:
    return f"{address}{'&' if '?' in address else '?'}done={slug}"


def _form_again(request: Request, binome_id: UUID, command_form: CommandForm, errors: list[FieldError], posted,
                back: str, inline: bool, questions: dict[str, str] | None) -> HTMLResponse:
    values = shown_again(posted)
    side = values.get("side") if request.state.web_session.principal.role.value == values.get("side") else None
    return page(request, "_command_form.html" if inline else "command_form.html", status=422, form=command_form,
                binome_id=binome_id, errors={e.field: e for e in errors}, values=values, back=back,
                key=values.get("idempotency_key") or uuid.uuid4().hex, questions=questions,
                fixed={**({"side": side} if side else {}),
                       **{name: values[name] for name in command_form.extra if name in values}})

