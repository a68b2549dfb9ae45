"""Partner organisations: companies (their agreement, their skills-sponsorship report) and ISPs. Parse, call the
service, present."""

from datetime import datetime, timezone
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response

from api import cursors
from api import organisation_schemas as o
from api import sponsorship_csv
from api.deps import IdempotencyKeyDep, LanguageDep, OrganisationsDep
from api.fields import Day
from api.principal import allowed
from domain import organisations
from domain.organisations import Agreement
from domain.permissions import Permission
from domain.principals import Principal
import i18n

router = APIRouter(prefix="/organisations", tags=["organisations partenaires"])
OrganisationId = Annotated[str, Path(pattern=organisations.SCOPE_ID.pattern,
                                     description="L'identifiant de l'organisation")]
Manager = Annotated[Principal, allowed(Permission.ORGANISATIONS_MANAGE)]
Reader = Annotated[Principal, allowed(Permission.ORGANISATIONS_READ)]
Reporter = Annotated[Principal, allowed(Permission.SPONSORSHIP_REPORT)]
FeedReader = Annotated[Principal, allowed(Permission.PARTNER_FEED_READ)]
WebhookManager = Annotated[Principal, allowed(Permission.PARTNER_WEBHOOK_MANAGE)]


def _replayed(repeated: bool, response: Response) -> None:
    if repeated:
        response.headers["Idempotent-Replayed"] = "true"


@router.post("", status_code=201, response_model=o.OrganisationOut, summary="Enregistrer une entreprise ou un ISP")
async def register(body: o.OrganisationIn, service: OrganisationsDep, principal: Manager, key: IdempotencyKeyDep,
                   response: Response) -> o.OrganisationOut:
    recorded = await service.register(body.organisation_id, body.kind, body.name, principal, key)
    _replayed(recorded.repeated, response)
    response.headers["Location"] = f"/organisations/{body.organisation_id}"
    return o.organisation_out(recorded.organisation)


PageCursor = cursors.parameter("organisations", ("Acme", "acme"))


@router.get("", response_model=o.OrganisationPage, summary="Les organisations partenaires",
            dependencies=cursors.NO_OFFSET)
async def list_organisations(service: OrganisationsDep, principal: Manager,
                             kind: Annotated[Literal[organisations.KINDS] | None, Query()] = None,
                             limit: Annotated[int, Query(ge=1, le=500)] = 50,
                             after: PageCursor = None) -> o.OrganisationPage:
    page = await service.page(kind, limit, after)
    return o.OrganisationPage(items=[o.organisation_out(row) for row in page.items],
                              **cursors.page_fields(page, "organisations", limit))


@router.get("/{organisation_id}", response_model=o.OrganisationOut, summary="Une organisation et ses conventions")
async def one(organisation_id: OrganisationId, service: OrganisationsDep, principal: Reader) -> o.OrganisationOut:
    return o.organisation_out(await service.get(organisation_id, principal))


@router.post("/{organisation_id}/agreements", status_code=201, response_model=o.OrganisationOut,
             summary="Convention de gestion signée avec une entreprise")
async def sign(organisation_id: OrganisationId, body: o.AgreementIn, service: OrganisationsDep, principal: Manager,
               key: IdempotencyKeyDep, response: Response) -> o.OrganisationOut:
    agreement = Agreement(body.signed_on, body.signatory, body.working_time, body.hourly_cost_cents)
    recorded = await service.sign_agreement(organisation_id, agreement, principal, key)
    _replayed(recorded.repeated, response)
    return o.organisation_out(recorded.organisation)


@router.get("/{organisation_id}/sponsorship-report", response_model=o.SponsorshipReportOut,
            summary="Rapport de mécénat de compétences (heures et valeur), en JSON ou CSV",
            responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}},
                       409: {"description": "Une organisation qui n'est pas une entreprise ; une période à l'envers."}})
async def sponsorship_report(organisation_id: OrganisationId, service: OrganisationsDep, principal: Reporter,
                             language: LanguageDep,
                             period_from: Annotated[Day | None, Query(
                                 alias="from", description="Premier jour (par défaut : le 1er janvier).")] = None,
                             period_to: Annotated[Day | None, Query(
                                 alias="to", description="Dernier jour, compris (par défaut : aujourd'hui).")] = None,
                             format: Annotated[Literal["json", "csv"], Query(
                                 description="`csv` : une ligne par salarié, puis le total.")] = "json"):
    period_from, period_to = sponsorship_csv.period(period_from, period_to, datetime.now(timezone.utc).date())
    report = await service.sponsorship_report(organisation_id, period_from, period_to, principal)
    if format == "csv":
        return Response(sponsorship_csv.report_csv(report, language), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{sponsorship_csv.filename(report)}"'})
    return o.report_out(report)


@router.get("/{organisation_id}/feed", response_model=o.FeedPage,
            summary="Le fil d'un ISP : l'avancement des mentees qu'il a orientés",
            responses={409: {"description": "L'organisation n'est pas un ISP."}})
async def feed(organisation_id: OrganisationId, service: OrganisationsDep, principal: FeedReader,
               language: LanguageDep,
               after: Annotated[int, Query(ge=0, le=2 ** 63 - 1, description="La dernière place lue (0 : depuis le "
                                                                           "début).")] = 0,
               limit: Annotated[int, Query(ge=1, le=500)] = 100) -> o.FeedPage:
    events = await service.feed(organisation_id, after, limit, principal)
    return o.FeedPage(items=[o.FeedEvent(**{name: event[name] for name in (
        "position", "mentee_id", "binome_id", "kind", "detail", "occurred_at")},
        kind_label=i18n.render(f"feed.{event['kind']}", None, language)) for event in events],
        next_after=events[-1]["position"] if events else after)


@router.put("/{organisation_id}/webhook", response_model=o.WebhookSet,
             summary="Le webhook d'un ISP : son fil poussé vers son système (Standard Webhooks)",
             responses={409: {"description": "L'organisation n'est pas un ISP."}})
async def set_webhook(organisation_id: OrganisationId, body: o.WebhookIn, service: OrganisationsDep,
                      principal: WebhookManager) -> o.WebhookSet:
    webhook, secret = await service.set_webhook(organisation_id, body.url, principal)
    return o.WebhookSet(**o.webhook_fields(webhook), secret=secret)


@router.get("/{organisation_id}/webhook", response_model=o.WebhookOut,
            summary="Le webhook d'un ISP et où en sont ses envois",
            responses={409: {"description": "L'organisation n'est pas un ISP."}})
async def webhook(organisation_id: OrganisationId, service: OrganisationsDep,
                  principal: WebhookManager) -> o.WebhookOut:
    return o.WebhookOut(**o.webhook_fields(await service.webhook(organisation_id, principal)))


@router.delete("/{organisation_id}/webhook", status_code=204, summary="Retirer le webhook d'un ISP",
               responses={409: {"description": "L'organisation n'est pas un ISP."}})
async def remove_webhook(organisation_id: OrganisationId, service: OrganisationsDep,
                         principal: WebhookManager) -> Response:
    await service.remove_webhook(organisation_id, principal)
    return Response(status_code=204)

