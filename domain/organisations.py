"""Partner organisations, each a stream of facts: companies whose employees mentor in working time under a
management agreement, and job-insertion agencies (ISP) that refer mentees.

A company's agreement says when it was signed and by whom, whether its employees may mentor in working time, and
the hourly cost it values their hours at (the skills-sponsorship report: domain.sponsorship). A new agreement
takes over from its signing day; the hours before it keep the cost of the one then in force.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from domain.accounts import SCOPE_ID
from domain.errors import InvalidInput, NotAllowed
from domain.facts import Actor, Fact
from domain.idempotency import already_recorded

KINDS = ("company", "isp")
# The organisation a person or an account names is one of these, of the kind its role calls for.
KIND_FOR_ROLE = {"mentor": "company", "mentee": "isp", "company": "company", "isp": "isp"}
# Euro cents an hour: from one cent to a thousand euros.
HOURLY_COST_CENTS = (1, 100_000)


@dataclass(frozen=True)
class Agreement:
    signed_on: date
    signatory: str
    # Employees may mentor in working time.
    working_time: bool
    hourly_cost_cents: int


@dataclass
class OrganisationState:
    organisation_id: str
    kind: str | None = None
    name: str = ""
    registered_at: datetime | None = None
    # In the order signed.
    agreements: list[Agreement] = field(default_factory=list)
    # An ISP's webhook (domain.partner_webhooks): its URL, secret id and sealed secret; None when it has none.
    webhook: dict[str, str] | None = None
    version: int = 0
    commands: dict[str, str | None] = field(default_factory=dict)

    @property
    def exists(self) -> bool:
        return self.kind is not None

    def agreement_on(self, day: date) -> Agreement | None:
        """The agreement in force on `day`: the last one signed on or before it."""
        in_force = None
        for agreement in self.agreements:  # in signing order: of two signed the same day, the later one
            if agreement.signed_on <= day and (in_force is None or agreement.signed_on >= in_force.signed_on):
                in_force = agreement
        return in_force


def register(state: OrganisationState, kind: str, name: str, actor: Actor, at: datetime, command_id: str,
             fingerprint: str | None) -> list[Fact]:
    if not SCOPE_ID.match(state.organisation_id):
        raise InvalidInput("organisation_id_invalid", field="organisation_id")
    if state.exists:
        if already_recorded(state.commands, command_id, fingerprint):
            return []
        raise NotAllowed("organisation_exists", field="organisation_id", organisation_id=state.organisation_id)
    if kind not in KINDS:
        raise InvalidInput("code_unknown", field="kind", allowed=", ".join(KINDS))
    if not name.strip():
        raise InvalidInput("text_required", field="name", what_code="field.organisation_name")
    return [Fact("OrganisationRegistered", 1, at, actor,
                 {"organisation_id": state.organisation_id, "kind": kind, "name": name}, command_id, fingerprint)]


def sign_agreement(state: OrganisationState, agreement: Agreement, actor: Actor, at: datetime, command_id: str,
                   fingerprint: str | None) -> list[Fact]:
    if already_recorded(state.commands, command_id, fingerprint):
        return []
    if state.kind != "company":
        raise NotAllowed("agreement_for_companies_only")
    if agreement.signed_on > at.date():
        raise NotAllowed("date_in_future", field="signed_on")
    low, high = HOURLY_COST_CENTS
    if not low <= agreement.hourly_cost_cents <= high:
        raise InvalidInput("value_out_of_range", field="hourly_cost_cents", min=low, max=high)
    if not agreement.signatory.strip():
        raise InvalidInput("text_required", field="signatory", what_code="field.signatory")
    return [Fact("AgreementSigned", state.version + 1, at, actor, _agreement_data(agreement), command_id,
                 fingerprint)]


def _agreement_data(agreement: Agreement) -> dict[str, Any]:
    return {"signed_on": agreement.signed_on.isoformat(), "signatory": agreement.signatory,
            "working_time": agreement.working_time, "hourly_cost_cents": agreement.hourly_cost_cents}


def agreement_from(data: dict[str, Any]) -> Agreement:
    return Agreement(date.fromisoformat(data["signed_on"]), data["signatory"], data["working_time"],
                     data["hourly_cost_cents"])


def evolve(state: OrganisationState, fact: Fact) -> OrganisationState:
    if fact.type == "OrganisationRegistered":
        state.kind, state.name, state.registered_at = fact.data["kind"], fact.data["name"], fact.occurred_at
    elif fact.type == "AgreementSigned":
        state.agreements.append(agreement_from(fact.data))
    elif fact.type == "PartnerWebhookSet":
        state.webhook = dict(fact.data)
    elif fact.type == "PartnerWebhookRemoved":
        state.webhook = None
    state.version = fact.position
    if fact.command_id is not None:
        state.commands.setdefault(fact.command_id, fact.fingerprint)
    return state


def fold(organisation_id: str, facts: list[Fact]) -> OrganisationState:
    state = OrganisationState(organisation_id)
    for fact in facts:
        evolve(state, fact)
    return state
