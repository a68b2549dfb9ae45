"""Mentors' and mentees' journeys from the pages: the pipeline, the list, a record and its next collective step."""

import re
from datetime import date

PASSWORD = "un mot de passe assez long"


async def test_a_candidate_mentors_information_session_is_recorded_from_the_record(api, pages):
    mentor = (await api.ok("/mentors", {"name": "Zoé Peeters", "email": "zoe@example.org",
                                        "languages": ["nl", "fr"]}))["person_id"]
    await api.ok("/accounts", {"username": "claire", "role": "coordinator", "programmes": ["default"],
                               "password": PASSWORD})
    await pages.login("claire", PASSWORD)

    pipeline = (await pages.get("/app/pipelines/mentors")).text
    assert re.search(r'data-step="candidate"><th scope="row">[^<]+</th><td>1</td>', pipeline)
    assert f'/app/mentors/{mentor}">Zoé Peeters' in pipeline

    record = await pages.get(f"/app/mentors/{mentor}")
    assert record.status_code == 200 and 'data-fact="MentorRegistered"' in record.text
    assert f'action="/app/mentors/{mentor}/steps/information-session"' in record.text
    key = re.search(r'name="idempotency_key" value="([^"]+)"', record.text).group(1)
    form = {"occurred_on": date.today().isoformat(), "occurred_time": "00:01", "duration_minutes": "60",
            "idempotency_key": key}
    done = await pages.post(f"/app/mentors/{mentor}/steps/information-session", form)
    assert done.status_code == 303
    again = await pages.post(f"/app/mentors/{mentor}/steps/information-session", form)
    assert again.status_code == 303  # the same form twice: recorded once
    journey = await api.get(f"/mentors/{mentor}/journey")
    assert [f["type"] for f in journey["facts"]].count("InformationSessionAttended") == 1
    record = (await pages.get(f"/app/mentors/{mentor}")).text
    assert 'data-step="informed"' in record and 'data-fact="InformationSessionAttended"' in record

    bad = await pages.post(f"/app/mentors/{mentor}/steps/information-session",
                           {"occurred_on": "someday", "idempotency_key": "another-key-01"})
    assert bad.status_code == 422 and 'aria-invalid="true"' in bad.text


async def test_an_unknown_role_or_person_is_a_page_not_a_500(api, pages):
    await api.ok("/accounts", {"username": "claire", "role": "coordinator", "programmes": ["default"],
                               "password": PASSWORD})
    await pages.login("claire", PASSWORD)
    assert (await pages.get("/app/pipelines/bosses")).status_code == 404
    assert (await pages.get("/app/mentees/nobody")).status_code == 404


def _form_of(page: str, slug: str) -> dict[str, str]:
    """The form's own hidden values (its key, the day it offers, when it was opened)."""
    form = re.search(rf'action="[^"]*/steps/{slug}"(.*?)</form>', page, re.S).group(1)
    hidden = dict(re.findall(r'<input type="hidden" name="(idempotency_key|opened_at)" value="([^"]*)"', form))
    hidden["occurred_on"] = re.search(r'name="occurred_on" required value="([^"]*)"', form).group(1)
    return {**hidden, "occurred_time": "23:59"}


async def test_a_mentee_is_interviewed_and_selected_and_a_mentor_paused_from_their_records(api, pages):
    mentee = (await api.ok("/mentees", {"name": "Karim", "step": "presented"}))["person_id"]
    mentor = (await api.ok("/mentors", {"name": "Greet", "step": "ready"}))["person_id"]
    await api.ok("/accounts", {"username": "claire", "role": "coordinator", "programmes": ["default"],
                               "password": PASSWORD})
    await pages.login("claire", PASSWORD)

    record = (await pages.get(f"/app/mentees/{mentee}")).text
    assert 'name="answers.situation"' in record  # the programme's interview template
    answers = {f"answers.{key}": "Réponse" for key in ("situation", "project", "obstacles", "expectations",
                                                       "availability")}
    done = await pages.post(f"/app/mentees/{mentee}/steps/selection-interview",
                            {**_form_of(record, "selection-interview"), **answers})
    assert done.status_code == 303
    record = (await pages.get(f"/app/mentees/{mentee}")).text
    assert 'name="criteria.available_full_time"' in record and 'name="criteria.professional_project"' in record
    decision = {**_form_of(record, "selection-decision"), "selected": "true",
                "criteria_shown": ["available_full_time", "wants_mentoring", "professional_project"],
                "criteria.available_full_time": "on", "criteria.wants_mentoring": "on"}
    refused = await pages.post(f"/app/mentees/{mentee}/steps/selection-decision", decision)
    assert refused.status_code == 409  # a criterion not met: the programme's rule says no
    decision["criteria.professional_project"] = "on"
    assert (await pages.post(f"/app/mentees/{mentee}/steps/selection-decision", decision)).status_code == 303
    assert (await api.get(f"/mentees/{mentee}"))["step"] == "selected"

    record = (await pages.get(f"/app/mentors/{mentor}")).text
    paused = await pages.post(f"/app/mentors/{mentor}/steps/pause", {**_form_of(record, "pause"),
                                                                      "until": "2030-09-01", "reason": "Congé"})
    assert paused.status_code == 303
    assert (await api.get(f"/mentors/{mentor}"))["paused_until"].startswith("2030-08-31T22:00")


async def test_a_selection_interview_asked_again_still_shows_the_programmes_questions(api, pages):
    mentee = (await api.ok("/mentees", {"name": "Karim", "step": "presented"}))["person_id"]
    await api.ok("/accounts", {"username": "claire", "role": "coordinator", "programmes": ["default"],
                               "password": PASSWORD})
    await pages.login("claire", PASSWORD)
    record = (await pages.get(f"/app/mentees/{mentee}")).text
    again = await pages.post(f"/app/mentees/{mentee}/steps/selection-interview",
                             {**_form_of(record, "selection-interview"), "occurred_on": "demain"})
    assert again.status_code == 422 and 'name="answers.situation"' in again.text
