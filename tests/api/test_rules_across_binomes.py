"""The rules across binômes through the API under concurrency, on the real dev server: fifty proposals of one
mentee at once record exactly one binôme; the others are refused with the reason, and nothing of theirs is kept."""

import asyncio
import uuid
from collections import Counter

import pytest

from domain import persons

pytestmark = pytest.mark.slow
PROPOSALS = 50


async def test_fifty_proposals_of_one_mentee_at_once_record_exactly_one(live_api, container):
    mentee = (await live_api.ok("/mentees", {"name": "Bilal", "step": "selected"}))["person_id"]
    mentors = [(await live_api.ok("/mentors", {"name": f"Mentor {n}", "step": "ready"}))["person_id"]
               for n in range(PROPOSALS)]

    answers = await asyncio.gather(*[
        live_api.post("/binomes", {"mentor_id": mentor, "mentee_id": mentee}) for mentor in mentors])

    statuses = Counter(answer.status_code for answer in answers)
    assert statuses == {201: 1, 409: PROPOSALS - 1}, statuses
    refusals = {(a.json()["code"], a.json()["params"]["binome_id"]) for a in answers if a.status_code == 409}
    (winner,) = [a.json()["binome_id"] for a in answers if a.status_code == 201]
    assert refusals == {("mentee_already_in_binome", winner)}
    mentee_facts = [r.fact for r in container.store.read(uuid.UUID(mentee))]
    assert [f.type for f in mentee_facts] == ["MenteeRegistered", "BinomeJoined"]
    assert persons.fold(mentee, mentee_facts).open_binomes.keys() == {winner}
    listed = (await live_api.get("/binomes", mentee_id=mentee))["items"]
    assert [b["binome_id"] for b in listed] == [winner]
