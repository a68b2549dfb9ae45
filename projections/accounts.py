"""Projection "accounts": each account's username, role, scope and status as they stand (the administrators' list).
A password's hash stays in the store: the view has no use for it."""

import json

from sqlalchemy import Connection, insert, select, update

from domain import accounts as domain_accounts
from domain import catalogue
from domain.accounts import AccountState, Scope
from domain.principals import Role
from eventstore import RecordedFact
from projections.projection import Batch, Projection
from projections.tables import accounts
from projections.timestamps import to_text


class AccountsProjection(Projection):
    name = "accounts"
    tables = (accounts,)

    def handles(self, fact_type: str) -> bool:
        return catalogue.is_of(fact_type, catalogue.ACCOUNT)

    def batch(self, conn: Connection) -> "AccountsBatch":
        return AccountsBatch(conn)


class AccountsBatch(Batch):
    def __init__(self, conn: Connection):
        self._conn = conn

    def apply(self, recorded: RecordedFact) -> None:
        account_id = str(recorded.stream_id)
        if recorded.fact.type == "AccountCreated":
            state = domain_accounts.fold(account_id, [recorded.fact])
            self._conn.execute(insert(accounts), {**_row(state), "account_id": account_id,
                                                  "username": state.username,
                                                  "created_at": to_text(recorded.fact.occurred_at)})
            return
        row = self._conn.execute(select(accounts).where(accounts.c.account_id == account_id)).mappings().one()
        state = domain_accounts.evolve(_state(row), recorded.fact)
        self._conn.execute(update(accounts).where(accounts.c.account_id == account_id).values(**_row(state)))

    def flush(self) -> None:
        pass


def _row(state: AccountState) -> dict:
    assert state.scope is not None
    return {"role": state.scope.role.value, "programmes": json.dumps(list(state.scope.programmes)),
            "person_id": state.scope.person_id, "organisation_id": state.scope.organisation_id,
            "must_change_password": int(state.must_change_password), "disabled": int(state.disabled),
            "version": state.version}


def _state(row) -> AccountState:
    return AccountState(row["account_id"], row["username"],
                        Scope(Role(row["role"]), tuple(json.loads(row["programmes"])), row["person_id"],
                              row["organisation_id"]),
                        must_change_password=bool(row["must_change_password"]), disabled=bool(row["disabled"]),
                        version=row["version"])
