"""Administration: the accounts (create with a one-time password, disable or enable, reset a password) and each
programme's settings (the figures its binômes copy at their proposal: a change applies to new binômes only)."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import TypeAdapter, ValidationError
from starlette.datastructures import FormData

from api import access_schemas as a
from api import schemas as s
from application.idempotency import fingerprint
from domain.accounts import check_scope
from domain.errors import DomainError, NotAllowed
from domain.matching import CRITERIA
from domain.permissions import Permission
from domain.principals import Role
from web.forms import idempotency_key
from web.guard import Form, Viewer, staff_with
from web.programme_form import LABEL_LISTS, NEW_ROWS, labels_of, matching_rules_of
from web.render import page, see_other

router = APIRouter(prefix="/admin")
AccountsAdmin = Annotated[Viewer, staff_with(Permission.ACCOUNTS_MANAGE)]
ProgrammesAdmin = Annotated[Viewer, staff_with(Permission.PROGRAMMES_MANAGE)]
AccountId = Annotated[uuid.UUID, Path()]
ProgrammeId = Annotated[str, Path(max_length=40, pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]
LISTED = 500
NEW_ACCOUNT = TypeAdapter(a.AccountIn)
# The settings a page edits as numbers (the lists of questions and criteria: web.pages.programme_lists).
NUMBERS = ("proposal_response_days", "first_meeting_days", "first_meeting_minutes", "meeting_minutes",
           "period_months", "min_meetings_per_month", "cadence_grace_days", "monitoring_interval_weeks",
           "monitoring_grace_days", "evaluation_days", "journey_step_days")


@router.get("/accounts")
async def accounts_page(request: Request, who: AccountsAdmin) -> HTMLResponse:
    return await _accounts(request)


async def _accounts(request: Request, status: int = 200, errors: dict | None = None, values: dict | None = None,
                    one_time: tuple[str, str | None] | None = None) -> HTMLResponse:
    """The accounts, the new account's form (as typed, with what is wrong), a one-time password to hand over."""
    listed = await request.app.state.services.accounts.page(LISTED)
    return page(request, "accounts.html", status=status, accounts=listed.items, errors=errors or {},
                values=values or {}, key=uuid.uuid4().hex, one_time=one_time)


@router.post("/accounts")
async def create_account(request: Request, who: AccountsAdmin, form: Form) -> Response:
    values = {name: str(value).strip() for name, value in form.items() if name in
              ("username", "role", "programmes", "person_id", "organisation_id", "password")}
    body: dict[str, Any] = {name: values[name] for name in ("username", "role", "person_id", "organisation_id",
                                                            "password") if values.get(name)}
    if values.get("programmes"):
        body["programmes"] = [p.strip() for p in values["programmes"].split(",") if p.strip()]
    try:
        account = NEW_ACCOUNT.validate_python(body)
        scope = check_scope(**a.scope_fields(account))
        created, one_time, _ = await request.app.state.services.accounts.create(
            account.username, scope, who.principal.actor, idempotency_key(form),
            fingerprint("CreateAccount", account.model_dump(mode="json", exclude={"password"})), account.password)
    except ValidationError as invalid:
        errors = {str(item["loc"][-1] if item["loc"] else "form"): (f"invalid.{item['type']}", {})
                  for item in invalid.errors()}
        return await _accounts(request, 422, errors, values)
    except DomainError as refused:
        if refused.kind not in ("invalid", "conflict"):
            raise
        return await _accounts(request, 422 if refused.kind == "invalid" else 409,
                               {refused.field or "form": (refused.code, refused.params)}, values)
    return await _accounts(request, 201, one_time=(created["username"], one_time))


@router.post("/accounts/{account_id}/disabled")
async def set_disabled(request: Request, account_id: AccountId, who: AccountsAdmin, form: Form) -> Response:
    disabled = form.get("disabled") == "true"
    await request.app.state.services.accounts.change(
        str(account_id), None, disabled, who.principal.actor, idempotency_key(form),
        fingerprint("ChangeAccount", {"disabled": disabled}))
    return see_other("/app/admin/accounts")


@router.post("/accounts/{account_id}/programmes")
async def change_programmes(request: Request, account_id: AccountId, who: AccountsAdmin, form: Form) -> Response:
    """A coordinator's programmes, ticked among those that exist (a coordinator needs at least one)."""
    accounts = request.app.state.services.accounts
    if (await accounts.get(str(account_id)))["role"] != Role.COORDINATOR:  # only a coordinator has programmes
        raise NotAllowed("web.admin.not_a_coordinator")
    known = {programme.id for programme in await request.app.state.services.programmes.all()}
    programmes = sorted({str(p) for p in form.getlist("programmes")} & known)
    try:
        scope = check_scope(Role.COORDINATOR, programmes, None, None)
        await accounts.change(str(account_id), scope, None, who.principal.actor, idempotency_key(form),
                              fingerprint("ChangeAccount", {"account_id": str(account_id), "programmes": programmes}))
    except DomainError as refused:
        if refused.kind not in ("invalid", "conflict"):
            raise
        return await _accounts(request, 422 if refused.kind == "invalid" else 409,
                               {"form": (refused.code, refused.params)})
    return see_other("/app/admin/accounts")


@router.post("/accounts/{account_id}/password-reset")
async def reset_password(request: Request, account_id: AccountId, who: AccountsAdmin, form: Form) -> Response:
    accounts = request.app.state.services.accounts
    one_time = await accounts.reset_password(str(account_id), who.principal.actor)
    account = await accounts.get(str(account_id))
    return await _accounts(request, one_time=(account["username"], one_time))


@router.get("/programmes")
async def programmes_page(request: Request, who: ProgrammesAdmin) -> HTMLResponse:
    return await programmes_list_page(request)


async def programmes_list_page(request: Request, status: int = 200, errors: dict | None = None,
                               values: dict | None = None) -> HTMLResponse:
    """The programmes, and the form of a new one (as typed, with what is wrong)."""
    programmes = await request.app.state.services.programmes.all()
    return page(request, "programmes.html", status=status, programmes=programmes, errors=errors or {},
                values=values or {}, key=uuid.uuid4().hex)


@router.get("/programmes/{programme_id}")
async def programme_page(request: Request, programme_id: ProgrammeId, who: ProgrammesAdmin,
                         saved: bool = False) -> HTMLResponse:
    return await programme_form_page(request, programme_id, saved=saved)


async def programme_form_page(request: Request, programme_id: str, status: int = 200, errors: dict | None = None,
                              saved: bool = False, posted: FormData | None = None) -> HTMLResponse:
    """The programme's settings; its lists as they stand, or as `posted` when they are shown again."""
    programme = await request.app.state.services.programmes.one(programme_id)
    lists = {name: list((labels_of(posted, name) if posted else getattr(programme, name)).items())
             + [("", "")] * NEW_ROWS for name in LABEL_LISTS}
    shown = matching_rules_of(posted) if posted else programme.matching_criteria
    rules = {criterion: shown.get(criterion, {"mandatory": False, "weight": 0}) for criterion in CRITERIA}
    return page(request, "programme.html", status=status, programme=programme, numbers=NUMBERS,
                errors=errors or {}, key=uuid.uuid4().hex, saved=saved, lists=lists, rules=rules)


@router.post("/programmes/{programme_id}")
async def change_programme(request: Request, programme_id: ProgrammeId, who: ProgrammesAdmin, form: Form) -> Response:
    current = await request.app.state.services.programmes.one(programme_id)
    typed = {name: str(form.get(name) or "").strip() for name in ("name", *NUMBERS)}
    changes: dict[str, Any] = {}
    for name, text in typed.items():
        value: Any = int(text) if name in NUMBERS and text.isdecimal() and len(text) < 10 else text
        if text and value != getattr(current, name):
            changes[name] = value
    return await save_settings(request, programme_id, who, form, changes)


async def save_settings(request: Request, programme_id: str, who: Viewer, form: FormData, changes: dict[str, Any],
                        shown_again: bool = False) -> Response:
    """`changes` checked by the API's model and recorded; else the programme's page again, each fault beside its
    field (the lists as typed, when `shown_again`)."""
    if not changes:
        return see_other(f"/app/admin/programmes/{programme_id}")
    posted = form if shown_again else None
    try:
        checked = s.ProgrammeSettingsIn.model_validate(changes).model_dump(exclude_unset=True)
        await request.app.state.services.programmes.change_async(
            programme_id, checked, who.principal.actor, idempotency_key(form),
            fingerprint("ChangeProgrammeSettings", checked))
    except ValidationError as invalid:
        return await programme_form_page(request, programme_id, 422, faults_by_field(invalid), posted=posted)
    except DomainError as refused:
        if refused.kind not in ("invalid", "conflict"):
            raise
        field = (refused.field or "form").split(".")[0]  # a list's item: the list's fault
        return await programme_form_page(request, programme_id, 409, {field: (refused.code, refused.params)},
                                         posted=posted)
    return see_other(f"/app/admin/programmes/{programme_id}?saved=true")


def faults_by_field(invalid: ValidationError) -> dict[str, tuple[str, dict]]:
    """Each fault under the field (or list) it belongs to, first fault first."""
    errors: dict[str, tuple[str, dict]] = {}
    for item in invalid.errors():
        name = str(item["loc"][0]) if item["loc"] else "form"
        params = {k: v for k, v in (item.get("ctx") or {}).items() if isinstance(v, (int, str))}
        errors.setdefault(name, (f"invalid.{item['type']}", params))
    return errors
