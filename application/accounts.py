"""Accounts: create, log in, change or reset a password, change a scope, disable — each a fact on the account's
stream (its id derives from the username, so logging in reads one stream and needs no view).

Passwords are hashed with Argon2 (pwdlib); an unknown username costs a hash check too, so the answer's timing does
not say which usernames exist. Login attempts are limited per account and per client address (`LoginGuard`).
"""

import asyncio
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog
from pwdlib import PasswordHash

from application import clock
from application.errors import Saturated
from application.login_guard import LoginGuard
from application.organisations import OrganisationService
from domain import accounts
from domain.accounts import AccountState, Scope
from domain.catalogue import ACCOUNT
from domain.errors import InvalidInput, NotFound, Unauthenticated
from domain.facts import SYSTEM, Actor
from domain.principals import PARTNERS, Principal, Role
from eventstore import AppendConflict, FactStore
from projections.paging import Key
from projections.projector import Projector
from projections.queries import Page, Views

log = structlog.get_logger("mentorat.accounts")
ACCOUNT_NAMESPACE = uuid.UUID("8c0d5e7a-41b2-4f3e-9a6d-2b7c1e0f4d35")
RACES = 20


@dataclass(frozen=True)
class Login:
    principal: Principal
    must_change_password: bool


def account_id(username: str) -> uuid.UUID:
    return uuid.uuid5(ACCOUNT_NAMESPACE, accounts.normalise_username(username))


def one_time_password() -> str:
    return secrets.token_urlsafe(18)


class AccountService:
    def __init__(self, store: FactStore, guard: LoginGuard, views: Views | None = None,
                 projector: Projector | None = None, read_your_writes_seconds: float = 5.0,
                 organisations: OrganisationService | None = None, hasher: PasswordHash | None = None):
        self._store = store
        self._guard = guard
        self._views = views
        self._projector = projector
        self._read_your_writes_seconds = read_your_writes_seconds
        self._organisations = organisations
        self._hasher = hasher or PasswordHash.recommended()
        self._decoy_hash: str | None = None

    # --- logging in --------------------------------------------------------------------------------

    async def login(self, username: str, password: str, address: str) -> Login:
        self._guard.attempt(username, address)
        state = await asyncio.to_thread(self.state, username)
        valid = await asyncio.to_thread(lambda: self._hasher.verify(password, state.password_hash or self._decoy()))
        if not valid or not state.exists or state.disabled:
            log.info("login_failed", account_id=state.account_id)
            raise Unauthenticated("login_failed")
        self._guard.succeeded(username)
        return Login(state.principal(), state.must_change_password)

    def _decoy(self) -> str:
        # Checked against when the username is unknown, so both answers take as long (made once, when first needed).
        if self._decoy_hash is None:
            self._decoy_hash = self._hasher.hash(secrets.token_urlsafe(16))
        return self._decoy_hash

    async def change_own_password(self, principal: Principal, current: str, new: str, address: str) -> None:
        state = await asyncio.to_thread(self.state_by_id, principal.id)
        if not state.exists or state.disabled:  # a token minted elsewhere, or for an account since disabled
            raise Unauthenticated("login_failed", field="current_password")
        self._guard.attempt(state.username, address)
        if not await asyncio.to_thread(self._hasher.verify, current, state.password_hash):
            raise Unauthenticated("login_failed", field="current_password")
        self._guard.succeeded(state.username)
        accounts.check_password(new, "new_password")
        if new == current:
            raise InvalidInput("password_unchanged", field="new_password")
        await self._set_password(state.account_id, new, False, principal.actor)

    # --- administration ----------------------------------------------------------------------------

    async def create(self, username: str, scope: Scope, actor: Actor, key: str | None, fingerprint: str,
                     password: str | None = None) -> tuple[dict[str, Any], str | None, bool]:
        """The account, its one-time password (None when `password` was given, or on a repeat), whether written."""
        normal = accounts.check_username(username)
        await self._check_organisation(scope)
        if password is not None:
            accounts.check_password(password)
        chosen = password or one_time_password()
        password_hash = await asyncio.to_thread(self._hasher.hash, chosen)
        stream = account_id(normal)
        for _ in range(RACES):
            state = await asyncio.to_thread(self.state_by_id, str(stream))
            facts = accounts.create(state, normal, scope, password_hash, password is None, actor, _now(),
                                    key or str(uuid.uuid4()), fingerprint)
            if not facts:
                return await self._as_recorded(str(stream)), None, False
            try:
                await asyncio.to_thread(self._store.append, stream, facts)
            except AppendConflict:
                continue
            return await self._as_recorded(str(stream)), None if password else chosen, True
        raise Saturated("account_busy")

    async def reset_password(self, account: str, actor: Actor) -> str:
        """A new one-time password for `account`, to be changed at its next login."""
        chosen = one_time_password()
        await self._set_password(account, chosen, True, actor)
        return chosen

    async def change(self, account: str, scope: Scope | None, disabled: bool | None, actor: Actor, key: str | None,
                     fingerprint: str) -> dict[str, Any]:
        command_id = key or str(uuid.uuid4())
        await self._check_organisation(scope)
        return await self._decide(account, lambda state: accounts.change(state, scope, disabled, actor, _now(),
                                                                          command_id, fingerprint))

    async def _check_organisation(self, scope: Scope | None) -> None:
        """A partner's account names a registered organisation of its kind (an ISP's, a company's)."""
        if self._organisations is not None and scope is not None and scope.role in PARTNERS:
            await self._organisations.check_named(scope.role.value, scope.organisation_id)

    async def get(self, account: str) -> dict[str, Any]:
        found = await asyncio.to_thread(self._views.account, account)
        if found is None:
            raise NotFound("account_not_found")
        return found

    async def usernames(self, account_ids: set[str]) -> dict[str, str]:
        """The staff named in an audit trail, by username (the few accounts of one binôme's history)."""
        def read() -> dict[str, str]:
            found = {account: self._views.account(account) for account in account_ids}
            return {account: row["username"] for account, row in found.items() if row}
        return await asyncio.to_thread(read)

    async def page(self, limit: int, after: Key | None = None) -> Page:
        return await asyncio.to_thread(self._views.accounts, limit, after=after)

    def ensure_first_administrator(self, username: str, password: str | None) -> str | None:
        """On a new installation (no account yet), the first administrator; returns its one-time password when
        none was given. Idempotent across processes: the account's stream takes one creation only."""
        if self._store.holds_any("AccountCreated"):
            return None
        normal = accounts.check_username(username)
        if password:
            accounts.check_password(password, "MENTORAT_ADMIN_PASSWORD")
        chosen = password or one_time_password()
        state = self.state(normal)
        facts = accounts.create(state, normal, Scope(Role.ADMINISTRATOR), self._hasher.hash(chosen), not password,
                                SYSTEM, _now(), "account/first-administrator", None)
        if not facts:
            return None
        try:
            self._store.append(account_id(normal), facts)
        except AppendConflict:
            return None  # another process made it first
        return None if password else chosen

    # --- the streams -------------------------------------------------------------------------------

    def state(self, username: str) -> AccountState:
        return self.state_by_id(str(account_id(username)))

    def state_by_id(self, account: str) -> AccountState:
        try:
            stream = uuid.UUID(account)
        except ValueError:
            return AccountState(account)
        return accounts.fold(str(stream), [r.fact for r in self._store.read(stream, category=ACCOUNT)])

    async def _set_password(self, account: str, password: str, must_change: bool, actor: Actor) -> None:
        password_hash = await asyncio.to_thread(self._hasher.hash, password)
        await self._decide(account, lambda state: accounts.set_password(
            state, password_hash, must_change, actor, _now(), str(uuid.uuid4())))

    async def _decide(self, account: str, decide) -> dict[str, Any]:
        for _ in range(RACES):
            state = await asyncio.to_thread(self.state_by_id, account)
            if not state.exists:
                raise NotFound("account_not_found")
            facts = decide(state)
            if facts:
                try:
                    await asyncio.to_thread(self._store.append, uuid.UUID(account), facts)
                except AppendConflict:
                    continue
            return await self._as_recorded(account)
        raise Saturated("account_busy")

    async def _as_recorded(self, account: str) -> dict[str, Any]:
        """The account as the views show it once they show its latest fact (bounded wait), else from the store."""
        state = await asyncio.to_thread(self.state_by_id, account)
        if self._views is not None and self._projector is not None:
            def shown() -> bool:
                row = self._views.account(account)
                return row is not None and row["version"] >= state.version

            if await asyncio.to_thread(self._projector.wait_until, shown, self._read_your_writes_seconds):
                return await self.get(account)
        return account_row(state)


def account_row(state: AccountState) -> dict[str, Any]:
    assert state.scope is not None
    return {"account_id": state.account_id, "username": state.username, **state.scope.to_dict(),
            "must_change_password": state.must_change_password, "disabled": state.disabled,
            "created_at": state.created_at, "version": state.version}


def _now() -> datetime:
    return clock.now()
