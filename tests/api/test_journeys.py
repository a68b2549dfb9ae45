"""The journeys before the binôme through the API, on both stores: a mentor from candidate to ready, a mentee from
referral to selection, the matching profile, the journey as facts, the pipelines, and the proposal's gate."""

from datetime import datetime, timedelta, timezone

from tests.api.conftest import Api

ANSWERS = {"situation": "Sans emploi depuis 8 mois", "project": "Magasinier", "obstacles": "Pas de réseau",
           "expectations": "Préparer les entretiens", "availability": "En semaine"}
SELECTED = {"criteria": {"available_full_time": True, "wants_mentoring": True, "professional_project": True},
            "selected": True}


async def ready_mentor(api: Api, name: str = "Anne") -> str:
    mentor = (await api.ok("/mentors", {"name": name, "background": "self_employed"}))["person_id"]
    await api.ok(f"/mentors/{mentor}/information-session", {"occurred_at": "2026-01-05T09:00:00+01:00"})
    await api.ok(f"/mentors/{mentor}/preparation-interview", {"motivations": "Transmettre",
                                                             "profile": {"sectors": ["H"]}})
    await api.ok(f"/mentors/{mentor}/training", {"duration_minutes": 210})
    return mentor


async def selected_mentee(api: Api, name: str = "Bilal") -> str:
    if (await api.http.get("/organisations/actiris")).status_code == 404:
        await api.organisation("actiris", "isp")
    mentee = (await api.ok("/mentees", {"name": name, "organisation_id": "actiris", "adviser": "Marc Dubois"}))[
        "person_id"]
    await api.ok(f"/mentees/{mentee}/presentation")
    await api.ok(f"/mentees/{mentee}/selection-interview", {
        "answers": ANSWERS, "profile": {"municipality": "21004", "postal_code": "1000", "months_out_of_work": 8}})
    await api.ok(f"/mentees/{mentee}/selection-decision", SELECTED)
    return mentee


async def test_a_mentor_walks_the_journey_to_ready_and_each_step_is_a_fact_with_who_and_when(api):
    mentor = (await api.ok("/mentors", {"name": "Anne", "background": "self_employed"}))
    assert (mentor["step"], mentor["step_label"]) == ("candidate", "Candidat")
    mentor_id = mentor["person_id"]

    answer = await api.ok(f"/mentors/{mentor_id}/preparation-interview", {
        "combined_with_information_session": True, "motivations": "Transmettre", "commitment_limits": "Pas le soir",
        "profile": {"sectors": ["H"], "language_levels": {"fr": "native", "nl": "B2"}}})
    assert [f["type"] for f in answer["recorded"]] == ["PreparationInterviewHeld", "MatchingProfileChanged"]
    assert answer["person"]["step"] == "interviewed"
    assert answer["person"]["profile"] == {"sectors": ["H"], "language_levels": {"fr": "native", "nl": "B2"}}
    trained = await api.ok(f"/mentors/{mentor_id}/training", {"occurred_at": "2026-02-02T13:00:00+01:00"})
    assert (trained["person"]["step"], trained["person"]["step_since"]) == ("ready", "2026-02-02T12:00:00Z")

    journey = await api.get(f"/mentors/{mentor_id}/journey")
    assert [(f["type"], f["actor"]) for f in journey["facts"]] == [
        ("MentorRegistered", "staff:test-admin"), ("PreparationInterviewHeld", "staff:test-admin"),
        ("MatchingProfileChanged", "staff:test-admin"), ("TrainingAttended", "staff:test-admin")]
    assert journey["facts"][1]["data"]["commitment_limits"] == "Pas le soir"
    assert (await api.get(f"/mentors/{mentor_id}"))["step"] == "ready"


async def test_a_step_out_of_order_is_a_409_in_the_readers_language_and_records_nothing(api):
    mentor = (await api.ok("/mentors", {"name": "Anne"}))["person_id"]

    refused = await api.http.post(f"/mentors/{mentor}/training", json={}, headers={"Accept-Language": "nl"})

    assert refused.status_code == 409
    assert refused.json()["code"] == "journey_step_not_now"
    assert "De opleiding" in refused.json()["message"] and "Kandidaat" in refused.json()["message"]
    assert len((await api.get(f"/mentors/{mentor}/journey"))["facts"]) == 1


async def test_a_repeated_step_with_its_key_records_nothing_more(api):
    mentor = (await api.ok("/mentors", {"name": "Anne"}))["person_id"]

    first = await api.post(f"/mentors/{mentor}/information-session", {}, **{"Idempotency-Key": "info-anne"})
    again = await api.post(f"/mentors/{mentor}/information-session", {}, **{"Idempotency-Key": "info-anne"})

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["recorded"] == first.json()["recorded"]
    assert len((await api.get(f"/mentors/{mentor}/journey"))["facts"]) == 2


async def test_a_mentee_is_referred_interviewed_on_the_template_and_selected_then_proposed(api):
    mentor = await ready_mentor(api)
    mentee = await selected_mentee(api)

    person = await api.get(f"/mentees/{mentee}")
    assert (person["step"], person["organisation_id"], person["adviser"]) == ("selected", "actiris", "Marc Dubois")
    assert person["profile"] == {"municipality": "21004", "postal_code": "1000", "months_out_of_work": 8}
    proposed = await api.post("/binomes", {"mentor_id": mentor, "mentee_id": mentee})
    assert proposed.status_code == 201, proposed.text


async def test_a_proposal_is_refused_for_a_mentee_not_selected_and_a_mentor_not_ready_or_paused(api):
    mentor = await ready_mentor(api)
    mentee = (await api.ok("/mentees", {"name": "Bilal"}))["person_id"]
    candidate = (await api.ok("/mentors", {"name": "Chloé"}))["person_id"]
    selected = await selected_mentee(api, "Dina")

    for body, code, field in (({"mentor_id": mentor, "mentee_id": mentee}, "mentee_not_selected", "mentee_id"),
                              ({"mentor_id": candidate, "mentee_id": selected}, "mentor_not_ready", "mentor_id")):
        refused = await api.post("/binomes", body)
        assert refused.status_code == 409, refused.text
        assert (refused.json()["code"], refused.json()["field"]) == (code, field)

    until = (datetime.now(timezone.utc) + timedelta(days=30)).isoformat()
    await api.ok(f"/mentors/{mentor}/pause", {"until": until, "reason": "Congé parental"})
    paused = await api.post("/binomes", {"mentor_id": mentor, "mentee_id": selected})
    assert (paused.status_code, paused.json()["code"]) == (409, "mentor_paused")
    await api.ok(f"/mentors/{mentor}/resume")
    assert (await api.post("/binomes", {"mentor_id": mentor, "mentee_id": selected})).status_code == 201


async def test_bad_profile_values_get_a_422_naming_the_field_and_record_nothing(api):
    mentee = (await api.ok("/mentees", {"name": "Bilal"}))["person_id"]

    for changes, status, field, code in (
            ({"postal_code": "0999"}, 422, "postal_code", "postal_code_unknown"),
            ({"sectors": ["Z"]}, 422, "sectors.0", "invalid.literal_error"),
            ({"birth_date": "1999-02-30"}, 422, "birth_date", "invalid.date_from_datetime_parsing"),
            ({"municipality": "21009", "postal_code": "1000"}, 409, "postal_code", "postal_code_not_in_municipality")):
        refused = await api.http.patch(f"/mentees/{mentee}/profile", json=changes)
        assert refused.status_code == status, refused.text
        assert (refused.json()["field"], refused.json()["code"]) == (field, code)
    changed = await api.http.patch(f"/mentees/{mentee}/profile", json={"municipality": "21009",
                                                                       "postal_code": "1050"})
    assert changed.status_code == 200, changed.text
    assert [f["type"] for f in (await api.get(f"/mentees/{mentee}/journey"))["facts"]] == [
        "MenteeRegistered", "MatchingProfileChanged"]


async def test_the_pipelines_count_each_step_and_name_who_waits_too_long(api):
    await ready_mentor(api)
    await api.ok("/mentors", {"name": "Zoé"})
    late = (await api.ok("/mentors", {"name": "Yves"}))["person_id"]
    await api.ok(f"/mentors/{late}/information-session", {"occurred_at": "2026-01-05T09:00:00+01:00"})
    await api.ok("/mentees", {"name": "Bilal", "step": "selected"})

    [mentors] = (await api.get("/pipelines/mentors"))["items"]
    [mentees] = (await api.get("/pipelines/mentees", programme_id="default"))["items"]

    assert mentors["steps"] == {"candidate": 1, "informed": 1, "interviewed": 0, "ready": 1, "departed": 0}
    assert mentors["paused"] == 0
    assert [(p["name"], p["step"]) for p in mentors["stuck"]] == [("Yves", "informed")]
    assert mentees["steps"]["selected"] == 1 and mentees["stuck"] == []


async def test_partners_see_the_journey_step_of_their_people_but_not_the_profile_and_never_record_steps(api):
    mentee = await selected_mentee(api)
    isp = api.as_("isp", "actiris")

    seen = await api.http.get(f"/mentees/{mentee}", headers=isp)
    assert seen.status_code == 200
    assert (seen.json()["step"], seen.json()["profile"]) == ("selected", None)
    for answer in (await api.http.get(f"/mentees/{mentee}/journey", headers=isp),
                   await api.http.post(f"/mentees/{mentee}/presentation", json={}, headers=isp),
                   await api.http.get("/pipelines/mentees", headers=isp)):
        assert (answer.status_code, answer.json()["code"]) == (403, "role_may_not")


async def test_a_coordinator_records_steps_only_in_their_programmes(api):
    await api.ok("/programmes", {"programme_id": "other", "name": "Autre"})
    elsewhere = (await api.ok("/mentors", {"name": "Anne", "programme_id": "other"}))["person_id"]
    claire = api.as_("coordinator", "claire", programmes=["default"])

    refused = await api.http.post(f"/mentors/{elsewhere}/information-session", json={}, headers=claire)

    assert (refused.status_code, refused.json()["code"]) == (404, "mentor_not_found")
    assert [p["programme_id"] for p in (await api.http.get("/pipelines/mentors", headers=claire)).json()["items"]] \
        == ["default"]
    assert (await api.http.get("/pipelines/mentors", params={"programme_id": "other"},
                               headers=claire)).json()["items"] == []


async def test_a_person_stuck_at_a_step_gives_the_staff_a_task_until_the_next_step_is_recorded(api):
    await api.ok("/programmes", {"programme_id": "other", "name": "Autre"})
    late = (await api.ok("/mentors", {"name": "Yves"}))["person_id"]
    await api.ok(f"/mentors/{late}/information-session", {"occurred_at": "2026-01-05T09:00:00+01:00"})
    paused = (await api.ok("/mentors", {"name": "Paul"}))["person_id"]
    await api.ok(f"/mentors/{paused}/information-session", {"occurred_at": "2026-01-05T09:00:00+01:00"})
    await api.ok(f"/mentors/{paused}/pause", {"until": (datetime.now(timezone.utc) + timedelta(days=30)).isoformat()})
    elsewhere = (await api.ok("/mentees", {"name": "Ines", "programme_id": "other"}))["person_id"]
    await api.ok(f"/mentees/{elsewhere}/presentation", {"occurred_at": "2026-02-01T10:00:00+01:00"})
    await api.ok("/mentors", {"name": "Zoé"})  # a candidate since today: not stuck yet

    tasks = (await api.http.get("/tasks", params={"kind": "journey_stuck"},
                                headers={"Accept-Language": "en"})).json()["items"]
    assert [(t["person_id"], t["binome_id"], t["since"], t["overdue_since"]) for t in tasks] == [
        (late, None, "2026-01-05T08:00:00Z", "2026-02-04T08:00:00Z"),
        (elsewhere, None, "2026-02-01T09:00:00Z", "2026-03-03T09:00:00Z")]
    assert tasks[0]["label"] == ('Waiting at the step "Information session attended" for more than 30 days: '
                                 'organise the next step.')
    claire = api.as_("coordinator", "claire", programmes=["default"])
    assert [t["person_id"] for t in (await api.http.get("/tasks", headers=claire)).json()["items"]] == [late]
    assert (await api.get("/tasks", overdue="false"))["items"] == []

    await api.ok(f"/mentors/{late}/preparation-interview", {"motivations": "Transmettre"})

    assert [t["person_id"] for t in (await api.get("/tasks"))["items"]] == [elsewhere]
