"""Matching from the pages: the waiting mentees, a mentee's suggestions with their reasons, a proposal in one click,
and the cohort draft from made to proposed."""

import re

PASSWORD = "un mot de passe assez long"
PROFILE = {"sectors": ["H"], "language_levels": {"fr": "native"}, "meeting_mode": "either"}


async def matchable(api, role: str, name: str) -> str:
    """At the end of their journey, with a profile that speaks French (the mandatory criterion)."""
    person_id = await api.person(role, name)
    changed = await api.http.patch(f"/{role}s/{person_id}/profile", json=PROFILE)
    assert changed.status_code == 200, changed.text
    return person_id


async def _claire(api, pages) -> None:
    await api.ok("/accounts", {"username": "claire", "role": "coordinator", "programmes": ["default"],
                               "password": PASSWORD})
    await pages.login("claire", PASSWORD)


async def test_a_suggestion_is_proposed_from_the_mentees_page(api, pages):
    mentors = [await matchable(api, "mentor", name) for name in ("Anne", "Bruno")]
    mentee = await matchable(api, "mentee", "Chloé")
    await _claire(api, pages)
    home = await pages.get("/app/matching")
    assert home.status_code == 200 and f'/app/matching/mentees/{mentee}">Chloé' in home.text
    suggestions = await pages.get(f"/app/matching/mentees/{mentee}")
    assert suggestions.status_code == 200
    assert all(f'data-mentor="{m}"' in suggestions.text for m in mentors)
    assert "Langues" in suggestions.text  # each criterion's line, in the reader's language
    key = re.search(rf'name="idempotency_key" value="([^"]+)">\s*<input type="hidden" name="mentor_id" '
                    rf'value="{mentors[1]}"', suggestions.text).group(1)
    form = {"mentor_id": mentors[1], "mentee_id": mentee, "note": "Même quartier", "idempotency_key": key}
    proposed = await pages.post("/app/matching/proposals", form)
    assert proposed.status_code == 303 and proposed.headers["location"].startswith("/app/binomes/")
    binome = proposed.headers["location"].rsplit("/", 1)[1]
    again = await pages.post("/app/matching/proposals", form)
    assert again.headers["location"] == proposed.headers["location"]  # the same form twice: one proposal
    history = await api.get(f"/binomes/{binome}/history")
    assert [f["type"] for f in history["facts"]][:2] == ["MentorshipProposed", "PairMatched"]
    assert history["facts"][0]["data"]["mentor_id"] == mentors[1]
    assert history["facts"][1]["data"]["source"] == "suggestion"
    waiting = await pages.get("/app/matching")
    assert "Chloé" not in waiting.text  # proposed: no longer waiting


async def test_a_cohort_draft_is_made_trimmed_and_proposed(api, pages):
    for name in ("Anne", "Bruno"):
        await matchable(api, "mentor", name)
    mentees = [await matchable(api, "mentee", name) for name in ("Chloé", "David")]
    await _claire(api, pages)
    await pages.get("/app/matching")
    made = await pages.post("/app/matching/drafts", {"idempotency_key": "draft-key-0001"})
    assert made.status_code == 303
    draft_path = made.headers["location"]
    draft = await pages.get(draft_path)
    assert all(f'data-mentee="{m}"' in draft.text for m in mentees)
    removed = await pages.post(f"{draft_path}/removals", {"mentee_id": mentees[0]})
    assert removed.status_code == 303
    draft = await pages.get(draft_path)
    assert f'data-mentee="{mentees[0]}"' not in draft.text
    batch = await pages.post(f"{draft_path}/proposals", {"mentee_ids": [mentees[1]]})
    assert batch.headers["location"].endswith("?proposed=1&refused=0")
    draft = await pages.get(batch.headers["location"])
    proposed_row = re.search(rf'<tr data-mentee="{mentees[1]}">.*?</tr>', draft.text, re.S).group(0)
    assert "/app/binomes/" in proposed_row and "Proposé au mentor" in proposed_row
    listed = await api.get("/binomes", mentee_id=mentees[1])
    assert listed["total"] == 1


async def test_matching_is_for_staff_of_the_programme(api, pages):
    mentee = await matchable(api, "mentee", "Chloé")
    await api.ok("/programmes", {"programme_id": "bxl", "name": "Bruxelles"})
    await api.ok("/accounts", {"username": "piet", "role": "coordinator", "programmes": ["bxl"],
                               "password": PASSWORD})
    await pages.login("piet", PASSWORD)
    assert (await pages.get(f"/app/matching/mentees/{mentee}")).status_code == 404
    assert "Chloé" not in (await pages.get("/app/matching")).text


async def test_a_mentor_is_proposed_a_mentee_from_the_mentors_side(api, pages):
    mentor = await matchable(api, "mentor", "Anne")
    mentees = [await matchable(api, "mentee", name) for name in ("Chloé", "David")]
    await _claire(api, pages)
    record = (await pages.get(f"/app/mentors/{mentor}")).text
    assert f'href="/app/matching/mentors/{mentor}"' in record
    suggestions = await pages.get(f"/app/matching/mentors/{mentor}")
    assert suggestions.status_code == 200 and all(f'data-mentee="{m}"' in suggestions.text for m in mentees)
    assert "Mentees suggérés pour Anne" in suggestions.text
    form = re.search(rf'<form[^>]*action="/app/matching/proposals".*?value="{mentees[1]}".*?</form>',
                     suggestions.text, re.S).group(0)
    hidden = dict(re.findall(r'name="(idempotency_key|mentor_id|mentee_id)" value="([^"]+)"', form))
    assert hidden["mentor_id"] == mentor and hidden["mentee_id"] == mentees[1]
    proposed = await pages.post("/app/matching/proposals", hidden)
    assert proposed.status_code == 303
    binome = await api.get(f"/binomes/{proposed.headers['location'].rsplit('/', 1)[1]}")
    assert (binome["mentor_id"], binome["mentee_id"]) == (mentor, mentees[1])


async def test_two_pairs_of_a_draft_swap_their_mentors(api, pages):
    mentors = [await matchable(api, "mentor", name) for name in ("Anne", "Bruno")]
    mentees = [await matchable(api, "mentee", name) for name in ("Chloé", "David")]
    await _claire(api, pages)
    await pages.get("/app/matching")
    draft_path = (await pages.post("/app/matching/drafts", {"idempotency_key": "draft-key-0002"})).headers["location"]
    before = (await api.get(f"/matching/drafts/{draft_path.rsplit('/', 1)[1]}"))
    paired = {pair["mentee_id"]: pair["mentor_id"] for pair in before["pairs"]}
    assert set(paired) == set(mentees) and set(paired.values()) == set(mentors)
    page = (await pages.get(draft_path)).text
    assert 'action="' + draft_path + '/swaps"' in page
    same = await pages.post(f"{draft_path}/swaps", {"first": mentees[0], "second": mentees[0]})
    assert same.status_code == 422
    swapped = await pages.post(f"{draft_path}/swaps", {"first": mentees[0], "second": mentees[1],
                                                       "idempotency_key": "swap-key-0001"})
    assert swapped.status_code == 303
    after = (await api.get(f"/matching/drafts/{draft_path.rsplit('/', 1)[1]}"))
    assert {pair["mentee_id"]: pair["mentor_id"] for pair in after["pairs"]} == {
        mentees[0]: paired[mentees[1]], mentees[1]: paired[mentees[0]]}
