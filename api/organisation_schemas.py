"""Bodies of the partner organisations and of a company's skills-sponsorship report."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from api.fields import Day, line, whole
from api.schemas import Input, NextCursor, Total, examples
from domain import organisations, partner_feed, partner_webhooks, sponsorship

OrganisationId = Annotated[str, StringConstraints(pattern=organisations.SCOPE_ID.pattern)]


class OrganisationIn(Input):
    model_config = examples({"organisation_id": "acme", "kind": "company", "name": "Acme Logistics"},
                            {"organisation_id": "actiris", "kind": "isp", "name": "Actiris"})

    organisation_id: OrganisationId = Field(description="Son identifiant pour toujours (les personnes et les "
                                                        "comptes le nomment).")
    kind: Literal[organisations.KINDS] = Field(description="`company` : entreprise partenaire ; `isp` : "
                                                           "partenaire d'insertion socioprofessionnelle.")
    name: line(200, min_length=1)


class AgreementIn(Input):
    model_config = examples({"signed_on": "2026-01-15", "signatory": "Marie Lambert, DRH", "working_time": True,
                             "hourly_cost_cents": 6500})

    signed_on: Day = Field(description="Jour de la signature : la convention vaut à partir de ce jour.")
    signatory: line(200, min_length=1)
    working_time: bool = Field(description="Les salariés mentorent sur leur temps de travail.")
    hourly_cost_cents: whole(ge=organisations.HOURLY_COST_CENTS[0], le=organisations.HOURLY_COST_CENTS[1]) = Field(
        description="Le coût horaire, en centimes d'euro, auquel l'entreprise valorise les heures de ses salariés.")


class AgreementOut(BaseModel):
    signed_on: date
    signatory: str
    working_time: bool
    hourly_cost_cents: int


class OrganisationOut(BaseModel):
    organisation_id: str
    kind: str
    name: str
    agreements: list[AgreementOut] = Field(description="Dans l'ordre de signature ; la dernière signée vaut.")
    registered_at: datetime


class OrganisationPage(BaseModel):
    items: list[OrganisationOut] = Field(description="Par nom, puis par identifiant.")
    total: Total
    limit: int
    next_cursor: NextCursor


def organisation_out(row: dict[str, Any]) -> OrganisationOut:
    return OrganisationOut(organisation_id=row["organisation_id"], kind=row["kind"], name=row["name"],
                           agreements=[AgreementOut(**agreement.__dict__) for agreement in row["agreements"]],
                           registered_at=row["registered_at"])


class FeedEvent(BaseModel):
    position: int = Field(description="Sa place dans le journal : la prochaine lecture part d'après la dernière.")
    mentee_id: str
    binome_id: str | None
    kind: Literal[partner_feed.KINDS]
    kind_label: str
    detail: dict[str, str] = Field(description="Pour une sortie : `exit` (`positive` ou `early_stop`) et, pour une "
                                               "sortie positive, `outcome` (emploi, formation, …).")
    occurred_at: datetime


class FeedPage(BaseModel):
    items: list[FeedEvent] = Field(description="Dans l'ordre où les faits ont été enregistrés.")
    next_after: int = Field(description="À passer en `after` à la lecture suivante.")


class EmployeeHours(BaseModel):
    person_id: str
    name: str
    minutes: dict[str, int] = Field(description="Par activité : " + ", ".join(sponsorship.ACTIVITIES) + ".")
    total_minutes: int
    value_cents: int = Field(description="Valeur au coût horaire de la convention en vigueur chaque jour.")
    unvalued_minutes: int = Field(description="Données avant toute convention : comptées, non valorisées.")


class SponsorshipReportOut(BaseModel):
    organisation_id: str
    name: str
    period_from: date
    period_to: date
    currency: Literal["EUR"] = "EUR"
    employees: list[EmployeeHours]
    total_minutes: int
    total_value_cents: int
    unvalued_minutes: int


def report_out(report: sponsorship.Report) -> SponsorshipReportOut:
    return SponsorshipReportOut(
        organisation_id=report.organisation_id, name=report.name, period_from=report.period_from,
        period_to=report.period_to,
        employees=[EmployeeHours(person_id=line.person_id, name=line.name, minutes=line.minutes,
                                 total_minutes=line.total_minutes, value_cents=line.value_cents,
                                 unvalued_minutes=line.unvalued_minutes) for line in report.lines],
        total_minutes=report.total_minutes, total_value_cents=report.total_value_cents,
        unvalued_minutes=report.unvalued_minutes)


# --- an ISP's webhook ---------------------------------------------------------------------------------------------

WebhookUrl = Annotated[str, StringConstraints(
    max_length=partner_webhooks.URL_LIMIT,
    pattern=r"^(https://[A-Za-z0-9.-]+|http://(localhost|127\.0\.0\.1))(:[0-9]{1,5})?(/[!-~]*)?$")]


class WebhookIn(Input):
    model_config = examples({"url": "https://partenaire.example.be/mentorat/webhook"})

    url: WebhookUrl = Field(description="https (http seulement vers cette machine). Chaque événement du fil y est "
                                        "envoyé, signé selon Standard Webhooks, jusqu'à ce qu'il soit accusé (2xx).")


class WebhookOut(BaseModel):
    organisation_id: str
    url: str
    delivered_position: int | None = Field(description="La place dans le fil du dernier événement accusé (0 : aucun).")
    delivered: int | None = Field(description="Combien d'événements ont été accusés.")
    waiting: int | None = Field(description="Combien d'événements attendent d'être envoyés.")
    last_delivered_at: datetime | None
    failures: int = Field(description="Essais ratés d'affilée (0 : tout va bien).")
    failing_since: datetime | None
    last_status: int | None = Field(description="Le dernier statut HTTP reçu en échec (null : pas de réponse).")
    last_error: str | None
    next_try_at: datetime | None


class WebhookSet(WebhookOut):
    secret: str = Field(description="Le secret de signature (`whsec_…`), montré cette seule fois : le système du "
                                    "partenaire vérifie chaque envoi avec lui.")


def webhook_fields(webhook: dict[str, Any]) -> dict[str, Any]:
    return {"url": webhook["webhook_url"],
            **{name: webhook[name] for name in WebhookOut.model_fields if name != "url"}}
