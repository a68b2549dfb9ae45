"""The rules across binômes, through real workflows and a real store: the persons' places are taken and freed
with the binôme's facts, and proposals racing for one mentee record exactly one binôme."""

import asyncio
import uuid
from datetime import timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError

from domain import persons
from tests.support.driver import BinomeDriver


def person_facts(store, person_id: str) -> list:
    return [r.fact for r in store.read(uuid.UUID(person_id), category="person")]


def open_binomes(store, person_id: str) -> dict[str, str]:
    return persons.fold(person_id, person_facts(store, person_id)).open_binomes


def new_driver(env, task_queue, store) -> BinomeDriver:
    return BinomeDriver(env.client, task_queue, env=env, store=store)


async def test_racing_proposals_of_one_mentee_record_exactly_one_binome(time_skipping_env, task_queue, worker, store):
    first = new_driver(time_skipping_env, task_queue, store)
    mentee = first.register("mentee")
    drivers = [first] + [new_driver(time_skipping_env, task_queue, store) for _ in range(11)]

    outcomes = await asyncio.gather(*(d.start(mentee_id=mentee) for d in drivers), return_exceptions=True)

    recorded = [d for d, outcome in zip(drivers, outcomes) if not isinstance(outcome, BaseException)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
    assert len(recorded) == 1, outcomes
    assert all(isinstance(error, WorkflowUpdateFailedError) for error in refused), refused
    assert {(e.cause.type, e.cause.details[0]["code"]) for e in refused} == {("NotAllowed", "mentee_already_in_binome")}
    winner = recorded[0]
    assert open_binomes(store, mentee) == {winner.binome_id: (await winner.state())["mentor_id"]}
    for loser in drivers:
        if loser is not winner:
            assert store.read(loser.stream_id) == []


async def test_an_expired_proposal_frees_the_mentee_and_the_mentor(time_skipping_env, task_queue, worker, store):
    first = new_driver(time_skipping_env, task_queue, store)
    mentor, mentee = first.register("mentor"), first.register("mentee")
    await first.start(mentor_id=mentor, mentee_id=mentee)
    second = new_driver(time_skipping_env, task_queue, store)
    with pytest.raises(WorkflowUpdateFailedError) as busy:
        await second.start(mentor_id=mentor, mentee_id=second.register("mentee"))
    assert busy.value.cause.details[0]["code"] == "mentor_at_capacity"

    await time_skipping_env.sleep(timedelta(days=7, hours=1))
    assert (await first.handle.result())["stage"] == "proposal_expired"

    assert [f.type for f in person_facts(store, mentee)] == ["MenteeRegistered", "BinomeJoined", "BinomeLeft"]
    assert person_facts(store, mentee)[-1].data == {"binome_id": first.binome_id, "reason": "proposal_expired"}
    third = new_driver(time_skipping_env, task_queue, store)
    await third.start(mentor_id=mentor, mentee_id=mentee)
    assert open_binomes(store, mentor) == {third.binome_id: mentee}


async def test_a_proposal_of_unknown_persons_is_refused_and_records_nothing(time_skipping_env, task_queue, worker,
                                                                            store):
    driver = new_driver(time_skipping_env, task_queue, store)
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await driver.start(mentor_id=str(uuid.uuid4()), mentee_id=driver.register("mentee"))
    assert (refused.value.cause.type, refused.value.cause.details[0]["field"]) == ("NotFound", "mentor_id")
    assert store.read(driver.stream_id) == []
