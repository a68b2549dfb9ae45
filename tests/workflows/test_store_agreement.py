"""The workflow folds what the store holds: facts written by an attempt that ran before a crash, decided at another
moment, are taken as stored, and a command is judged again when other facts hold its places."""

from datetime import timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError

from domain.decide import decide
from domain.state import BinomeState, fold
from tests.support.assertions import assert_each_fact_once, types_of
from tests.support.driver import BinomeDriver


@pytest.fixture
def driver(time_skipping_env, task_queue, worker, store) -> BinomeDriver:
    return BinomeDriver(time_skipping_env.client, task_queue, env=time_skipping_env, store=store)


async def stored_before_a_crash(driver: BinomeDriver, name: str, command_id: str) -> list:
    """What an earlier attempt of `command_id` would have recorded, decided a moment after the proposal."""
    state = BinomeState.from_dict(await driver.state())
    earlier = state.proposed_at + timedelta(seconds=1)
    facts = decide(state, driver.envelope(name, command_id=command_id), earlier)
    driver.store.append(driver.stream_id, facts)
    return facts


async def assert_workflow_agrees_with_store(driver: BinomeDriver) -> None:
    stored = fold(driver.binome_id, [r.fact for r in driver.store.read(driver.stream_id)])
    assert BinomeState.from_dict(await driver.state()).to_dict() == stored.to_dict()


async def test_a_command_an_earlier_attempt_recorded_answers_with_the_stored_facts(driver):
    await driver.start()
    earlier = await stored_before_a_crash(driver, "AcceptProposal", "accept-1")

    outcome = await driver.send("AcceptProposal", command_id="accept-1")

    assert outcome.positions == [2] and not outcome.repeated
    assert [s.fact for s in outcome.facts] == earlier  # as stored, not as decided again now
    assert (await driver.send("AcceptProposal", command_id="accept-1")).repeated
    assert types_of(assert_each_fact_once(driver.store, driver)) == ["MentorshipProposed", "ProposalAccepted"]
    await assert_workflow_agrees_with_store(driver)


async def test_the_same_key_with_another_body_taken_from_the_store_is_refused(driver):
    await driver.start()
    await stored_before_a_crash(driver, "AcceptProposal", "key-1")

    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await driver.send("RefuseProposal", {"reason": "indisponible"}, command_id="key-1")
    assert refused.value.cause.type == "IdempotencyConflict"
    await assert_workflow_agrees_with_store(driver)


async def test_a_command_whose_places_hold_other_facts_is_judged_again_on_them(driver):
    await driver.start()
    elsewhere = await stored_before_a_crash(driver, "AcceptProposal", "accept-elsewhere")

    # Valid on the workflow's state (the proposal still open), refused once the store's facts are folded.
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await driver.send("RefuseProposal", {"reason": "indisponible"}, command_id="refuse-1")
    assert refused.value.cause.details[0]["code"] == "proposal_not_awaiting_answer"

    assert types_of(assert_each_fact_once(driver.store, driver)) == ["MentorshipProposed", "ProposalAccepted"]
    await assert_workflow_agrees_with_store(driver)
    # The command the store held answers its (still waiting) delivery as a first answer, then as a repeat.
    first = await driver.send("AcceptProposal", command_id="accept-elsewhere")
    assert not first.repeated and [s.fact for s in first.facts] == elsewhere
    again = await driver.send("AcceptProposal", command_id="accept-elsewhere")
    assert again.repeated and again.positions == [2]
