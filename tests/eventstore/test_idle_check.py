"""Pooled connections are checked only when they have not been handed out for a while (eventstore/idle_check.py)."""

import pytest

from eventstore.idle_check import WhenIdle


class Connection:
    """Stands for a pooled driver connection: any object that can be weakly referenced."""


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_connection_is_checked_at_its_first_checkout_and_after_a_second_unused_not_in_between():
    clock = Clock()
    when_idle = WhenIdle(idle_seconds=1.0, clock=clock)
    first, second = Connection(), Connection()

    assert when_idle.due(first)
    clock.now += 0.9
    assert not when_idle.due(first)
    assert when_idle.due(second)  # each connection on its own
    clock.now += 1.0
    assert when_idle.due(first)
    assert not when_idle.due(first)


def test_the_wrapped_check_runs_only_on_the_checkouts_that_need_it():
    clock, checked = Clock(), []
    check = WhenIdle(idle_seconds=1.0, clock=clock).wrap(checked.append)
    connection = Connection()

    for _ in range(3):
        check(connection)
        clock.now += 0.5
    clock.now += 1.0
    check(connection)

    assert checked == [connection, connection]


def test_a_connection_that_failed_its_check_is_checked_again_at_its_next_checkout():
    clock, calls = Clock(), []

    def failing_once(connection):
        calls.append(connection)
        if len(calls) == 1:
            raise OSError("server closed the connection")

    check = WhenIdle(idle_seconds=1.0, clock=clock).wrap(failing_once)
    connection = Connection()
    with pytest.raises(OSError):
        check(connection)
    check(connection)  # at once: not taken for a connection just handed out

    assert calls == [connection, connection]
