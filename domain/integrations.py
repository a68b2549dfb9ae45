"""Integrations (a calendar, the programme's CRM): each a stream of facts — registered with the binômes it may
touch (those of its programmes, or only the ones listed), signing secrets added and revoked. Two secrets may be
valid at once, so a sender rotates without a gap (Standard Webhooks): add the new one, switch, revoke the old."""

import re
from dataclasses import dataclass, field
from datetime import datetime

from domain.accounts import SCOPE_ID
from domain.errors import InvalidInput, NotAllowed, NotFound
from domain.facts import Actor, Fact
from domain.principals import Principal, Role

INTEGRATION_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
MAX_SECRETS = 2


@dataclass
class IntegrationState:
    integration_id: str
    name: str = ""
    programmes: tuple[str, ...] = ()
    binomes: tuple[str, ...] = ()
    # secret id -> the secret, sealed (the application seals and opens it)
    secrets: dict[str, str] = field(default_factory=dict)
    registered_at: datetime | None = None
    version: int = 0

    @property
    def exists(self) -> bool:
        return self.registered_at is not None

    def principal(self) -> Principal:
        return Principal(Role.INTEGRATION, self.integration_id, frozenset(self.programmes),
                         binomes=frozenset(self.binomes))


def register(state: IntegrationState, name: str, programmes: list[str], binomes: list[str], sealed_secret: str,
             secret_id: str, actor: Actor, at: datetime) -> list[Fact]:
    if not INTEGRATION_ID.match(state.integration_id):
        raise InvalidInput("integration_id_invalid", field="integration_id")
    if state.exists:
        raise NotAllowed("integration_exists", field="integration_id")
    if not programmes:
        raise InvalidInput("scope_required", field="programmes")
    for index, programme_id in enumerate(programmes):
        if not SCOPE_ID.match(programme_id):
            raise InvalidInput("scope_id_invalid", field=f"programmes.{index}")
    return [Fact("IntegrationRegistered", 1, at, actor, {"integration_id": state.integration_id, "name": name,
                                                         "programmes": sorted(set(programmes)),
                                                         "binomes": sorted(set(binomes))}),
            Fact("IntegrationSecretAdded", 2, at, actor, {"secret_id": secret_id, "sealed_secret": sealed_secret})]


def add_secret(state: IntegrationState, sealed_secret: str, secret_id: str, actor: Actor, at: datetime) -> list[Fact]:
    _existing(state)
    if len(state.secrets) >= MAX_SECRETS:
        raise NotAllowed("two_secrets_already", max=MAX_SECRETS)
    return [Fact("IntegrationSecretAdded", state.version + 1, at, actor,
                 {"secret_id": secret_id, "sealed_secret": sealed_secret})]


def revoke_secret(state: IntegrationState, secret_id: str, actor: Actor, at: datetime) -> list[Fact]:
    _existing(state)
    if secret_id not in state.secrets:
        raise NotFound("secret_not_found")
    if len(state.secrets) == 1:
        raise NotAllowed("last_secret")  # add its successor first: deliveries must always be verifiable
    return [Fact("IntegrationSecretRevoked", state.version + 1, at, actor, {"secret_id": secret_id})]


def _existing(state: IntegrationState) -> None:
    if not state.exists:
        raise NotFound("integration_not_found")


def evolve(state: IntegrationState, fact: Fact) -> IntegrationState:
    data = fact.data
    if fact.type == "IntegrationRegistered":
        state.name, state.registered_at = data["name"], fact.occurred_at
        state.programmes, state.binomes = tuple(data["programmes"]), tuple(data["binomes"])
    elif fact.type == "IntegrationSecretAdded":
        state.secrets[data["secret_id"]] = data["sealed_secret"]
    elif fact.type == "IntegrationSecretRevoked":
        state.secrets.pop(data["secret_id"], None)
    state.version = fact.position
    return state


def fold(integration_id: str, facts: list[Fact]) -> IntegrationState:
    state = IntegrationState(integration_id)
    for fact in facts:
        evolve(state, fact)
    return state
