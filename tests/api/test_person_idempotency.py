"""Registering a mentor or mentee again with the same Idempotency-Key: the same body gets the first answer, another
body is refused, and the store keeps one registration."""

import asyncio
import uuid

PERSON = {"name": "Anne", "email": "anne@example.org", "languages": ["fr"]}


def registrations(container, person_id: str) -> list:
    return container.store.read(uuid.UUID(person_id))


async def test_a_repeated_registration_gets_the_first_answer(api, container):
    first = await api.post("/mentors", PERSON, **{"Idempotency-Key": "hr-17"})
    await asyncio.sleep(0.01)  # a later repeat: the registration is not dated again
    again = await api.post("/mentors", PERSON, **{"Idempotency-Key": "hr-17"})

    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert again.headers["Location"] == first.headers["Location"] == f"/mentors/{first.json()['person_id']}"
    assert len(registrations(container, first.json()["person_id"])) == 1


async def test_the_same_key_with_another_body_is_refused(api, container):
    first = await api.post("/mentees", PERSON, **{"Idempotency-Key": "hr-18"})
    other = await api.post("/mentees", {**PERSON, "name": "Bilal"}, **{"Idempotency-Key": "hr-18"})

    assert first.status_code == 201
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused" and other.json()["field"] == "Idempotency-Key"
    [stored] = registrations(container, first.json()["person_id"])
    assert stored.fact.data["name"] == "Anne"


async def test_repeats_arriving_together_record_one_registration(api, container):
    answers = await asyncio.gather(*[api.post("/mentors", PERSON, **{"Idempotency-Key": "hr-19"}) for _ in range(20)])

    assert {a.status_code for a in answers} == {201}
    assert all(a.json() == answers[0].json() for a in answers)
    assert sum(a.headers.get("Idempotent-Replayed") == "true" for a in answers) == 19
    assert len(registrations(container, answers[0].json()["person_id"])) == 1


async def test_without_a_key_each_registration_is_a_new_person(api):
    first = await api.ok("/mentors", PERSON)
    second = await api.ok("/mentors", PERSON)
    assert first["person_id"] != second["person_id"]
    assert (await api.get("/mentors"))["total"] == 2
