"""Accounts as facts: a role's scope names what it needs and nothing else; a repeated creation records nothing;
nobody disables their own account; the state folds back from the facts."""

from datetime import datetime, timezone

import pytest

from domain import accounts
from domain.errors import IdempotencyConflict, InvalidInput, NotAllowed
from domain.facts import Actor
from domain.principals import Role

AT = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
ADMIN = Actor("staff", "root")


def created(username: str = "claire", scope: accounts.Scope | None = None) -> accounts.AccountState:
    state = accounts.AccountState("acc-1")
    scope = scope or accounts.check_scope("coordinator", ["bxl"], None, None)
    facts = accounts.create(state, username, scope, "$argon2id$hash", True, ADMIN, AT, "create-1", "fp")
    return accounts.fold("acc-1", facts)


def test_an_account_folds_back_from_its_facts():
    state = created()

    assert state.exists and state.username == "claire" and state.must_change_password
    assert state.principal().role is Role.COORDINATOR and state.principal().programmes == {"bxl"}
    assert state.principal().actor == Actor("staff", "acc-1")


def test_the_same_creation_again_records_nothing_and_another_is_refused():
    state = created()
    scope = accounts.check_scope("administrator", [], None, None)

    assert accounts.create(state, "claire", scope, "h", False, ADMIN, AT, "create-1", "fp") == []
    with pytest.raises(NotAllowed, match="account_exists"):
        accounts.create(state, "claire", scope, "h", False, ADMIN, AT, "create-2", "fp")


@pytest.mark.parametrize("role, programmes, person, organisation, field", [
    ("coordinator", [], None, None, "programmes"),
    ("mentor", [], None, None, "person_id"),
    ("isp", [], None, None, "organisation_id"),
    ("administrator", ["bxl"], None, None, "programmes"),
    ("mentee", [], "p1", "forem", "organisation_id"),
    ("integration", [], None, None, "role"),
    ("boss", [], None, None, "role"),
    ("coordinator", ["bad id!"], None, None, "programmes.0"),
])
def test_a_scope_holds_what_its_role_needs_and_nothing_else(role, programmes, person, organisation, field):
    with pytest.raises(InvalidInput) as refused:
        accounts.check_scope(role, programmes, person, organisation)
    assert refused.value.field == field


def test_a_password_change_clears_the_one_time_flag_and_disabling_is_not_for_oneself():
    state = created()
    changed = accounts.fold("acc-1", accounts.create(accounts.AccountState("acc-1"), "claire", state.scope, "h",
                                                     True, ADMIN, AT, "c", None)
                            + accounts.set_password(state, "$argon2id$new", False, Actor("staff", "acc-1"), AT, "p"))

    assert not changed.must_change_password and changed.password_hash == "$argon2id$new"
    with pytest.raises(NotAllowed, match="cannot_disable_yourself"):
        accounts.change(changed, None, True, Actor("staff", "acc-1"), AT, "d", "fp")
    disabled = accounts.change(changed, None, True, ADMIN, AT, "d", "fp")
    assert [f.type for f in disabled] == ["AccountDisabled"]


def test_a_scope_and_a_status_change_together_or_not_at_all():
    state = created()
    admin_scope = accounts.check_scope("administrator", [], None, None)

    both = accounts.change(state, admin_scope, True, ADMIN, AT, "c-1", "fp")
    assert [(f.type, f.position) for f in both] == [("AccountScopeChanged", 2), ("AccountDisabled", 3)]
    with pytest.raises(NotAllowed, match="cannot_disable_yourself"):  # refused whole: the scope is not changed
        accounts.change(state, admin_scope, True, Actor("staff", "acc-1"), AT, "c-2", "fp")
    assert accounts.change(state, state.scope, False, ADMIN, AT, "c-3", "fp") == []  # nothing actually changes
    after = accounts.fold("acc-1", accounts.create(accounts.AccountState("acc-1"), "claire", state.scope, "h", True,
                                                   ADMIN, AT, "create-1", "fp") + both)
    assert accounts.change(after, admin_scope, True, ADMIN, AT, "c-1", "fp") == []  # the same command again
    with pytest.raises(IdempotencyConflict):
        accounts.change(after, None, False, ADMIN, AT, "c-1", "another body")


@pytest.mark.parametrize("username, ok", [("Claire", True), ("c.l+aire@x.be", True), ("ab", False), ("a b c", False),
                                          ("-claire", False), ("x" * 65, False)])
def test_usernames_are_plain_and_case_insensitive(username, ok):
    if ok:
        assert accounts.check_username(username) == username.casefold()
    else:
        with pytest.raises(InvalidInput):
            accounts.check_username(username)
