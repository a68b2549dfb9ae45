"""Matching through the API, end to end (the real worker, the time-skipping server): suggestions explained in the
reader's language and within the rules across binômes, a proposal that records why matching made the pair, a
refused pair never suggested again with a task for the staff, cohort drafts reviewed, changed and proposed, the
programme's criteria as facts, and roles and programmes kept apart."""

from datetime import datetime, timedelta, timezone

import pytest

from tests.api.test_scoped_reads import until

BRUSSELS, IXELLES, LIEGE, OSTEND = "21004", "21009", "62063", "35013"
MENTEE_PROFILE = {"sectors": ["H"], "function": "Gestionnaire de stock", "language_levels": {"fr": "native"},
                  "meeting_mode": "in_person", "municipality": BRUSSELS, "availability": ["mon_am", "wed_pm"],
                  "birth_date": "1990-05-01"}
NEAR_SAME_SECTOR = {"sectors": ["H"], "function": "Responsable de stock", "language_levels": {"fr": "C1"},
                    "meeting_mode": "either", "municipality": IXELLES, "availability": ["mon_am", "wed_pm"],
                    "birth_date": "1985-02-01"}
FAR_OTHER_SECTOR = {"sectors": ["C"], "language_levels": {"fr": "B2"}, "meeting_mode": "in_person",
                    "municipality": OSTEND, "birth_date": "1960-02-01"}
DUTCH_ONLY = {**NEAR_SAME_SECTOR, "language_levels": {"nl": "native"}}


@pytest.fixture
def store_kind() -> str:
    return "sqlite"  # the candidate reads are plain SQL over the views, checked on PostgreSQL in test_scoped_reads


async def person(api, role: str, name: str, profile: dict, programme_id: str = "default", step: str | None = None,
                 capacity: int | None = None) -> str:
    body = {"name": name, "programme_id": programme_id, "step": step or ("ready" if role == "mentor" else "selected")}
    if capacity:
        body["capacity"] = capacity
    person_id = (await api.ok(f"/{role}s", body))["person_id"]
    changed = await api.http.patch(f"/{role}s/{person_id}/profile", json=profile)
    assert changed.status_code == 200, changed.text
    return person_id


async def history(api, binome_id: str) -> list[dict]:
    return (await api.get(f"/binomes/{binome_id}/history"))["facts"]


async def test_suggestions_for_a_mentee_are_explained_ranked_and_within_the_rules(api):
    mentee = await person(api, "mentee", "Bilal", MENTEE_PROFILE)
    near = await person(api, "mentor", "Anne", NEAR_SAME_SECTOR)
    far = await person(api, "mentor", "Bruno", FAR_OTHER_SECTOR)
    await person(api, "mentor", "Dirk", DUTCH_ONLY)  # the mandatory language criterion fails
    await person(api, "mentor", "Eva", NEAR_SAME_SECTOR, step="interviewed")  # not trained yet
    paused = await person(api, "mentor", "Fatou", NEAR_SAME_SECTOR)
    await api.ok(f"/mentors/{paused}/pause", {"until": (datetime.now(timezone.utc) + timedelta(days=30)).isoformat()})
    full = await person(api, "mentor", "Gilles", NEAR_SAME_SECTOR)
    await api.ok("/binomes", {"mentor_id": full, "mentee_id": await person(api, "mentee", "Hugo", MENTEE_PROFILE)})

    answer = await api.http.get(f"/mentees/{mentee}/suggestions", headers={"Accept-Language": "nl"})

    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert [item["person_id"] for item in found["items"]] == [near, far]
    assert found["items"][0]["score"] > found["items"][1]["score"]
    for item in found["items"]:
        assert sum(line["points"] for line in item["lines"]) == item["score"]
        assert all(line["holds"] for line in item["lines"] if line["mandatory"])
    sector = next(line for line in found["items"][0]["lines"] if line["criterion"] == "sector")
    assert (sector["label"], sector["text"]) == ("Sector", "Gemeenschappelijke sector(en) (NACE): H.")
    geography = next(line for line in found["items"][1]["lines"] if line["criterion"] == "geography")
    assert not geography["holds"] and geography["params"]["km"] > 50
    assert found["available"] == 3  # Anne, Bruno and Dirk may be proposed now (Dirk, not with this mentee)

    for_mentor = await api.get(f"/mentors/{near}/suggestions")
    assert [item["person_id"] for item in for_mentor["items"]] == [mentee]  # Hugo is in a binôme already
    busy = await api.http.get(f"/mentors/{full}/suggestions")
    assert (busy.status_code, busy.json()["code"]) == (409, "mentor_at_capacity")

    # A profile changed is matched as it now stands (the mentors' pool is rebuilt).
    better = {**NEAR_SAME_SECTOR, "function": "Gestionnaire de stock"}
    moved = await api.http.patch(f"/mentors/{far}/profile", json=better)
    assert moved.status_code == 200
    now = (await api.get(f"/mentees/{mentee}/suggestions"))["items"]
    assert now[0]["person_id"] == far and now[0]["score"] > found["items"][0]["score"]


async def test_a_proposal_from_a_suggestion_records_its_decision_and_a_refused_pair_is_not_suggested_again(api):
    mentee = await person(api, "mentee", "Bilal", MENTEE_PROFILE)
    near = await person(api, "mentor", "Anne", NEAR_SAME_SECTOR)
    far = await person(api, "mentor", "Bruno", FAR_OTHER_SECTOR)
    best = (await api.get(f"/mentees/{mentee}/suggestions"))["items"][0]

    proposed = await api.ok("/matching/proposals", {"mentor_id": near, "mentee_id": mentee},
                            **{"Idempotency-Key": "first-choice"})

    binome = proposed["binome_id"]
    assert [fact["type"] for fact in proposed["recorded"]] == ["MentorshipProposed", "PairMatched"]
    decision = (await history(api, binome))[1]
    assert decision["type"] == "PairMatched" and decision["actor"].startswith("staff:")
    assert decision["data"]["source"] == "suggestion" and decision["data"]["score"] == best["score"]
    assert decision["data"]["criteria"]["languages"] == {"mandatory": True, "weight": 15}
    assert [line["points"] for line in decision["data"]["lines"]] == [line["points"] for line in best["lines"]]
    again = await api.post("/matching/proposals", {"mentor_id": near, "mentee_id": mentee},
                           **{"Idempotency-Key": "first-choice"})
    assert (again.status_code, again.headers.get("Idempotent-Replayed"), again.json()["binome_id"]) == (
        201, "true", binome)

    await api.ok(f"/binomes/{binome}/proposal/refuse", {"reason": "Pas disponible ce semestre"},
                 **api.as_("mentor", near))

    tasks = (await api.get("/tasks", kind="suggestions_ready"))["items"]
    assert [(task["binome_id"], task["person_id"]) for task in tasks] == [(binome, mentee)]
    after = await api.get(f"/mentees/{mentee}/suggestions")
    assert [item["person_id"] for item in after["items"]] == [far] and after["excluded_before"] == 1
    why = await api.get(f"/matching/pairs/{near}/{mentee}")
    assert not why["may_be_proposed"]
    assert [reason["code"] for reason in why["reasons"]] == ["pair_refused_before"]
    refused_again = await api.post("/matching/proposals", {"mentor_id": near, "mentee_id": mentee})
    assert (refused_again.status_code, refused_again.json()["code"]) == (409, "pair_refused_before")

    await api.ok("/matching/proposals", {"mentor_id": far, "mentee_id": mentee})
    assert (await api.get("/tasks", kind="suggestions_ready"))["items"] == []  # the new proposal answers it


async def test_a_cohort_draft_is_optimal_reviewed_changed_and_proposed(api):
    mentees = [await person(api, "mentee", f"Mentee {n}", MENTEE_PROFILE) for n in range(3)]
    anne = await person(api, "mentor", "Anne", NEAR_SAME_SECTOR, capacity=2)
    bruno = await person(api, "mentor", "Bruno", FAR_OTHER_SECTOR)
    await person(api, "mentor", "Dirk", DUTCH_ONLY)

    made = await api.ok("/matching/drafts", {"programme_id": "default"}, **{"Idempotency-Key": "cohort-1"})

    draft = made["draft_id"]
    pairs = {pair["mentee_id"]: pair["mentor_id"] for pair in made["pairs"]}
    assert sorted(pairs.values()) == sorted([anne, anne, bruno])  # every place filled, Dirk never (languages)
    assert made["unmatched"] == [] and made["total_score"] == sum(pair["score"] for pair in made["pairs"])
    repeat = await api.post("/matching/drafts", {"programme_id": "default"}, **{"Idempotency-Key": "cohort-1"})
    assert (repeat.json()["draft_id"], repeat.headers.get("Idempotent-Replayed")) == (draft, "true")
    with_bruno = next(mentee for mentee, mentor in pairs.items() if mentor == bruno)
    with_anne = sorted(mentee for mentee, mentor in pairs.items() if mentor == anne)
    why = await api.get(f"/matching/pairs/{bruno}/{with_anne[0]}", draft_id=draft)
    assert (why["in_draft"], [reason["code"] for reason in why["reasons"]]) == (False, ["mentee_paired_elsewhere",
                                                                                      "mentor_places_taken"])

    swapped = await api.ok(f"/matching/drafts/{draft}/swaps", {"mentee_ids": [with_bruno, with_anne[0]]})
    now = {pair["mentee_id"]: pair["mentor_id"] for pair in swapped["pairs"]}
    assert (now[with_bruno], now[with_anne[0]]) == (anne, bruno)
    removed = await api.ok(f"/matching/drafts/{draft}/removals", {"mentee_id": with_anne[1]})
    assert with_anne[1] not in {pair["mentee_id"] for pair in removed["pairs"]} and removed["removed"] == 1
    why_removed = await api.get(f"/matching/pairs/{anne}/{with_anne[1]}", draft_id=draft)
    assert [reason["code"] for reason in why_removed["reasons"]] == ["draft_pair_removed"]

    proposed = await api.ok(f"/matching/drafts/{draft}/proposals", {"mentee_ids": sorted(
        p["mentee_id"] for p in removed["pairs"])})

    assert proposed["remaining"] == 0
    assert [(r["mentee_id"], r["code"]) for r in proposed["results"]] == [
        (m, None) for m in sorted([with_bruno, with_anne[0]])]
    binomes = {r["mentee_id"]: r["binome_id"] for r in proposed["results"]}
    decision = (await history(api, binomes[with_anne[0]]))[1]["data"]
    assert (decision["source"], decision["draft_id"]) == ("draft", draft)
    assert decision["draft_score"] == next(p["score"] for p in swapped["pairs"] if p["mentee_id"] == with_anne[0])
    shown = await api.get(f"/matching/drafts/{draft}")
    assert {p["mentee_id"]: p["binome_id"] for p in shown["pairs"]} == binomes and shown["proposed"] == 2
    late = await api.post(f"/matching/drafts/{draft}/removals", {"mentee_id": with_bruno})
    assert (late.status_code, late.json()["code"]) == (409, "draft_pair_proposed")
    again = await api.ok(f"/matching/drafts/{draft}/proposals", {"mentee_ids": [with_bruno]})
    assert again["results"][0]["binome_id"] == binomes[with_bruno]  # the same binôme, nothing more
    assert len((await api.get("/binomes", mentee_id=with_bruno))["items"]) == 1


async def test_the_programme_chooses_its_criteria_and_a_change_is_a_fact(api):
    mentee = await person(api, "mentee", "Bilal", MENTEE_PROFILE)
    near = await person(api, "mentor", "Anne", NEAR_SAME_SECTOR)
    await person(api, "mentor", "Bruno", FAR_OTHER_SECTOR)
    criteria = {"sector": {"mandatory": True, "weight": 50}, "languages": {"mandatory": True, "weight": 0},
                "geography": {"mandatory": False, "weight": 50}}

    changed = await api.http.patch("/programmes/default", json={"matching_criteria": criteria})

    assert changed.status_code == 200 and changed.json()["settings"]["matching_criteria"] == criteria
    found = (await api.get(f"/mentees/{mentee}/suggestions"))["items"]
    assert [(item["person_id"], [line["criterion"] for line in item["lines"]]) for item in found] == [
        (near, ["sector", "languages", "geography"])]
    assert found[0]["score"] == 100
    bad = await api.http.patch("/programmes/default", json={"matching_criteria": {"sector": {"mandatory": True,
                                                                                            "weight": 0}}})
    assert (bad.status_code, bad.json()["code"]) == (422, "matching_weights_zero")
    unknown = await api.http.patch("/programmes/default", json={"matching_criteria": {"astrology": {
        "mandatory": False, "weight": 5}}})
    assert unknown.status_code == 422 and unknown.json()["field"].startswith("matching_criteria")


async def test_staff_of_another_programme_and_other_roles_see_no_suggestion(api):
    await api.ok("/programmes", {"programme_id": "other", "name": "Autre"})
    mentee = await person(api, "mentee", "Bilal", MENTEE_PROFILE)
    mentor = await person(api, "mentor", "Anne", NEAR_SAME_SECTOR)
    await person(api, "mentor", "Zoé", NEAR_SAME_SECTOR, programme_id="other")
    draft = (await api.ok("/matching/drafts", {"programme_id": "default"}))["draft_id"]
    stranger = api.as_("coordinator", "c-other", programmes=("other",))
    coordinator = api.as_("coordinator", "c-default", programmes=("default",))

    for path in (f"/mentees/{mentee}/suggestions", f"/mentors/{mentor}/suggestions",
                 f"/matching/pairs/{mentor}/{mentee}", f"/matching/drafts/{draft}"):
        answer = await api.http.get(path, headers=stranger)
        assert answer.status_code == 404, (path, answer.text)
        assert (await api.http.get(path, headers=api.as_("mentee", mentee))).status_code == 403
    own = await api.http.get(f"/mentees/{mentee}/suggestions", headers=coordinator)
    assert [item["person_id"] for item in own.json()["items"]] == [mentor]  # never Zoé, of the other programme
    assert (await api.http.get(f"/matching/drafts/{draft}", headers=coordinator)).status_code == 200

    # Suggestions and drafts name people: reading them is logged, for both sides.
    logged = await until(lambda: api.get("/audit/personal-data-reads", reader="staff:c-default"),
                         lambda page: page["total"] == 4)
    assert sorted((row["person_id"], row["what"]) for row in logged["items"]) == sorted([
        (mentee, "matching.suggestions"), (mentor, "matching.suggestions"), (mentee, "matching.draft"),
        (mentor, "matching.draft")])
    foreign = await api.http.post("/matching/drafts", json={"programme_id": "default"}, headers=stranger)
    assert foreign.status_code == 404
