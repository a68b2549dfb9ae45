"""Checks shared by workflow, API and durability tests."""

from eventstore import FactStore
from tests.support.driver import BinomeDriver


def assert_each_fact_once(store: FactStore, driver: BinomeDriver) -> list:
    """The stream is 1..N with no gap, no command recorded twice, and the workflow's state is at N."""
    facts = [r.fact for r in store.read(driver.stream_id)]
    assert [f.position for f in facts] == list(range(1, len(facts) + 1))
    per_command: dict[str, list[str]] = {}
    for fact in facts:
        if fact.command_id:
            per_command.setdefault(fact.command_id, []).append(fact.type)
    for command_id, types in per_command.items():
        assert len(types) == len(set(types)), f"command {command_id} recorded {types}"
    return facts


def types_of(facts) -> list[str]:
    return [f.type for f in facts]
