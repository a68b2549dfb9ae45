"""The staff's pages end to end, in-process: login, the task list's forms, the binôme's timeline and its
exports, who may see what, and refusals as pages (never a 500)."""

import re
from datetime import date, datetime, timedelta, timezone

from tests.support.assertions import eventually

async def _account(api, username: str, role: str = "coordinator", programmes=("default",)) -> str:
    body = {"username": username, "role": role, "password": "un mot de passe assez long"}
    if role == "coordinator":
        body["programmes"] = list(programmes)
    await api.ok("/accounts", body)
    return "un mot de passe assez long"


async def test_pages_need_a_login_and_keep_the_page_asked_for(pages):
    answer = await pages.get("/app/tasks")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/app/login?next=/app/tasks"
    login = await pages.get("/app/login", next="/app/tasks")
    assert login.status_code == 200 and 'lang="fr"' in login.text and "Connexion" in login.text


async def test_a_wrong_password_is_a_page_that_says_so(api, pages):
    await _account(api, "claire")
    answer = await pages.login("claire", "pas le bon")
    assert answer.status_code == 401
    assert "login_failed" not in answer.text and "Connexion" in answer.text


async def test_a_login_without_the_form_token_is_refused(api, pages):
    password = await _account(api, "claire")
    await pages.get("/app/login")
    answer = await pages.post("/app/login", {"username": "claire", "password": password}, csrf="forged")
    assert answer.status_code == 403
    assert "mentorat_session" not in answer.headers.get("set-cookie", "")


async def test_staff_record_a_meeting_from_the_task_list_and_see_it_in_the_timeline(api, pages):
    password = await _account(api, "claire")
    binome = await api.through_intake()
    await api.env.sleep(timedelta(days=40))  # the first month ends short of meetings: a task
    assert (await pages.login("claire", password)).status_code == 303

    async def task_listed():
        listed = await pages.get("/app/tasks")
        return f'/app/binomes/{binome}/record/meeting' in listed.text

    await eventually(task_listed)
    assert "Anne" in pages.last.text and "Bilal" in pages.last.text  # the pair by name
    recorded = await pages.post(f"/app/binomes/{binome}/record/meeting", {
        "occurred_on": "2020-01-01", "mode": "video", "duration_minutes": "60", "notes": "CV revu",
        "idempotency_key": "web-test-meeting-1", "next": "/app/tasks"}, inline=True)
    # Typed in as happening before the binôme began: the binôme's own rule says no, as a message in the list.
    assert recorded.status_code == 422 and 'data-code="date_before_step"' in recorded.text, recorded.text
    # Today, at an hour still to come: recorded as happening when the form was opened.
    opened_at = datetime.now(timezone.utc)
    form = {"occurred_on": date.today().isoformat(), "occurred_time": "23:59", "opened_at": opened_at.isoformat(),
            "mode": "video",
            "duration_minutes": "60", "notes": "CV revu", "idempotency_key": "web-test-meeting-2", "next": "/app/tasks"}
    recorded = await pages.post(f"/app/binomes/{binome}/record/meeting", form, inline=True)
    assert recorded.status_code == 201, recorded.text
    assert 'data-recorded="meeting"' in recorded.text and "Rencontre tenue" in recorded.text
    again = await pages.post(f"/app/binomes/{binome}/record/meeting", form, inline=True)
    assert again.status_code == 201  # the same form sent twice: recorded once
    history = await api.get(f"/binomes/{binome}/history")
    [meeting] = [f for f in history["facts"] if f["type"] == "MeetingHeld"]
    assert datetime.fromisoformat(meeting["occurred_at"]) == opened_at

    detail = await pages.get(f"/app/binomes/{binome}")
    assert detail.status_code == 200
    assert 'data-fact="MeetingHeld"' in detail.text and "CV revu" in detail.text
    only_meetings = await pages.get(f"/app/binomes/{binome}", kind="meetings")
    assert 'data-fact="MeetingHeld"' in only_meetings.text
    assert 'data-fact="MentorshipProposed"' not in only_meetings.text
    csv = await pages.get(f"/app/binomes/{binome}/timeline.csv")
    assert csv.headers["content-type"].startswith("text/csv") and ",MeetingHeld,Rencontre tenue," in csv.text
    pdf = await pages.get(f"/app/binomes/{binome}/timeline.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


async def test_a_form_with_a_missing_field_names_it_and_records_nothing(api, pages):
    password = await _account(api, "claire")
    binome = await api.through_intake()
    await pages.login("claire", password)
    await pages.get(f"/app/binomes/{binome}")
    answer = await pages.post(f"/app/binomes/{binome}/record/meeting", {"occurred_on": "", "notes": "x",
                                                                         "next": f"/app/binomes/{binome}"},
                              inline=True)
    assert answer.status_code == 422
    assert 'aria-invalid="true"' in answer.text and "Ce champ est obligatoire." in answer.text
    history = await api.get(f"/binomes/{binome}/history")
    assert not any(f["type"] == "MeetingHeld" for f in history["facts"])


async def test_a_form_without_its_token_is_refused(api, pages):
    password = await _account(api, "claire")
    binome = await api.through_intake()
    await pages.login("claire", password)
    answer = await pages.post(f"/app/binomes/{binome}/record/meeting",
                              {"occurred_on": "2030-01-01", "mode": "video"}, csrf="forged")
    assert answer.status_code == 403 and "expiré" in answer.text


async def test_a_coordinator_of_another_programme_cannot_open_the_binome(api, pages):
    await api.ok("/programmes", {"programme_id": "bxl", "name": "Bruxelles"})
    password = await _account(api, "piet", programmes=("bxl",))
    binome = await api.through_intake()
    await pages.login("piet", password)
    answer = await pages.get(f"/app/binomes/{binome}")
    assert answer.status_code == 404 and "Anne" not in answer.text
    listed = await pages.get("/app/binomes")
    assert binome not in listed.text


async def test_the_language_is_chosen_and_remembered(api, pages):
    password = await _account(api, "claire")
    await pages.login("claire", password)
    await pages.get("/app/tasks")
    answer = await pages.post("/app/language", {"language": "nl", "next": "/app/tasks"})
    assert answer.status_code == 303
    page = await pages.get("/app/tasks")
    assert 'lang="nl"' in page.text and "Taken van vandaag" in page.text
    refused = await pages.post("/app/language", {"language": "xx", "next": "/app/tasks"})
    assert refused.status_code == 422


async def test_a_bad_address_is_a_page_not_a_500(api, pages):
    password = await _account(api, "claire")
    await pages.login("claire", password)
    # A control character never reaches a page: the edge's guard refuses it first (in the API's JSON).
    assert (await pages.get("/app/tasks?cursor=%00")).status_code == 422
    for path in ("/app/binomes/not-a-uuid", "/app/binomes?stage=nope", "/app/tasks?cursor=bm90LWEtY3Vyc29y",
                 "/app/nowhere", "/app/binomes/6d1f1f43-5b9b-4a1c-8f4e-2f0e4f0b1a11"):
        answer = await pages.get(path)
        assert answer.status_code in (404, 422), (path, answer.status_code)
        assert answer.headers["content-type"].startswith("text/html"), (path, answer.text)


async def test_proposals_waiting_for_their_mentor_are_listed_beside_the_tasks(api, pages):
    password = await _account(api, "claire")
    binome = await api.propose()
    await pages.login("claire", password)
    listed = (await pages.get("/app/tasks")).text
    waiting = re.search(r'data-waiting="proposed">(.*?)</ul>', listed, re.S).group(1)
    assert f"/app/binomes/{binome}" in waiting and "Anne · Bilal" in waiting


async def test_a_bug_behind_a_page_is_a_503_page_not_a_500(api, pages, monkeypatch):
    password = await _account(api, "claire")
    await pages.login("claire", password)

    async def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(api.app.state.services.binome_queries, "tasks", broken)
    answer = await pages.get("/app/tasks")
    assert answer.status_code == 503 and answer.headers["content-type"].startswith("text/html")
    assert answer.headers["retry-after"] and "indisponible" in answer.text


async def test_a_stale_session_is_renewed_and_still_logs_out(api, pages):
    password = await _account(api, "claire")
    await pages.login("claire", password)
    api.app.state.web_sessions.refresh_after = timedelta(0)  # every page reads the account again
    renewed = await pages.get("/app/tasks")
    assert renewed.status_code == 200 and "Max-Age=" in renewed.headers["set-cookie"]
    logged_out = await pages.post("/app/logout", {})
    assert logged_out.status_code == 303
    assert (await pages.get("/app/tasks")).status_code == 303  # to the login page: the logout held

    await pages.login("claire", password)
    claire = next(a for a in (await api.get("/accounts"))["items"] if a["username"] == "claire")
    await api.http.patch(f"/accounts/{claire['account_id']}", json={"disabled": True})
    assert (await pages.get("/app/tasks")).headers["location"].startswith("/app/login")  # disabled: out


async def test_a_new_password_ends_the_accounts_other_sessions_at_their_next_check(api, pages, new_pages):
    password = await _account(api, "claire")
    await pages.login("claire", password)
    elsewhere = new_pages()
    await elsewhere.login("claire", password)
    api.app.state.web_sessions.refresh_after = timedelta(0)  # every page reads the account again
    assert (await pages.get("/app/tasks")).status_code == 200  # the same password: still in
    token = (await api.http.post("/auth/token", data={"username": "claire", "password": password})).json()
    changed = await api.http.post("/auth/password", json={"current_password": password,
                                                          "new_password": "une toute nouvelle phrase"},
                                  headers={"Authorization": f"Bearer {token['access_token']}"})
    assert changed.status_code == 204
    for browser in (pages, elsewhere):
        assert (await browser.get("/app/tasks")).headers["location"].startswith("/app/login")
    await pages.login("claire", "une toute nouvelle phrase")
    assert (await pages.get("/app/tasks")).status_code == 200  # a session begun with the new password holds


async def test_a_long_note_still_exports_as_pdf(api, pages):
    password = await _account(api, "claire")
    binome = await api.through_intake()
    await api.ok(f"/binomes/{binome}/meetings", {"mode": "video", "notes": "Très long compte rendu. " * 200})
    await api.ok(f"/binomes/{binome}/contacts", {"channel": "email", "notes": "x" * 5000})
    await pages.login("claire", password)
    pdf = await pages.get(f"/app/binomes/{binome}/timeline.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


async def test_a_persons_and_a_sessions_tasks_lead_to_where_they_are_done(api, pages):
    late = (await api.ok("/mentors", {"name": "Yves"}))["person_id"]
    await api.ok(f"/mentors/{late}/information-session", {"occurred_at": "2026-01-05T09:00:00+01:00"})
    begun = await api.ok("/sessions", {"kind": "presentation", "capacity": 5, "place": "Rue Royale 1, Bruxelles",
                                       "starts_at": (datetime.now(timezone.utc) - timedelta(days=2)).isoformat()})
    password = await _account(api, "claire")
    await pages.login("claire", password)
    tasks = (await pages.get("/app/tasks")).text
    stuck = re.search(r'data-task-kind="journey_stuck">.*?</li>', tasks, re.S).group(0)
    assert f'href="/app/people/{late}">Yves</a>' in stuck
    attendance = re.search(r'data-task-kind="session_attendance">.*?</li>', tasks, re.S).group(0)
    assert f'href="/app/sessions/{begun["session_id"]}"' in attendance
    record = await pages.get(f"/app/people/{late}")
    assert record.status_code == 303 and record.headers["location"] == f"/app/mentors/{late}"
    assert (await pages.get("/app/people/nobody")).status_code == 404


async def test_a_binome_whose_workflow_was_stopped_by_hand_says_when_to_try_again(api, pages, container):
    from workflows.types import workflow_id

    binome = await api.through_intake()
    await container.temporal.get_workflow_handle(workflow_id(binome)).terminate("by hand")
    password = await _account(api, "claire")
    await pages.login("claire", password)
    page = (await pages.get(f"/app/binomes/{binome}")).text
    day = re.search(r'name="occurred_on" required value="([^"]*)"', page).group(1)
    form = {"occurred_on": day, "occurred_time": "00:01", "mode": "video", "next": f"/app/binomes/{binome}"}
    for inline in (False, True):
        answer = await pages.post(f"/app/binomes/{binome}/record/meeting", form, inline=inline)
        assert answer.status_code == 503 and int(answer.headers["retry-after"]) > 0
