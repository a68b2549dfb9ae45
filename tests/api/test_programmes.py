"""Programmes through the API: the default exists, others are created and changed as facts, each binôme runs under
its programme's settings as they were at its proposal, and every list filters by programme."""

import asyncio
from datetime import timedelta

import pytest

from domain.persons import PROPOSABLE_STEP
from tests.api.conftest import Api


async def person(api: Api, role: str, name: str, programme_id: str = "default", **extra) -> str:
    body = {"name": name, "programme_id": programme_id, "step": PROPOSABLE_STEP[role], **extra}
    return (await api.ok(f"/{role}s", body))["person_id"]


async def propose(api: Api, programme_id: str = "default") -> str:
    mentor = await person(api, "mentor", "Anne", programme_id)
    mentee = await person(api, "mentee", "Bilal", programme_id)
    return (await api.ok("/binomes", {"mentor_id": mentor, "mentee_id": mentee}))["binome_id"]


async def test_the_default_programme_exists_and_others_are_created_and_changed(api):
    default = await api.get("/programmes/default")
    assert (default["programme_id"], default["settings"]["proposal_response_days"]) == ("default", 7)

    created = await api.post("/programmes", {"programme_id": "bruxelles", "name": "Mentorat Bruxelles",
                                             "proposal_response_days": 3})
    assert created.status_code == 201 and created.headers["Location"] == "/programmes/bruxelles"
    changed = await api.http.patch("/programmes/bruxelles", json={"monitoring_interval_weeks": 4})
    assert changed.status_code == 200
    assert (changed.json()["settings"]["monitoring_interval_weeks"], changed.json()["name"]) == (4, "Mentorat Bruxelles")

    listed = await api.get("/programmes")
    assert [p["programme_id"] for p in listed] == ["bruxelles", "default"]


@pytest.mark.parametrize("body, status, code, field", [
    ({"programme_id": "Bruxelles Nord"}, 422, "invalid.string_pattern_mismatch", "programme_id"),
    ({"programme_id": "court", "proposal_response_days": 0}, 422, "setting_out_of_range", "proposal_response_days"),
    ({"programme_id": "court", "colour": "bleu"}, 422, "invalid.extra_forbidden", "colour"),
    ({"programme_id": "default"}, 409, "programme_exists", None),
])
async def test_a_bad_programme_is_refused_naming_the_field(api, body, status, code, field):
    answer = await api.post("/programmes", body)
    assert (answer.status_code, answer.json()["code"], answer.json()["field"]) == (status, code, field)


async def test_an_unknown_programme_is_not_found_and_cannot_take_persons(api):
    missing = await api.http.get("/programmes/nulle-part")
    assert (missing.status_code, missing.json()["code"]) == (404, "programme_not_found")
    refused = await api.post("/mentors", {"name": "Anne", "programme_id": "nulle-part"})
    assert (refused.status_code, refused.json()["code"], refused.json()["field"]) == (
        404, "programme_not_found", "programme_id")


async def test_two_programmes_with_different_delays_run_side_by_side(api):
    await api.ok("/programmes", {"programme_id": "court", "proposal_response_days": 3})
    in_default, in_court = await propose(api), await propose(api, "court")
    # A change of the programme's settings applies to the next binômes, never to a running one.
    await api.http.patch("/programmes/court", json={"proposal_response_days": 10})
    later_in_court = await propose(api, "court")

    await api.env.sleep(timedelta(days=4))
    await asyncio.sleep(1)

    async def stage(binome: str) -> str:
        return (await api.get(f"/binomes/{binome}"))["stage"]

    for _ in range(50):
        if await stage(in_court) == "proposal_expired":
            break
        await asyncio.sleep(0.1)
    assert [await stage(b) for b in (in_default, in_court, later_in_court)] == [
        "proposed", "proposal_expired", "proposed"]
    assert {b["binome_id"] for b in (await api.get("/binomes", programme_id="court"))["items"]} == {
        in_court, later_in_court}
    assert [t["binome_id"] for t in (await api.get("/tasks", programme_id="court"))["items"]] == [in_court]
    assert (await api.get("/tasks", programme_id="default"))["items"] == []
    assert (await api.get("/mentors", programme_id="court"))["total"] == 2
    assert (await api.get(f"/binomes/{later_in_court}"))["programme_id"] == "court"


async def test_a_mentor_and_a_mentee_of_different_programmes_are_not_paired(api):
    await api.ok("/programmes", {"programme_id": "wallonie"})
    mentor = await person(api, "mentor", "Anne")
    mentee = await person(api, "mentee", "Bilal", "wallonie")

    refused = await api.post("/binomes", {"mentor_id": mentor, "mentee_id": mentee})

    assert (refused.status_code, refused.json()["code"]) == (409, "pair_in_different_programmes")


async def test_a_persons_stream_is_not_a_binome(api):
    mentor = await person(api, "mentor", "Anne")
    answer = await api.http.get(f"/binomes/{mentor}/history")
    assert (answer.status_code, answer.json()["code"]) == (404, "binome_not_found")


async def test_a_profile_change_is_a_fact_and_a_larger_capacity_allows_a_second_binome(api):
    mentor = await person(api, "mentor", "Anne")
    first, second = await person(api, "mentee", "Bilal"), await person(api, "mentee", "Chloé")
    await api.ok("/binomes", {"mentor_id": mentor, "mentee_id": first})
    at_capacity = await api.post("/binomes", {"mentor_id": mentor, "mentee_id": second})
    assert (at_capacity.status_code, at_capacity.json()["code"], at_capacity.json()["params"]) == (
        409, "mentor_at_capacity", {"capacity": 1})

    changed = await api.http.patch(f"/mentors/{mentor}", json={"capacity": 2, "phone": "+32 470 00 00 00"},
                                   headers={"Idempotency-Key": "chg-1"})
    assert changed.status_code == 200 and (changed.json()["capacity"], changed.json()["phone"]) == (
        2, "+32 470 00 00 00")
    again = await api.http.patch(f"/mentors/{mentor}", json={"capacity": 2, "phone": "+32 470 00 00 00"},
                                 headers={"Idempotency-Key": "chg-1"})
    assert again.headers["Idempotent-Replayed"] == "true"
    await api.ok("/binomes", {"mentor_id": mentor, "mentee_id": second})
    unknown = await api.http.patch(f"/mentees/{mentor}", json={"phone": "1"})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "mentee_not_found")
    capacity_of_mentee = await api.http.patch(f"/mentees/{first}", json={"capacity": 2})
    assert (capacity_of_mentee.status_code, capacity_of_mentee.json()["field"]) == (422, "capacity")
