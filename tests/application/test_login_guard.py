"""Login attempts: counted before the password is checked, per account and per address; an attempt one limit
refuses counts against none; a success forgets the account's attempts, not the address's."""

import pytest

from application.errors import Saturated
from application.login_guard import LoginGuard


def attempts_allowed(guard: LoginGuard, username: str, address: str, tries: int = 20) -> int:
    for allowed in range(tries):
        try:
            guard.attempt(username, address)
        except Saturated:
            return allowed
    return tries


def test_each_account_and_each_address_has_its_own_window():
    guard = LoginGuard("3/minute", "5/minute")

    assert attempts_allowed(guard, "anne", "10.0.0.1") == 3
    assert attempts_allowed(guard, "ANNE ", "10.0.0.2") == 0  # the same account, from elsewhere
    assert attempts_allowed(guard, "marc", "10.0.0.1") == 2  # the address has 2 of its 5 left


def test_an_attempt_refused_by_its_address_costs_the_account_nothing():
    guard = LoginGuard("3/minute", "2/minute")
    attempts_allowed(guard, "marc", "10.0.0.9")  # the address's two

    assert attempts_allowed(guard, "victim", "10.0.0.9", tries=5) == 0  # five refused by the address

    # Had those five counted against the account, its three would be gone; the fresh address allows two.
    assert attempts_allowed(guard, "victim", "10.0.0.7") == 2


def test_a_success_forgets_the_accounts_attempts_not_the_addresss():
    guard = LoginGuard("3/minute", "5/minute")
    guard.attempt("anne", "10.0.0.1")
    guard.attempt("anne", "10.0.0.1")

    guard.succeeded("Anne")

    assert attempts_allowed(guard, "anne", "10.0.0.2") == 3
    assert attempts_allowed(guard, "paul", "10.0.0.1") == 3  # 5 - the 2 attempts anne made from there


def test_the_answer_says_when_to_try_again():
    guard = LoginGuard("1/minute", "")
    guard.attempt("anne", "10.0.0.1")

    with pytest.raises(Saturated) as refused:
        guard.attempt("anne", "10.0.0.1")
    assert refused.value.code == "too_many_login_attempts" and 1 <= refused.value.retry_after <= 60
