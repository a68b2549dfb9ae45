"""Sessions through the API, on both stores: scheduled, registrations with a waiting list, cancellations, and
attendance moving people along their journey; scoped by programme and role."""

from datetime import datetime, timedelta, timezone

from tests.api.conftest import Api
from tests.api.test_scoped_reads import until

PAST = (datetime.now(timezone.utc) - timedelta(days=2)).replace(microsecond=0)
SOON = (datetime.now(timezone.utc) + timedelta(days=7)).replace(microsecond=0)


async def schedule(api: Api, kind: str = "information_session", capacity: int = 2, starts_at: datetime = PAST,
                   **more) -> dict:
    return await api.ok("/sessions", {"kind": kind, "starts_at": starts_at.isoformat(), "capacity": capacity,
                                      "place": "Rue Royale 1, 1000 Bruxelles", **more})


async def mentors(api: Api, *names: str) -> list[str]:
    return [(await api.ok("/mentors", {"name": name}))["person_id"] for name in names]


async def test_seats_then_the_waiting_list_then_a_freed_seat_goes_to_the_first_who_waits(api):
    session = await schedule(api, capacity=2)
    anne, bob, chloe = await mentors(api, "Anne", "Bob", "Chloé")
    assert (session["kind_label"], session["duration_minutes"], session["seats_taken"]) == (
        "Séance d'information", 60, 0)
    sid = session["session_id"]

    for person in (anne, bob, chloe):
        answer = await api.ok(f"/sessions/{sid}/registrations", {"person_id": person})
    assert [(r["name"], r["status"]) for r in answer["registrations"]] == [
        ("Anne", "seat"), ("Bob", "seat"), ("Chloé", "waiting")]
    assert (answer["seats_taken"], answer["waiting"]) == (2, 1)

    assert [s["session_id"] for s in (await api.get("/sessions", person_id=chloe))["items"]] == [sid]
    freed = await api.ok(f"/sessions/{sid}/cancellations", {"person_id": anne})

    assert [(r["name"], r["status"]) for r in freed["registrations"]] == [
        ("Anne", "cancelled"), ("Bob", "seat"), ("Chloé", "seat")]
    assert (freed["seats_taken"], freed["waiting"]) == (2, 0)
    assert (await api.get(f"/sessions/{sid}"))["registrations"] == freed["registrations"]
    assert (await api.get("/sessions", person_id=anne))["items"] == []
    # Every answer naming the registered is a read of their personal data, logged as one.
    reads = await until(lambda: api.get("/audit/personal-data-reads", person_id=chloe),
                        lambda page: page["total"] == 3)
    assert {r["what"] for r in reads["items"]} == {"sessions.read"}


async def test_attendance_moves_the_attendees_along_their_journey_in_one_transaction(api):
    session = await schedule(api, capacity=5)
    anne, bob = await mentors(api, "Anne", "Bob")
    for person in (anne, bob):
        await api.ok(f"/sessions/{session['session_id']}/registrations", {"person_id": person})

    recorded = await api.ok(f"/sessions/{session['session_id']}/attendance", {"attended": [anne]},
                            **{"Idempotency-Key": "attendance-1"})

    assert recorded["attended"] == 1
    assert [(r["name"], r["attended"]) for r in recorded["registrations"]] == [("Anne", True), ("Bob", False)]
    informed = await api.get(f"/mentors/{anne}")
    assert (informed["step"], informed["step_since"]) == ("informed", PAST.strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert (await api.get(f"/mentors/{bob}"))["step"] == "candidate"
    facts = (await api.get(f"/mentors/{anne}/journey"))["facts"]
    assert (facts[-1]["type"], facts[-1]["data"]) == (
        "InformationSessionAttended", {"duration_minutes": 60, "session_id": session["session_id"]})

    again = await api.post(f"/sessions/{session['session_id']}/attendance", {"attended": [anne]},
                           **{"Idempotency-Key": "attendance-1"})
    assert (again.status_code, again.headers.get("Idempotent-Replayed")) == (201, "true")
    assert len((await api.get(f"/mentors/{anne}/journey"))["facts"]) == len(facts)


async def test_a_mentee_s_presentation_and_a_community_meeting_s_hours(api):
    presentation = await schedule(api, "presentation", video_link="https://meet.example.org/presentation")
    mentee = (await api.ok("/mentees", {"name": "Bilal"}))["person_id"]
    await api.ok(f"/sessions/{presentation['session_id']}/registrations", {"person_id": mentee})
    await api.ok(f"/sessions/{presentation['session_id']}/attendance", {"attended": [mentee]})
    assert (await api.get(f"/mentees/{mentee}"))["step"] == "presented"

    meeting = await schedule(api, "community_meeting", 30, duration_minutes=90)
    ready = await api.person("mentor", "Anne")
    await api.ok(f"/sessions/{meeting['session_id']}/registrations", {"person_id": ready})
    await api.ok(f"/sessions/{meeting['session_id']}/attendance", {"attended": [ready]})
    facts = (await api.get(f"/mentors/{ready}/journey"))["facts"]
    assert (facts[-1]["type"], facts[-1]["data"]["duration_minutes"]) == ("CommunityMeetingAttended", 90)
    assert (await api.get(f"/mentors/{ready}"))["step"] == "ready"


async def test_refusals_are_codes_naming_the_field_and_record_nothing(api):
    upcoming = await schedule(api, starts_at=SOON)
    mentee = (await api.ok("/mentees", {"name": "Bilal"}))["person_id"]
    [anne] = await mentors(api, "Anne")
    sid = upcoming["session_id"]

    cases = [
        (await api.post("/sessions", {"kind": "training", "starts_at": SOON.isoformat(), "capacity": 5}),
         422, "place_or_video_link_required", "place"),
        (await api.post("/sessions", {"kind": "training", "starts_at": SOON.isoformat(), "capacity": 5,
                                      "place": "x", "programme_id": "nowhere"}), 404, "programme_not_found",
         "programme_id"),
        (await api.post(f"/sessions/{sid}/registrations", {"person_id": mentee}), 409, "session_for_mentors",
         "person_id"),
        (await api.post(f"/sessions/{sid}/registrations", {"person_id": "no-such-person"}), 404, "mentor_not_found",
         "person_id"),
        (await api.post(f"/sessions/{sid}/cancellations", {"person_id": anne}), 409, "not_registered", "person_id"),
        (await api.post(f"/sessions/{sid}/attendance", {"attended": []}), 409, "session_not_started", "attended"),
        (await api.post("/sessions/no-such-session/registrations", {"person_id": anne}), 404, "session_not_found",
         None),
    ]
    for answer, status, code, field in cases:
        assert (answer.status_code, answer.json()["code"], answer.json().get("field")) == (status, code, field)
    assert (await api.get(f"/sessions/{sid}"))["registrations"] == []
    assert (await api.get(f"/sessions/{sid}"))["version"] == 1


async def test_the_list_is_soonest_first_filtered_and_scoped_to_the_coordinator_s_programmes(api):
    await api.ok("/programmes", {"programme_id": "other", "name": "Autre"})
    later = await schedule(api, "training", starts_at=SOON)
    earlier = await schedule(api, starts_at=PAST)
    elsewhere = await schedule(api, programme_id="other", starts_at=SOON + timedelta(hours=1))
    claire = api.as_("coordinator", "claire", programmes=["default"])

    assert [s["session_id"] for s in (await api.get("/sessions"))["items"]] == [
        earlier["session_id"], later["session_id"], elsewhere["session_id"]]
    assert [s["session_id"] for s in (await api.get("/sessions", kind="training"))["items"]] == [later["session_id"]]
    assert [s["session_id"] for s in (await api.get("/sessions", **{"from": SOON.isoformat()}))["items"]] == [
        later["session_id"], elsewhere["session_id"]]
    mine = (await api.http.get("/sessions", headers=claire)).json()["items"]
    assert [s["session_id"] for s in mine] == [earlier["session_id"], later["session_id"]]
    hidden = await api.http.get(f"/sessions/{elsewhere['session_id']}", headers=claire)
    assert (hidden.status_code, hidden.json()["code"]) == (404, "session_not_found")
    for role in ("isp", "company", "mentor"):
        refused = await api.http.get("/sessions", headers=api.as_(role, "x"))
        assert refused.status_code == 403


async def test_scheduling_again_with_its_key_answers_the_same_session(api):
    body = {"kind": "training", "starts_at": SOON.isoformat(), "capacity": 12, "video_link": "https://meet.example"}
    first = await api.post("/sessions", body, **{"Idempotency-Key": "training-march"})
    again = await api.post("/sessions", body, **{"Idempotency-Key": "training-march"})
    other = await api.post("/sessions", {**body, "capacity": 13}, **{"Idempotency-Key": "training-march"})

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["session_id"] == first.json()["session_id"]
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert other.status_code == 422
    assert len((await api.get("/sessions"))["items"]) == 1


async def test_a_session_begun_without_its_attendance_gives_the_staff_a_task_until_it_is_recorded(api):
    begun = await schedule(api, "presentation", starts_at=PAST)
    await schedule(api, "training", starts_at=SOON)  # not begun: nothing to record yet

    [task] = (await api.http.get("/tasks", headers={"Accept-Language": "en"})).json()["items"]
    assert (task["kind"], task["session_id"], task["binome_id"], task["person_id"], task["overdue"]) == (
        "session_attendance", begun["session_id"], None, None, False)
    assert task["label"] == f"Record the attendance: Collective presentation of {PAST.date().isoformat()}."
    assert (await api.get("/tasks", overdue="true"))["items"] == []
    assert len((await api.get("/tasks", kind="session_attendance"))["items"]) == 1

    await api.ok(f"/sessions/{begun['session_id']}/attendance", {"attended": []})

    assert (await api.get("/tasks"))["items"] == []


async def test_a_coordinator_cannot_register_someone_of_another_programme_nor_learn_they_exist(api):
    await api.ok("/programmes", {"programme_id": "other", "name": "Autre"})
    session = await schedule(api, starts_at=SOON)
    elsewhere = (await api.ok("/mentors", {"name": "Ines", "programme_id": "other"}))["person_id"]
    claire = api.as_("coordinator", "claire", programmes=["default"])

    hidden = await api.http.post(f"/sessions/{session['session_id']}/registrations", json={"person_id": elsewhere},
                                 headers=claire)
    seen = await api.post(f"/sessions/{session['session_id']}/registrations", {"person_id": elsewhere})

    assert (hidden.status_code, hidden.json()["code"], hidden.json()["field"]) == (404, "mentor_not_found", "person_id")
    assert (seen.status_code, seen.json()["code"]) == (409, "session_in_other_programme")


async def test_the_same_key_and_body_for_two_sessions_records_each_attendance(api):
    ready = await api.person("mentor", "Anne")
    first = await schedule(api, "community_meeting", 10)
    second = await schedule(api, "community_meeting", 10)
    for session in (first, second):
        await api.ok(f"/sessions/{session['session_id']}/registrations", {"person_id": ready})
        answer = await api.post(f"/sessions/{session['session_id']}/attendance", {"attended": [ready]},
                                **{"Idempotency-Key": "meeting-attendance"})
        assert answer.status_code == 201, answer.text
    facts = (await api.get(f"/mentors/{ready}/journey"))["facts"]
    assert [f["data"]["session_id"] for f in facts if f["type"] == "CommunityMeetingAttended"] == [
        first["session_id"], second["session_id"]]
