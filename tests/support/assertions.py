"""Checks shared by workflow, API and durability tests."""

import asyncio
import time

from eventstore import FactStore
from tests.support.driver import BinomeDriver


def assert_each_fact_once(store: FactStore, driver: BinomeDriver) -> list:
    """The stream is 1..N with no gap, no command recorded twice, and the workflow's state is at N."""
    facts = [r.fact for r in store.read(driver.stream_id)]
    assert (problem := not_once(facts)) is None, problem
    return facts


def not_once(facts: list) -> str | None:
    """What keeps a stream's facts from being each recorded once (a gap, a command recorded twice), or None.
    The store itself refuses two facts at one place: a command recorded twice takes two places."""
    if [f.position for f in facts] != list(range(1, len(facts) + 1)):
        return f"positions {[f.position for f in facts]}"
    per_command: dict[str, list[str]] = {}
    for fact in facts:
        if fact.command_id:
            per_command.setdefault(fact.command_id, []).append(fact.type)
    for command_id, types in per_command.items():
        if len(types) != len(set(types)):
            return f"command {command_id} recorded {types}"
    return None


def types_of(facts) -> list[str]:
    return [f.type for f in facts]


async def eventually(condition, seconds: float = 20) -> None:
    """Until the async `condition()` holds (a view catching up with the store), or fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while not await condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.1)
