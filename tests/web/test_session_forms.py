"""Sessions planned and registrations managed from the pages: the API's checks and refusals, shown as pages."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from web.render import moment

PASSWORD = "un mot de passe assez long"
PLACE = "Rue Royale 1, 1000 Bruxelles"


async def _login(api, pages, username: str = "claire", programme: str = "default") -> None:
    await api.ok("/accounts", {"username": username, "role": "coordinator", "programmes": [programme],
                               "password": PASSWORD})
    await pages.login(username, PASSWORD)


def _key(page: str, action: str) -> str:
    """The idempotency key of the page's form that posts to `action`."""
    form = re.search(rf'action="{re.escape(action)}"(.*?)</form>', page, re.S).group(1)
    return re.search(r'name="idempotency_key" value="([^"]+)"', form).group(1)


def _cancel_forms(page: str) -> dict[str, str]:
    """Each registered person's cancellation key, by person id."""
    forms = re.findall(r'/cancellations" id="cancel-\d+" hidden>(.*?)</form>', page, re.S)
    return {re.search(r'name="person_id" value="([^"]+)"', form).group(1):
            re.search(r'name="idempotency_key" value="([^"]+)"', form).group(1) for form in forms}


def _starts(api, days: int = 10) -> datetime:
    """A session's start, 18:30 in the programme's time zone `days` from now."""
    zone = ZoneInfo(api.settings.web_timezone)
    return datetime.combine((datetime.now(zone) + timedelta(days=days)).date(), time(18, 30), zone)


async def _session(api, kind: str = "information_session", capacity: int = 5) -> str:
    planned = await api.ok("/sessions", {"kind": kind, "starts_at": _starts(api).isoformat(), "capacity": capacity,
                                         "place": PLACE})
    return planned["session_id"]


async def test_a_session_planned_from_the_list_is_listed_with_its_kind_time_and_capacity(api, pages):
    await _login(api, pages)
    listed = (await pages.get("/app/sessions")).text
    assert '<option value="default"' in listed and 'name="starts_at" type="datetime-local"' in listed
    starts = _starts(api)
    done = await pages.post("/app/sessions", {
        "kind": "training", "programme_id": "default", "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "capacity": "12", "title": "Formation de printemps", "place": PLACE,
        "idempotency_key": _key(listed, "/app/sessions")})

    assert done.status_code == 303
    session_id = done.headers["location"].removeprefix("/app/sessions/")
    recorded = await api.get(f"/sessions/{session_id}")
    assert (recorded["kind"], recorded["capacity"], recorded["title"]) == ("training", 12, "Formation de printemps")
    assert datetime.fromisoformat(recorded["starts_at"]) == starts
    row = re.search(rf'<tr data-session="{session_id}">(.*?)</tr>', (await pages.get("/app/sessions")).text,
                    re.S).group(1)
    shown = moment(starts, "fr", ZoneInfo(api.settings.web_timezone))
    assert shown in row and "Formation des mentors" in row and "0 / 12" in row
    assert (await pages.get(f"/app/sessions/{session_id}")).status_code == 200


async def test_a_bad_capacity_or_no_start_or_no_place_is_the_form_again_and_nothing_is_recorded(api, pages):
    await _login(api, pages)
    listed = (await pages.get("/app/sessions")).text
    form = {"kind": "training", "programme_id": "default", "starts_at": _starts(api).strftime("%Y-%m-%dT%H:%M"),
            "capacity": "0", "title": "Formation de printemps", "place": PLACE,
            "idempotency_key": _key(listed, "/app/sessions")}

    for changed, named in (({}, "capacity"), ({"capacity": "12", "starts_at": ""}, "starts_at"),
                           ({"capacity": "12", "place": ""}, "place")):
        again = await pages.post("/app/sessions", {**form, **changed})
        assert again.status_code == 422, named
        assert re.search(rf'name="{named}"[^>]*aria-invalid="true"', again.text), named
        assert re.findall(r'id="[^"]*-(\w+)-error"', again.text) == [named]
        assert 'value="Formation de printemps"' in again.text  # what was typed is kept
    too_far = await pages.post("/app/sessions", {**form, "capacity": "12", "starts_at": "2040-01-01T18:30"})
    assert too_far.status_code == 409  # the programme's rule, beside its field
    assert re.findall(r'id="[^"]*-(\w+)-error"', too_far.text) == ["starts_at"]
    assert (await api.get("/sessions"))["items"] == []


async def test_the_same_form_sent_twice_plans_one_session(api, pages):
    await _login(api, pages)
    listed = (await pages.get("/app/sessions")).text
    form = {"kind": "information_session", "programme_id": "default",
            "starts_at": _starts(api).strftime("%Y-%m-%dT%H:%M"), "capacity": "20", "place": PLACE,
            "idempotency_key": _key(listed, "/app/sessions")}

    first, second = [await pages.post("/app/sessions", form) for _ in range(2)]
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    assert len((await api.get("/sessions"))["items"]) == 1


async def test_the_second_waits_and_takes_the_seat_the_first_gives_back(api, pages):
    session_id = await _session(api, capacity=1)
    anne, bob = [(await api.ok("/mentors", {"name": name}))["person_id"] for name in ("Anne", "Bob")]
    await _login(api, pages)
    address = f"/app/sessions/{session_id}"

    for person in (anne, bob):
        page = (await pages.get(address)).text
        assert f'<option value="{person}">' in page
        done = await pages.post(f"{address}/registrations",
                                {"person_id": person, "idempotency_key": _key(page, f"{address}/registrations")})
        assert done.status_code == 303 and done.headers["location"] == address
    statuses = [(r["person_id"], r["status"]) for r in (await api.get(f"/sessions/{session_id}"))["registrations"]]
    assert statuses == [(anne, "seat"), (bob, "waiting")]

    page = (await pages.get(address)).text
    assert f'<option value="{anne}">' not in page
    cancelled = await pages.post(f"{address}/cancellations",
                                 {"person_id": anne, "idempotency_key": _cancel_forms(page)[anne]})
    assert cancelled.status_code == 303
    after = await api.get(f"/sessions/{session_id}")
    assert {r["person_id"]: r["status"] for r in after["registrations"]} == {anne: "cancelled", bob: "seat"}
    assert after["seats_taken"] == 1 and after["waiting"] == 0
    row = re.search(rf'<tr data-person="{bob}">(.*?)</tr>', (await pages.get(address)).text, re.S).group(1)
    assert "Place réservée" in row


async def test_a_coordinator_of_another_programme_cannot_see_or_register_on_it(api, pages):
    await api.ok("/programmes", {"programme_id": "bxl", "name": "Bruxelles"})
    session_id = await _session(api)
    anne = (await api.ok("/mentors", {"name": "Anne"}))["person_id"]
    await _login(api, pages, "piet", "bxl")

    listed = await pages.get("/app/sessions")
    assert session_id not in listed.text and '<option value="default"' not in listed.text
    assert (await pages.get(f"/app/sessions/{session_id}")).status_code == 404
    await pages.get("/app/sessions")
    refused = await pages.post(f"/app/sessions/{session_id}/registrations",
                               {"person_id": anne, "idempotency_key": "piet-registers-anne"})
    assert refused.status_code == 404 and 'data-code="session_not_found"' in refused.text
    assert (await api.get(f"/sessions/{session_id}"))["registrations"] == []


async def test_a_mentee_is_refused_on_an_information_session_with_a_page(api, pages):
    session_id = await _session(api)
    karim = (await api.ok("/mentees", {"name": "Karim"}))["person_id"]
    await _login(api, pages)

    page = (await pages.get(f"/app/sessions/{session_id}")).text
    assert karim not in page  # only mentors are offered
    refused = await pages.post(f"/app/sessions/{session_id}/registrations",
                               {"person_id": karim, "idempotency_key": "claire-registers-karim"})
    assert refused.status_code == 409 and 'data-code="session_for_mentors"' in refused.text
    assert (await api.get(f"/sessions/{session_id}"))["registrations"] == []
