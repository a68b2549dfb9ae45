"""Projection "organisations": each partner company and ISP with its agreements as they stand."""

import json

from sqlalchemy import Connection, insert, select, update

from domain import catalogue
from domain import organisations as domain_organisations
from eventstore import RecordedFact
from projections.projection import Batch, Projection
from projections.tables import organisations
from projections.timestamps import to_text


class OrganisationsProjection(Projection):
    name = "organisations"
    tables = (organisations,)

    def handles(self, fact_type: str) -> bool:
        return catalogue.is_of(fact_type, catalogue.ORGANISATION)

    def batch(self, conn: Connection) -> "OrganisationsBatch":
        return OrganisationsBatch(conn)


class OrganisationsBatch(Batch):
    def __init__(self, conn: Connection):
        self._conn = conn

    def apply(self, recorded: RecordedFact) -> None:
        fact = recorded.fact
        if fact.type == "OrganisationRegistered":
            self._conn.execute(insert(organisations), {
                "organisation_id": fact.data["organisation_id"], "stream_id": str(recorded.stream_id),
                "kind": fact.data["kind"], "name": fact.data["name"], "agreements": "[]",
                "registered_at": to_text(fact.occurred_at), "version": fact.position})
            return
        where = organisations.c.stream_id == str(recorded.stream_id)
        changes: dict = {"version": fact.position}
        if fact.type == "AgreementSigned":
            agreements = json.loads(self._conn.execute(select(organisations.c.agreements).where(where)).scalar_one())
            changes["agreements"] = json.dumps([*agreements, fact.data])
        elif fact.type in ("PartnerWebhookSet", "PartnerWebhookRemoved"):
            webhook = fact.data if fact.type == "PartnerWebhookSet" else {}
            changes.update(webhook_url=webhook.get("url"), webhook_secret_id=webhook.get("secret_id"),
                           webhook_sealed_secret=webhook.get("sealed_secret"))
        self._conn.execute(update(organisations).where(where).values(**changes))

    def flush(self) -> None:
        pass


def agreements_of(row) -> list[domain_organisations.Agreement]:
    return [domain_organisations.agreement_from(data) for data in json.loads(row["agreements"])]
