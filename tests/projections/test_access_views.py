"""The accounts and the personal-data read log are views like the others: a rebuild from zero gives the same rows,
and a fact one of them cannot apply is set aside while every other fact is applied."""

import uuid

from domain import accounts
from domain.accounts import AccountState, Scope
from domain.facts import Actor, Fact
from domain.principals import Role
from tests.projections.recording import T0

ADMIN = Actor("staff", "root")


def read(store, person_ids: list[str], what: str) -> None:
    store.append(uuid.uuid4(), [Fact("PersonalDataRead", 1, T0, ADMIN, {"subjects": person_ids, "what": what})])


def rows(views) -> tuple:
    return views.accounts(100).items, views.personal_data_reads(None, None, 100).items


def test_accounts_and_the_read_log_rebuild_to_the_same_rows_and_one_bad_fact_stops_no_other(container):
    store = container.store
    claire = uuid.uuid4()
    created = accounts.create(AccountState(str(claire)), "claire", Scope(Role.COORDINATOR, ("bxl",)), "$argon2id$h",
                              True, ADMIN, T0, "c-1", None)
    store.append(claire, created)
    changed = accounts.change(accounts.fold(str(claire), created), Scope(Role.COORDINATOR, ("bxl", "liege")), True,
                              ADMIN, T0, "c-2", None)
    store.append(claire, changed)
    read(store, ["p1", "p2"], "mentees.list")
    orphan = uuid.uuid4()  # a scope change for an account the views never saw created: it cannot apply
    store.append(orphan, [Fact("AccountScopeChanged", 1, T0, ADMIN, Scope(Role.ADMINISTRATOR).to_dict())])
    read(store, ["p3"], "mentees.read")

    container.projector.catch_up()

    listed, reads = rows(container.views)
    assert [(a["username"], a["programmes"], a["disabled"], a["version"]) for a in listed] == [
        ("claire", ["bxl", "liege"], True, 3)]
    assert sorted((r["person_id"], r["what"], r["reader"]) for r in reads) == [
        ("p1", "mentees.list", "staff:root"), ("p2", "mentees.list", "staff:root"), ("p3", "mentees.read", "staff:root")]
    assert [(p.projection, p.stream_id) for p in container.projector.parked()] == [("accounts", str(orphan))]
    before = rows(container.views)

    container.projector.rebuild()

    assert rows(container.views) == before
    assert [(p.projection, p.stream_id) for p in container.projector.parked()] == [("accounts", str(orphan))]
