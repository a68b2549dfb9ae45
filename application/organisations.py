"""Partner organisations (companies and ISPs): register them, sign a company's agreement, read them, and the
company's skills-sponsorship report. One stream per organisation, its id derived from the organisation's own id."""

import asyncio
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import structlog

from application import clock
from application.data_reads import PersonalDataReads
from application.errors import Saturated
from application import partner_webhooks as partner_webhooks_delivery
from application.idempotency import fingerprint
from application.integrations import SecretSealer, new_secret
from domain import organisations, partner_webhooks, sponsorship
from domain.catalogue import ORGANISATION
from domain.errors import NotAllowed, NotFound
from domain.facts import Fact
from domain.organisations import Agreement, OrganisationState
from domain.principals import Principal
from domain.visibility import listed_programmes
from eventstore import AppendConflict, FactStore
from projections.paging import Key
from projections.projector import Projector
from projections.queries import Page, Views
from projections.webhook_progress import WebhookProgress

log = structlog.get_logger("mentorat.organisations")
ORGANISATION_NAMESPACE = uuid.UUID("5a7e2c19-0b4d-4f86-b3e1-9d2c6a8f0e47")
RACES = 20


def stream_id(organisation_id: str) -> uuid.UUID:
    return uuid.uuid5(ORGANISATION_NAMESPACE, organisation_id)


@dataclass(frozen=True)
class Recorded:
    organisation: dict[str, Any]
    repeated: bool


class OrganisationService:
    def __init__(self, store: FactStore, views: Views, projector: Projector, read_your_writes_seconds: float,
                 reads: PersonalDataReads, sealer: SecretSealer, webhooks: WebhookProgress,
                 webhook_private_addresses: bool = False):
        self._webhook_private_addresses = webhook_private_addresses
        self._sealer = sealer
        self._webhooks = webhooks
        self._store = store
        self._views = views
        self._projector = projector
        self._read_your_writes_seconds = read_your_writes_seconds
        self._reads = reads

    def state(self, organisation_id: str) -> OrganisationState:
        facts = self._store.read(stream_id(organisation_id), category=ORGANISATION)
        return organisations.fold(organisation_id, [recorded.fact for recorded in facts])

    async def register(self, organisation_id: str, kind: str, name: str, principal: Principal,
                       key: str | None) -> Recorded:
        print_ = fingerprint("RegisterOrganisation", {"organisation_id": organisation_id, "kind": kind, "name": name})
        command_id = key or str(uuid.uuid4())
        return await self._record(organisation_id, lambda state, now: organisations.register(
            state, kind, name, principal.actor, now, command_id, print_))

    async def sign_agreement(self, organisation_id: str, agreement: Agreement, principal: Principal,
                             key: str | None) -> Recorded:
        print_ = fingerprint("SignAgreement", {**agreement.__dict__})
        command_id = key or str(uuid.uuid4())

        def decide(state: OrganisationState, now: datetime) -> list[Fact]:
            if not state.exists:
                raise NotFound("organisation_not_found", organisation_id=organisation_id)
            return organisations.sign_agreement(state, agreement, principal.actor, now, command_id, print_)

        return await self._record(organisation_id, decide)

    async def get(self, organisation_id: str, principal: Principal) -> dict[str, Any]:
        """Staff read every organisation; a partner's users their own only (else: not found)."""
        if not principal.is_staff and principal.organisation_id != organisation_id:
            raise NotFound("organisation_not_found", organisation_id=organisation_id)
        found = await asyncio.to_thread(self._views.organisation, organisation_id)
        if found is None:
            raise NotFound("organisation_not_found", organisation_id=organisation_id)
        return found

    async def page(self, kind: str | None, limit: int, after: Key | None = None) -> Page:
        return await asyncio.to_thread(self._views.organisations, kind, limit, after=after)

    async def check_named(self, role: str, organisation_id: str | None) -> None:
        """The organisation a person or an account names exists, of the kind the role calls for."""
        if organisation_id is None:
            return
        state = await asyncio.to_thread(self.state, organisation_id)
        if not state.exists:
            raise NotFound("organisation_not_found", field="organisation_id", organisation_id=organisation_id)
        wanted = organisations.KIND_FOR_ROLE[role]
        if state.kind != wanted:
            raise NotAllowed("organisation_kind_mismatch", field="organisation_id", kind_code=f"kind.{wanted}")

    async def sponsorship_report(self, organisation_id: str, period_from: date, period_to: date,
                                 principal: Principal) -> sponsorship.Report:
        """The company's employees who mentor (a coordinator: those of its programmes) and the hours they gave while
        it employed them."""
        company = await self._own(organisation_id, principal, "company", "report_for_companies_only")
        if period_to < period_from:
            raise NotAllowed("period_ends_before_it_starts", field="to")
        employees, entries = await asyncio.to_thread(self._views.company_hours, organisation_id,
                                                     listed_programmes(principal))
        await self._reads.record(principal, list(employees), "sponsorship.report")
        return sponsorship.report(company, employees, entries, period_from, period_to)

    async def feed(self, organisation_id: str, after: int, limit: int, principal: Principal) -> list[dict[str, Any]]:
        """An ISP's feed: the progress of the mentees it referred, after log position `after`, in log order. Its own
        users read it (and administrators); the read is logged."""
        await self._own(organisation_id, principal, "isp", "feed_for_isps_only")
        events = await asyncio.to_thread(self._views.partner_feed, organisation_id, after, limit)
        await self._reads.record(principal, [event["mentee_id"] for event in events], "partner_feed.read")
        return events

    async def set_webhook(self, organisation_id: str, url: str, principal: Principal) -> tuple[dict[str, Any], str]:
        """An ISP's webhook, with a new signing secret (shown this once); its feed is delivered from where its
        previous webhook stopped (from the start for the first)."""
        await self._own(organisation_id, principal, "isp", "webhook_for_isps_only")
        secret, secret_id = new_secret(), uuid.uuid4().hex[:12]
        sealed = self._sealer.seal(secret, partner_webhooks_delivery.purpose(organisation_id, secret_id))
        await self._record(organisation_id, lambda state, now: partner_webhooks.set_webhook(
            state, url, secret_id, sealed, principal.actor, now, self._webhook_private_addresses))
        await asyncio.to_thread(self._webhooks.try_now, organisation_id)
        return await self._shown_webhook(organisation_id, url, secret_id), secret

    async def remove_webhook(self, organisation_id: str, principal: Principal) -> None:
        await self._own(organisation_id, principal, "isp", "webhook_for_isps_only")
        await self._record(organisation_id, lambda state, now: partner_webhooks.remove_webhook(
            state, principal.actor, now))

    async def webhook(self, organisation_id: str, principal: Principal) -> dict[str, Any]:
        """The ISP's webhook and how far it delivered (not found when none is set)."""
        await self._own(organisation_id, principal, "isp", "webhook_for_isps_only")
        found = await asyncio.to_thread(self._webhooks.of, organisation_id)
        if found is None:
            raise NotFound("webhook_not_found")
        return found

    async def _shown_webhook(self, organisation_id: str, url: str, secret_id: str) -> dict[str, Any]:
        """The webhook just set, as the view shows it (`_record` waited for it); if the view is still behind (or
        it was set again meanwhile), what this command set, with no delivery known."""
        found = await asyncio.to_thread(self._webhooks.of, organisation_id)
        if found is None or found["webhook_secret_id"] != secret_id:
            found = {"organisation_id": organisation_id, "webhook_url": url, "webhook_secret_id": secret_id,
                     "delivered_position": None, "delivered": None, "last_delivered_at": None, "failures": 0,
                     "failing_since": None, "last_status": None, "last_error": None, "next_try_at": None,
                     "waiting": None}
        return found

    async def _own(self, organisation_id: str, principal: Principal, kind: str, other_kind_code: str
                   ) -> OrganisationState:
        """The organisation, if staff ask or its own users do (else: not found, as for one that does not exist),
        and of `kind` (else refused with `other_kind_code`)."""
        if not principal.is_staff and principal.organisation_id != organisation_id:
            raise NotFound("organisation_not_found", organisation_id=organisation_id)
        state = await asyncio.to_thread(self.state, organisation_id)
        if not state.exists:
            raise NotFound("organisation_not_found", organisation_id=organisation_id)
        if state.kind != kind:
            raise NotAllowed(other_kind_code)
        return state

    async def _record(self, organisation_id: str, decide) -> Recorded:
        for _ in range(RACES):
            state = await asyncio.to_thread(self.state, organisation_id)
            facts = decide(state, clock.now())
            if not facts:
                return Recorded(await self._as_recorded(organisation_id, state.version), True)
            try:
                await asyncio.to_thread(self._store.append, stream_id(organisation_id), facts)
            except AppendConflict:
                continue  # registered or signed meanwhile: judged again on it
            return Recorded(await self._as_recorded(organisation_id, facts[-1].position), False)
        raise Saturated("organisation_busy")

    async def _as_recorded(self, organisation_id: str, version: int) -> dict[str, Any]:
        """As the view shows it once it shows `version` (bounded, best effort); else as folded from the store."""
        def shown() -> bool:
            row = self._views.organisation(organisation_id)
            return row is not None and row["version"] >= version

        if await asyncio.to_thread(self._projector.wait_until, shown, self._read_your_writes_seconds):
            return await asyncio.to_thread(self._views.organisation, organisation_id)
        state = await asyncio.to_thread(self.state, organisation_id)
        return {"organisation_id": organisation_id, "kind": state.kind, "name": state.name,
                "agreements": list(state.agreements), "registered_at": state.registered_at,
                "version": state.version}
