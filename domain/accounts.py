"""Accounts: who may log in, with which role and scope. Each account is a stream of facts — created, password set,
scope changed, disabled, enabled — so who granted what, and when, is in the audit trail like everything else.

The password itself is never in a fact: only its hash, made by the application (Argon2). The same accounts serve
bearer tokens today and the staff web application's sessions later.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.errors import InvalidInput, NotAllowed, NotFound
from domain.facts import Actor, Fact
from domain.idempotency import already_recorded
from domain.principals import NEEDS_ORGANISATION, NEEDS_PERSON, NEEDS_PROGRAMMES, Principal, Role

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@+-]{2,63}$")
SCOPE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# Long rather than clever: NIST SP 800-63B asks for length and no composition rules.
PASSWORD_MIN, PASSWORD_MAX = 12, 128


@dataclass(frozen=True)
class Scope:
    role: Role
    programmes: tuple[str, ...] = ()
    person_id: str | None = None
    organisation_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role.value, "programmes": list(self.programmes), "person_id": self.person_id,
                "organisation_id": self.organisation_id}


@dataclass
class AccountState:
    account_id: str
    username: str = ""
    scope: Scope | None = None
    password_hash: str = ""
    # A password someone else chose (the first administrator's, a reset): it must be changed before anything else.
    must_change_password: bool = False
    disabled: bool = False
    created_at: datetime | None = None
    version: int = 0
    commands: dict[str, str | None] = field(default_factory=dict)

    @property
    def exists(self) -> bool:
        return self.scope is not None

    def principal(self) -> Principal:
        assert self.scope is not None
        return Principal(self.scope.role, self.account_id, frozenset(self.scope.programmes), self.scope.person_id,
                         self.scope.organisation_id)


def normalise_username(username: str) -> str:
    return username.strip().casefold()


def check_username(username: str) -> str:
    normal = normalise_username(username)
    if not USERNAME.match(normal):
        raise InvalidInput("username_invalid", field="username")
    return normal


def check_password(password: str, field_name: str = "password") -> None:
    if len(password) < PASSWORD_MIN:
        raise InvalidInput("password_too_short", field=field_name, min=PASSWORD_MIN)
    if len(password) > PASSWORD_MAX:
        raise InvalidInput("password_too_long", field=field_name, max=PASSWORD_MAX)


def check_scope(role: str, programmes: list[str] | None, person_id: str | None,
                organisation_id: str | None) -> Scope:
    """The scope a role needs, and nothing it does not: a coordinator names programmes, a mentor their person."""
    try:
        checked_role = Role(role)
    except ValueError:
        raise InvalidInput("role_unknown", field="role") from None
    if checked_role is Role.INTEGRATION:
        raise InvalidInput("role_not_for_accounts", field="role")  # integrations have credentials, not accounts
    programmes = sorted(set(programmes or []))
    for index, programme_id in enumerate(programmes):
        if not SCOPE_ID.match(programme_id):
            raise InvalidInput("scope_id_invalid", field=f"programmes.{index}")
    _needs("programmes", bool(programmes), checked_role in NEEDS_PROGRAMMES)
    _needs("person_id", person_id is not None, checked_role in NEEDS_PERSON)
    _needs("organisation_id", organisation_id is not None, checked_role in NEEDS_ORGANISATION)
    for name, value in (("person_id", person_id), ("organisation_id", organisation_id)):
        if value is not None and not SCOPE_ID.match(value):
            raise InvalidInput("scope_id_invalid", field=name)
    return Scope(checked_role, tuple(programmes), person_id, organisation_id)


def _needs(name: str, given: bool, needed: bool) -> None:
    if needed and not given:
        raise InvalidInput("scope_required", field=name)
    if given and not needed:
        raise InvalidInput("scope_not_for_role", field=name)


def create(state: AccountState, username: str, scope: Scope, password_hash: str, must_change_password: bool,
           actor: Actor, at: datetime, command_id: str, fingerprint: str | None) -> list[Fact]:
    if state.exists:
        if already_recorded(state.commands, command_id, fingerprint):
            return []
        raise NotAllowed("account_exists", field="username")
    return [Fact("AccountCreated", 1, at, actor, {
        "username": username, **scope.to_dict(), "password_hash": password_hash,
        "must_change_password": must_change_password}, command_id, fingerprint)]


def set_password(state: AccountState, password_hash: str, must_change_password: bool, actor: Actor, at: datetime,
                 command_id: str) -> list[Fact]:
    _existing(state)
    return [Fact("AccountPasswordSet", state.version + 1, at, actor,
                 {"password_hash": password_hash, "must_change_password": must_change_password}, command_id)]


def change(state: AccountState, scope: Scope | None, disabled: bool | None, actor: Actor, at: datetime,
           command_id: str, fingerprint: str | None) -> list[Fact]:
    """A new scope and/or status, all or nothing: the facts of what actually changes."""
    _existing(state)
    if already_recorded(state.commands, command_id, fingerprint):
        return []
    if disabled and actor == Actor("staff", state.account_id):
        raise NotAllowed("cannot_disable_yourself")
    facts = []
    if scope is not None and scope != state.scope:
        facts.append(Fact("AccountScopeChanged", state.version + 1, at, actor, scope.to_dict(), command_id,
                          fingerprint))
    if disabled is not None and disabled != state.disabled:
        facts.append(Fact("AccountDisabled" if disabled else "AccountEnabled", state.version + len(facts) + 1, at,
                          actor, {}, command_id, fingerprint))
    return facts


def _existing(state: AccountState) -> None:
    if not state.exists:
        raise NotFound("account_not_found")


def evolve(state: AccountState, fact: Fact) -> AccountState:
    data = fact.data
    if fact.type == "AccountCreated":
        state.username = data["username"]
        state.created_at = fact.occurred_at
    if fact.type in ("AccountCreated", "AccountScopeChanged"):
        state.scope = Scope(Role(data["role"]), tuple(data.get("programmes") or ()), data.get("person_id"),
                            data.get("organisation_id"))
    if fact.type in ("AccountCreated", "AccountPasswordSet"):
        state.password_hash = data["password_hash"]
        state.must_change_password = bool(data.get("must_change_password"))
    if fact.type in ("AccountDisabled", "AccountEnabled"):
        state.disabled = fact.type == "AccountDisabled"
    state.version = fact.position
    if fact.command_id is not None:
        state.commands[fact.command_id] = fact.fingerprint
    return state


def fold(account_id: str, facts: list[Fact]) -> AccountState:
    state = AccountState(account_id)
    for fact in facts:
        evolve(state, fact)
    return state
