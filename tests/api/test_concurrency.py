"""A hundred deliveries at once on one binôme, through the API, on the real dev server (it enforces Temporal's
limit of 10 in-flight updates per workflow; the time-skipping server may not): never a 500, never a command
recorded twice, never a recorded command hidden behind an error."""

import asyncio
import uuid
from collections import Counter

import pytest

pytestmark = pytest.mark.slow
DELIVERIES = 100


def meetings_by_command(container, binome: str) -> Counter:
    facts = container.store.read(uuid.UUID(binome))
    return Counter(f.fact.command_id for f in facts if f.fact.type == "MeetingHeld")


async def test_one_key_delivered_a_hundred_times_at_once_is_recorded_once_and_answered_alike(live_api, container):
    binome = await live_api.through_intake()
    body = {"mode": "video", "notes": "Relecture du CV"}
    answers = await asyncio.gather(*[
        live_api.post(f"/binomes/{binome}/meetings", body, **{"Idempotency-Key": "agenda-7"})
        for _ in range(DELIVERIES)])

    assert {a.status_code for a in answers} == {201}, Counter(a.status_code for a in answers)
    assert all(a.json() == answers[0].json() for a in answers)
    assert [a.json()["recorded"][0]["type"] for a in answers[:1]] == ["MeetingHeld"]
    replayed = [a for a in answers if a.headers.get("Idempotent-Replayed") == "true"]
    assert len(replayed) == DELIVERIES - 1
    assert meetings_by_command(container, binome) == {"agenda-7": 1}


async def test_a_hundred_distinct_commands_at_once_are_each_recorded_once(live_api, container):
    binome = await live_api.through_intake()
    path = f"/binomes/{binome}/meetings"

    def send(n: int):
        return live_api.post(path, {"mode": "in_person", "notes": f"rencontre {n}"}, **{"Idempotency-Key": f"m-{n}"})

    answers = dict(zip(range(DELIVERIES), await asyncio.gather(*[send(n) for n in range(DELIVERIES)])))

    assert all(a.status_code in (201, 429, 503) for a in answers.values()), \
        Counter(a.status_code for a in answers.values())
    recorded = meetings_by_command(container, binome)
    for n, answer in answers.items():
        if answer.status_code == 201:
            assert answer.json()["recorded"][0]["command_id"] == f"m-{n}"
            assert recorded[f"m-{n}"] == 1
        else:
            assert int(answer.headers["Retry-After"]) > 0
            assert answer.json()["code"] in ("binome_busy", "command_pending")

    # Whatever was not answered 201 is resent with its key until it is: each ends up recorded exactly once.
    for _ in range(20):
        waiting = [n for n, a in answers.items() if a.status_code != 201]
        if not waiting:
            break
        for n, answer in zip(waiting, await asyncio.gather(*[send(n) for n in waiting])):
            assert answer.status_code in (201, 429, 503), answer.text
            answers[n] = answer
    assert all(a.status_code == 201 for a in answers.values())
    assert meetings_by_command(container, binome) == {f"m-{n}": 1 for n in range(DELIVERIES)}
