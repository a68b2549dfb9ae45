"""A programme's lists from the administration pages: questions, checklist and criteria as rows of key and label,
the matching criteria's boxes and weights; a new programme."""

import html
import re

from web.programme_form import key_from

PASSWORD = "un mot de passe assez long"


async def _admin(api, pages) -> None:
    await api.ok("/accounts", {"username": "root", "role": "administrator", "password": PASSWORD})
    await pages.login("root", PASSWORD)


def _rows(page: str, name: str) -> dict[str, str]:
    """The form's rows of a list as shown: every input named `<name>.<row>.key|label`, with its value."""
    return {field: html.unescape(value) for field, value in
            re.findall(rf'name="({re.escape(name)}\.\d+\.(?:key|label))" value="([^"]*)"', page)}


def _matching(page: str) -> dict[str, str]:
    weights = dict(re.findall(r'name="(matching\.[a-z_]+\.weight)"[^>]*value="([^"]*)"', page))
    boxes = {name: "on" for name in re.findall(r'name="(matching\.[a-z_]+\.mandatory)" checked', page)}
    return {**weights, **boxes}


async def test_the_evaluation_questions_and_the_matching_weights_are_edited_from_the_programme_page(api, pages):
    await _admin(api, pages)
    page = (await pages.get("/app/admin/programmes/default")).text
    rows = _rows(page, "evaluation_questions")
    before = (await api.get("/programmes/default"))["settings"]
    first_key = rows["evaluation_questions.0.key"]
    assert rows["evaluation_questions.0.label"] == before["evaluation_questions"][first_key]
    count = len(before["evaluation_questions"])
    rows[f"evaluation_questions.{count}.label"] = "Qu'avez-vous appris ?"  # a new row, no key
    rows["evaluation_questions.0.label"] = ""  # the first question removed
    form = {**rows, **_rows(page, "first_meeting_checklist"), **_rows(page, "selection_criteria"),
            **_rows(page, "interview_questions"), **_matching(page), "idempotency_key": "lists-0001"}
    form["matching.sector.weight"] = "40"
    form.pop("matching.languages.mandatory")
    saved = await pages.post("/app/admin/programmes/default/lists", form)
    assert saved.status_code == 303
    settings = (await api.get("/programmes/default"))["settings"]
    assert first_key not in settings["evaluation_questions"]
    assert settings["evaluation_questions"]["qu_avez_vous_appris"] == "Qu'avez-vous appris ?"
    assert len(settings["evaluation_questions"]) == count
    assert settings["matching_criteria"]["sector"]["weight"] == 40
    assert settings["matching_criteria"]["languages"]["mandatory"] is False
    assert settings["interview_questions"] == before["interview_questions"]  # untouched lists unchanged

    page = (await pages.get("/app/admin/programmes/default")).text
    emptied = {**{name: "" for name in _rows(page, "interview_questions")}, **_matching(page)}
    refused = await pages.post("/app/admin/programmes/default/lists", {**emptied, "idempotency_key": "lists-0002"})
    assert refused.status_code == 422 and 'id="list-interview_questions-error"' in refused.text
    assert (await api.get("/programmes/default"))["settings"]["interview_questions"] == \
        before["interview_questions"]
    noweights = {**_matching(page), **{f"matching.{c}.weight": "0" for c in settings["matching_criteria"]}}
    refused = await pages.post("/app/admin/programmes/default/lists", {**noweights, **_rows(page, "interview_questions"),
                                                                        **_rows(page, "evaluation_questions"),
                                                                        **_rows(page, "first_meeting_checklist"),
                                                                        **_rows(page, "selection_criteria")})
    assert refused.status_code in (409, 422) and 'id="list-matching-error"' in refused.text


async def test_a_selection_criterion_added_in_the_page_is_asked_at_the_selection_decision(api, pages):
    await _admin(api, pages)
    page = (await pages.get("/app/admin/programmes/default")).text
    form = {**_rows(page, "evaluation_questions"), **_rows(page, "first_meeting_checklist"),
            **_rows(page, "selection_criteria"), **_rows(page, "interview_questions"), **_matching(page)}
    row = len([name for name in form if name.startswith("selection_criteria.") and name.endswith(".key")
               and form[name]])
    form[f"selection_criteria.{row}.key"] = "lives_in_brussels"
    form[f"selection_criteria.{row}.label"] = "Habite en Région bruxelloise"
    assert (await pages.post("/app/admin/programmes/default/lists", form)).status_code == 303
    mentee = (await api.ok("/mentees", {"name": "Karim", "step": "interviewed"}))["person_id"]
    record = (await pages.get(f"/app/mentees/{mentee}")).text
    assert 'name="criteria.lives_in_brussels"' in record and "Habite en Région bruxelloise" in record


async def test_a_new_programme_is_created_then_listed_and_a_taken_id_is_refused(api, pages):
    await _admin(api, pages)
    await pages.get("/app/admin/programmes")
    created = await pages.post("/app/admin/programmes", {"programme_id": "wallonie", "name": "Mentorat Wallonie",
                                                         "idempotency_key": "new-programme-1"})
    assert created.status_code == 303 and created.headers["location"] == "/app/admin/programmes/wallonie"
    assert (await api.get("/programmes/wallonie"))["name"] == "Mentorat Wallonie"
    listed = (await pages.get("/app/admin/programmes")).text
    assert "Mentorat Wallonie" in listed
    bad = await pages.post("/app/admin/programmes", {"programme_id": "Not An Id", "name": "X"})
    assert bad.status_code == 422 and 'id="new-programme_id-error"' in bad.text and 'value="Not An Id"' in bad.text
    taken = await pages.post("/app/admin/programmes", {"programme_id": "wallonie", "name": "Autre",
                                                       "idempotency_key": "new-programme-2"})
    assert taken.status_code == 409
    assert (await api.get("/programmes/wallonie"))["name"] == "Mentorat Wallonie"


def test_a_key_is_made_from_a_label():
    assert key_from("Qu'avez-vous appris ?") == "qu_avez_vous_appris"
    assert key_from("Été 2026 : bilan") == "ete_2026_bilan"
    assert key_from("2 objectifs") == "item_2_objectifs"
    assert key_from("???") == "item"


async def test_saving_the_lists_keeps_a_programmes_own_matching_criteria(api, pages):
    await api.ok("/programmes", {"programme_id": "bxl", "name": "Bruxelles", "matching_criteria": {
        "sector": {"mandatory": False, "weight": 60}, "languages": {"mandatory": True, "weight": 40}}})
    await _admin(api, pages)
    page = (await pages.get("/app/admin/programmes/bxl")).text
    assert 'name="matching.age.weight" type="number" min="0" inputmode="numeric" value="0"' in page
    form = {**_rows(page, "evaluation_questions"), **_rows(page, "first_meeting_checklist"),
            **_rows(page, "selection_criteria"), **_rows(page, "interview_questions"), **_matching(page)}
    form["evaluation_questions.0.label"] = "Les objectifs sont-ils atteints ?"
    assert (await pages.post("/app/admin/programmes/bxl/lists", form)).status_code == 303
    settings = (await api.get("/programmes/bxl"))["settings"]
    assert settings["evaluation_questions"]["objectives_reached"] == "Les objectifs sont-ils atteints ?"
    assert settings["matching_criteria"] == {"sector": {"mandatory": False, "weight": 60},
                                             "languages": {"mandatory": True, "weight": 40}}
