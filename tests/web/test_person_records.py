"""A person's record from the pages: registering a mentor or a mentee, changing their record and matching profile
(only what changed, an emptied field removed), a mentor's pause ended early and their departure."""

import re
from datetime import date

PASSWORD = "un mot de passe assez long"


def _key(page: str) -> str:
    return re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)


async def _coordinator(api, pages, programmes=("default",)):
    await api.ok("/accounts", {"username": "claire", "role": "coordinator", "programmes": list(programmes),
                               "password": PASSWORD})
    await pages.login("claire", PASSWORD)


async def test_a_mentee_is_registered_from_the_pipeline_once_whatever_the_double_submits(api, pages):
    await api.ok("/organisations", {"organisation_id": "actiris", "kind": "isp", "name": "Actiris"})
    await _coordinator(api, pages)
    pipeline = (await pages.get("/app/pipelines/mentees")).text
    assert 'href="/app/mentees/new"' in pipeline
    form = (await pages.get("/app/mentees/new")).text
    assert '<option value="actiris">Actiris</option>' in form and 'name="occurred_on"' not in form
    posted = {"name": "Bilal Amrani", "email": "bilal@example.org", "languages": "fr, ar",
              "programme_id": "default", "organisation_id": "actiris", "adviser": "Marc Dubois",
              "idempotency_key": _key(form)}
    first = await pages.post("/app/mentees", posted)
    again = await pages.post("/app/mentees", posted)
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]
    listed = await api.get("/mentees")
    assert [p["name"] for p in listed["items"]] == ["Bilal Amrani"]
    mentee = listed["items"][0]
    assert mentee["languages"] == ["fr", "ar"] and mentee["organisation_id"] == "actiris"
    assert mentee["adviser"] == "Marc Dubois" and mentee["step"] == "applied"
    record = (await pages.get(first.headers["location"])).text
    assert "Bilal Amrani" in record and "bilal@example.org" in record


async def test_a_registration_with_faults_names_each_field_and_records_nothing(api, pages):
    await _coordinator(api, pages)
    form = (await pages.get("/app/mentors/new")).text
    bad = await pages.post("/app/mentors", {"name": "", "email": "not-an-address", "capacity": "40",
                                            "programme_id": "default", "idempotency_key": _key(form)})
    assert bad.status_code == 422
    for field in ("name", "email", "capacity"):
        assert re.search(rf'id="register-mentor-[^"]+-{field}"[^>]*aria-invalid="true"', bad.text), field
    assert 'value="not-an-address"' in bad.text  # what was typed is shown again
    assert (await api.get("/mentors"))["items"] == []
    other = await pages.post("/app/mentors", {"name": "Anne", "programme_id": "elsewhere",
                                              "idempotency_key": "a-key-of-its-own"})
    assert other.status_code == 404  # a programme the coordinator does not see
    assert (await api.get("/mentors"))["items"] == []


async def test_a_record_change_sends_only_what_changed_and_an_emptied_phone_is_removed(api, pages):
    mentor = (await api.ok("/mentors", {"name": "Greet Claes", "phone": "+32 470 12 34 56", "languages": ["nl"],
                                        "capacity": 1}))["person_id"]
    await _coordinator(api, pages)
    form = (await pages.get(f"/app/mentors/{mentor}/record")).text
    assert 'value="Greet Claes"' in form and 'value="nl"' in form
    changed = await pages.post(f"/app/mentors/{mentor}/record", {
        "name": "Greet Claes", "phone": "", "languages": "nl, fr", "capacity": "2", "idempotency_key": _key(form)})
    assert changed.status_code == 303
    person = await api.get(f"/mentors/{mentor}")
    assert person["phone"] is None and person["languages"] == ["nl", "fr"] and person["capacity"] == 2
    facts = (await api.get(f"/mentors/{mentor}/journey"))["facts"]
    change = [f for f in facts if f["type"] == "PersonProfileChanged"]
    assert len(change) == 1 and "name" not in change[0]["data"]["changes"]

    unchanged = (await pages.get(f"/app/mentors/{mentor}/record")).text
    same = await pages.post(f"/app/mentors/{mentor}/record", {"name": "Greet Claes", "languages": "nl, fr",
                                                              "capacity": "2", "idempotency_key": _key(unchanged)})
    assert same.status_code == 303
    assert len((await api.get(f"/mentors/{mentor}/journey"))["facts"]) == len(facts)  # nothing changed: no fact


async def test_a_matching_profile_is_changed_and_read_back_in_the_readers_words(api, pages):
    mentee = (await api.ok("/mentees", {"name": "Karim", "step": "selected"}))["person_id"]
    patched = await api.http.patch(f"/mentees/{mentee}/profile", json={"sectors": ["G"], "hobbies": ["football"]})
    assert patched.status_code == 200, patched.text
    await _coordinator(api, pages)
    form = (await pages.get(f"/app/mentees/{mentee}/profile")).text
    assert re.search(r'name="sectors" value="G" checked', form) and 'value="football"' in form
    assert '<option value="21004">Bruxelles</option>' in form
    done = await pages.post(f"/app/mentees/{mentee}/profile", {
        "sectors": ["H", "N"], "language_levels": "fr=native, nl=B1", "birth_date": "1990-05-01",
        "municipality": "21004", "postal_code": "1000", "availability": ["mon_am", "wed_pm"],
        "months_out_of_work": "14", "hobbies": "", "idempotency_key": _key(form)})
    assert done.status_code == 303
    profile = (await api.get(f"/mentees/{mentee}"))["profile"]
    assert profile["sectors"] == ["H", "N"] and profile["language_levels"] == {"fr": "native", "nl": "B1"}
    assert profile["months_out_of_work"] == 14 and "hobbies" not in profile
    record = (await pages.get(f"/app/mentees/{mentee}")).text
    assert "H – Transport et entreposage" in record and "lundi matin" in record

    wrong = await pages.post(f"/app/mentees/{mentee}/profile", {
        "language_levels": "fr=expert", "education_level": "12", "idempotency_key": "another-profile-key"})
    assert wrong.status_code == 422
    assert 'aria-invalid="true"' in wrong.text and (await api.get(f"/mentees/{mentee}"))["profile"] == profile


async def test_a_mentors_pause_is_ended_early_then_the_mentor_leaves(api, pages):
    mentor = (await api.ok("/mentors", {"name": "Greet", "step": "ready"}))["person_id"]
    await api.ok(f"/mentors/{mentor}/pause", {"until": "2031-01-01T00:00:00+01:00"})
    await _coordinator(api, pages)
    record = (await pages.get(f"/app/mentors/{mentor}")).text
    assert f'action="/app/mentors/{mentor}/steps/resume"' in record
    assert f'action="/app/mentors/{mentor}/steps/pause"' not in record
    today = date.today().isoformat()
    resumed = await pages.post(f"/app/mentors/{mentor}/steps/resume",
                               {"occurred_on": today, "occurred_time": "00:01", "idempotency_key": _key(record)})
    assert resumed.status_code == 303
    assert (await api.get(f"/mentors/{mentor}"))["paused_until"] is None

    record = (await pages.get(f"/app/mentors/{mentor}")).text
    departure = re.search(rf'action="/app/mentors/{mentor}/steps/departure"(.*?)</form>', record, re.S).group(1)
    left = await pages.post(f"/app/mentors/{mentor}/steps/departure", {
        "occurred_on": today, "occurred_time": "00:02", "reason": "job_change", "note": "Part à l'étranger",
        "idempotency_key": _key(departure)})
    assert left.status_code == 303
    assert (await api.get(f"/mentors/{mentor}"))["step"] == "departed"
    record = (await pages.get(f"/app/mentors/{mentor}")).text
    assert "/steps/departure" not in record and 'data-fact="MentorLeft"' in record


async def test_a_mentee_account_cannot_open_the_registration_form(api, pages):
    mentee = (await api.ok("/mentees", {"name": "Karim"}))["person_id"]
    await api.ok("/accounts", {"username": "karim", "role": "mentee", "person_id": mentee, "password": PASSWORD})
    await pages.login("karim", PASSWORD)
    assert (await pages.get("/app/mentees/new")).status_code == 403
    assert (await pages.get(f"/app/mentees/{mentee}/profile")).status_code == 403


def _shown(page: str) -> dict[str, list[str]]:
    """What a change's form showed, as it sends it back (`was.*`)."""
    shown: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="(was\.[^"]+)" value="([^"]*)">', page):
        shown.setdefault(name, []).append(value)
    return shown


async def test_a_change_sends_only_what_the_reader_changed_not_what_someone_else_changed_meanwhile(api, pages):
    mentor = (await api.ok("/mentors", {"name": "Greet Claes", "phone": "+32 470 12 34 56",
                                        "email": "greet@example.org", "capacity": 2}))["person_id"]
    await _coordinator(api, pages)
    form = (await pages.get(f"/app/mentors/{mentor}/record")).text
    shown = _shown(form)
    assert shown["was.phone"] == ["+32 470 12 34 56"]
    # Meanwhile, someone else changes the phone.
    changed = await api.http.patch(f"/mentors/{mentor}", json={"phone": "+32 470 99 99 99"})
    assert changed.status_code == 200, changed.text
    # The reader changes the e-mail only; the form still holds the old phone.
    posted = {"name": "Greet Claes", "phone": "+32 470 12 34 56", "email": "greet.claes@example.org",
              "capacity": "2", "idempotency_key": _key(form)}
    answer = await pages.post(f"/app/mentors/{mentor}/record", {**posted, **shown})
    assert answer.status_code == 303
    person = await api.get(f"/mentors/{mentor}")
    assert person["email"] == "greet.claes@example.org" and person["phone"] == "+32 470 99 99 99"


async def test_an_emptied_capacity_is_said_beside_it(api, pages):
    mentor = (await api.ok("/mentors", {"name": "Greet", "capacity": 2}))["person_id"]
    await _coordinator(api, pages)
    form = (await pages.get(f"/app/mentors/{mentor}/record")).text
    answer = await pages.post(f"/app/mentors/{mentor}/record", {
        "name": "Greet", "capacity": "", "idempotency_key": _key(form), **_shown(form)})
    assert answer.status_code == 422
    assert re.search(r'id="change-mentor-[^"]+-capacity"[^>]*aria-invalid="true"', answer.text)
    assert _shown(answer.text)["was.capacity"] == ["2"]  # what the form first showed, still carried
    assert (await api.get(f"/mentors/{mentor}"))["capacity"] == 2


async def test_a_persons_organisation_beyond_the_listed_ones_is_still_offered(api, pages, monkeypatch):
    from web.pages import person_records

    for isp in ("actiris", "forem"):
        await api.ok("/organisations", {"organisation_id": isp, "kind": "isp", "name": isp.title()})
    mentee = (await api.ok("/mentees", {"name": "Karim", "organisation_id": "forem"}))["person_id"]
    monkeypatch.setattr(person_records, "ORGANISATIONS_LISTED", 1)  # only Actiris is listed
    await _coordinator(api, pages)
    form = (await pages.get(f"/app/mentees/{mentee}/record")).text
    assert re.search(r'<option value="forem" selected>', form)
