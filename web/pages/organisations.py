"""Partner organisations: the companies whose employees mentor and the ISPs who refer mentees, with their
agreements and their people. Staff who manage them register one, and record a company's signed agreement; a
company's skills-sponsorship report and an ISP's feed are read here too (partner_reads)."""

import re
import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BeforeValidator, Field as ModelField
from pydantic_core import PydanticCustomError

from api.errors import STATUS_BY_KIND
from api.organisation_schemas import AgreementIn, OrganisationIn
from domain import organisations
from domain.errors import InvalidInput, NotAllowed
from domain.organisations import Agreement
from domain.permissions import Permission, may, require
from web.forms import CommandForm, Field, FormInvalid, beside, idempotency_key, parsed_now, shown_again
from web.guard import Form, Viewer, reader_with, staff_with
from web.pages import partner_reads
from web.pages.partner_reads import FeedAfter, PeriodFrom, PeriodTo
from web.render import form_page, page, see_other

router = APIRouter(prefix="/organisations")
Reader = Annotated[Viewer, staff_with(Permission.ORGANISATIONS_READ)]
Reporter = Annotated[Viewer, reader_with(Permission.SPONSORSHIP_REPORT)]
FeedReader = Annotated[Viewer, reader_with(Permission.PARTNER_FEED_READ)]
OrganisationId = Annotated[str, Path(max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]
LISTED = 500
PEOPLE = 200
# Euros as typed on a payslip: a comma or a point, two decimals at most (65, 65,5, 65.50).
EUROS = re.compile(r"([0-9]{1,7})(?:[.,]([0-9]{1,2}))?")


def _cents(typed: Any) -> int:
    """The hourly cost typed in euros, in cents; its bounds are the agreement's (domain.organisations)."""
    found = EUROS.fullmatch(typed.strip().removesuffix("€").strip()) if isinstance(typed, str) else None
    if found is None:
        raise PydanticCustomError("euros_parsing", "an amount in euros, two decimals at most")
    cents = int(found.group(1)) * 100 + int((found.group(2) or "0").ljust(2, "0"))
    low, high = organisations.HOURLY_COST_CENTS
    if not low <= cents <= high:
        raise PydanticCustomError("euros_out_of_range", "out of the hourly cost's bounds")
    return cents


class AgreementForm(AgreementIn):
    """The API's agreement, its hourly cost typed in euros (`hourly_cost_euros`) and handed on in cents."""

    hourly_cost_cents: Annotated[int, BeforeValidator(_cents)] = ModelField(validation_alias="hourly_cost_euros")


ORGANISATION_FORMS = {form.slug: form for form in (
    CommandForm("register-organisation", "RegisterOrganisation", OrganisationIn, (
        Field("organisation_id", "text", required=True, label="web.field.new_organisation_id"),
        Field("kind", "select", organisations.KINDS, True, labels="kind.", label="web.field.organisation_kind"),
        Field("name", "text", required=True)), dated=False),
    CommandForm("agreement", "SignAgreement", AgreementForm, (
        Field("signed_on", "date", required=True), Field("signatory", "text", required=True),
        Field("working_time", "yes_no", required=True), Field("hourly_cost_euros", "text", required=True)),
        dated=False),
)}
REGISTRATION, AGREEMENT = ORGANISATION_FORMS["register-organisation"], ORGANISATION_FORMS["agreement"]


@router.get("")
async def organisations_page(request: Request, who: Reader) -> HTMLResponse:
    listed = await request.app.state.services.organisations.page(None, LISTED)
    return page(request, "organisations.html", organisations=listed.items, register_form=REGISTRATION,
                may_manage=may(who.principal, Permission.ORGANISATIONS_MANAGE), key=uuid.uuid4().hex)


@router.post("")
async def register(request: Request, who: Reader, form: Form) -> Response:
    """A company or an ISP; an id already taken is said beside the id (409), and nothing is recorded."""
    require(who.principal, Permission.ORGANISATIONS_MANAGE)
    try:
        body, _ = parsed_now(request, REGISTRATION, form)
        await request.app.state.services.organisations.register(
            body["organisation_id"], body["kind"], body["name"], who.principal, idempotency_key(form))
    except FormInvalid as invalid:
        return form_page(request, REGISTRATION, "/app/organisations", "/app/organisations", shown_again(form),
                         invalid.errors)
    except (InvalidInput, NotAllowed) as refused:
        return form_page(request, REGISTRATION, "/app/organisations", "/app/organisations", shown_again(form),
                         beside(REGISTRATION, refused), status=STATUS_BY_KIND[refused.kind])
    return see_other(f"/app/organisations/{body['organisation_id']}")


@router.get("/{organisation_id}")
async def organisation_page(request: Request, organisation_id: OrganisationId, who: Reader) -> HTMLResponse:
    services = request.app.state.services
    found = await services.organisations.get(organisation_id, who.principal)
    role = "mentor" if found["kind"] == "company" else "mentee"
    people = await services.persons.people_of(role, organisation_id, who.principal, PEOPLE)
    return page(request, "organisation.html", organisation=found, role=role, people=people,
                agreement_form=AGREEMENT, key=uuid.uuid4().hex,
                may_sign=found["kind"] == "company" and may(who.principal, Permission.ORGANISATIONS_MANAGE),
                may_report=may(who.principal, Permission.SPONSORSHIP_REPORT),
                may_read_feed=may(who.principal, Permission.PARTNER_FEED_READ))


@router.post("/{organisation_id}/agreements")
async def sign_agreement(request: Request, organisation_id: OrganisationId, who: Reader, form: Form) -> Response:
    """A company's management agreement, as signed; the hourly cost typed in euros is recorded in cents."""
    require(who.principal, Permission.ORGANISATIONS_MANAGE)
    address = f"/app/organisations/{organisation_id}"
    try:
        body, _ = parsed_now(request, AGREEMENT, form)
        agreement = Agreement(date.fromisoformat(body["signed_on"]), body["signatory"], body["working_time"],
                              body["hourly_cost_cents"])
        await request.app.state.services.organisations.sign_agreement(organisation_id, agreement, who.principal,
                                                                      idempotency_key(form))
    except FormInvalid as invalid:
        return form_page(request, AGREEMENT, f"{address}/agreements", address, shown_again(form), invalid.errors)
    except (InvalidInput, NotAllowed) as refused:
        return form_page(request, AGREEMENT, f"{address}/agreements", address, shown_again(form),
                         beside(AGREEMENT, refused), status=STATUS_BY_KIND[refused.kind])
    return see_other(address)


@router.get("/{organisation_id}/sponsorship-report")
async def sponsorship_report(request: Request, organisation_id: OrganisationId, who: Reporter,
                             period_from: PeriodFrom = None, period_to: PeriodTo = None) -> HTMLResponse:
    return await partner_reads.report_page(request, who, organisation_id, period_from, period_to,
                                           f"/app/organisations/{organisation_id}/sponsorship-report.csv")


@router.get("/{organisation_id}/sponsorship-report.csv")
async def sponsorship_report_csv(request: Request, organisation_id: OrganisationId, who: Reporter,
                                 period_from: PeriodFrom = None, period_to: PeriodTo = None) -> Response:
    return await partner_reads.report_csv(request, who, organisation_id, period_from, period_to)


@router.get("/{organisation_id}/feed")
async def feed(request: Request, organisation_id: OrganisationId, who: FeedReader, after: FeedAfter = 0
               ) -> HTMLResponse:
    return await partner_reads.feed_page(request, who, organisation_id, after, "/app/mentees/")
