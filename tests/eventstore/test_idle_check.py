"""Pooled connections are checked only when they sat idle (eventstore/idle_check.py)."""

import time

from eventstore.idle_check import WhenIdle


class Connection:
    """Stands for a pooled driver connection: any object that can be weakly referenced."""


def test_a_connection_is_checked_at_its_first_checkout_and_after_sitting_idle_not_in_between():
    when_idle = WhenIdle(idle_seconds=0.2)
    first, second = Connection(), Connection()

    assert when_idle.due(first)
    assert not when_idle.due(first)
    assert when_idle.due(second)  # each connection on its own
    time.sleep(0.25)
    assert when_idle.due(first)
    assert not when_idle.due(first)


def test_the_wrapped_check_runs_only_on_the_checkouts_that_need_it():
    checked = []
    check = WhenIdle(idle_seconds=0.2).wrap(checked.append)
    connection = Connection()

    for _ in range(3):
        check(connection)
    time.sleep(0.25)
    check(connection)

    assert checked == [connection, connection]
