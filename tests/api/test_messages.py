"""Every answer's message is rendered at the edge in the reader's language; bodies carry codes, fields and params."""

import asyncio
from datetime import date, datetime, timedelta

import pytest

NO_BINOME = "6d1f1f43-5b9b-4a1c-8f4e-2f0e4f0b1a11"


@pytest.fixture
def store_kind() -> str:
    # Messages do not depend on the store: one is enough here.
    return "sqlite"


VALIDATION_TOO_EARLY = {
    "fr": "La validation se fait après la première rencontre, avant le contrat (étape actuelle : Proposé au mentor).",
    "nl": "De validatie gebeurt na de eerste ontmoeting, vóór het contract (huidige stap: Voorgesteld aan de mentor).",
    "en": "Validation comes after the first meeting, before the contract (current stage: Proposed to the mentor).",
}


@pytest.mark.parametrize("accept_language, language", [
    (None, "fr"), ("fr-BE", "fr"), ("nl-BE", "nl"), ("en", "en"), ("en-GB,en;q=0.9,fr;q=0.5", "en"),
    ("de", "fr"), ("de-DE, nl;q=0.3", "nl"),
])
async def test_a_refusal_reads_in_the_readers_language(api, accept_language, language):
    binome = await api.propose()
    headers = {"Accept-Language": accept_language} if accept_language else {}

    answer = await api.post(f"/binomes/{binome}/validations", {"side": "mentor", "decision": "validated"}, **headers)

    assert answer.status_code == 409
    assert answer.json() == {"code": "validation_after_first_meeting", "params": {"stage_code": "stage.proposed"},
                             "field": None, "errors": [], "message": VALIDATION_TOO_EARLY[language]}


async def test_an_input_refused_by_the_rules_names_its_field_and_fills_its_params_in_each_language(api):
    binome = await api.propose()
    proposed_on = datetime.fromisoformat((await api.get(f"/binomes/{binome}"))["proposed_at"]).date().isoformat()
    before = f"{date.fromisoformat(proposed_on) - timedelta(days=1)}T10:00:00Z"
    expected = {
        "fr": f"La date ne peut pas précéder la proposition ({proposed_on}).",
        "nl": f"De datum mag niet vóór het voorstel liggen ({proposed_on}).",
        "en": f"The date cannot be before the proposal ({proposed_on}).",
    }

    for language, message in expected.items():
        answer = await api.post(f"/binomes/{binome}/proposal/accept", {"occurred_at": before},
                                **{"Accept-Language": language})
        body = answer.json()
        assert answer.status_code == 422
        assert (body["code"], body["field"], body["message"]) == ("date_before_step", "occurred_at", message)
        assert body["params"] == {"step_code": "moment.proposal", "earliest": proposed_on}
        assert body["errors"] == [{k: body[k] for k in ("code", "message", "params", "field")}]


async def test_stage_labels_and_task_labels_follow_the_readers_language(api):
    binome = await api.through_intake()
    await api.env.sleep(timedelta(weeks=6, hours=1))

    async def due_contact(language):
        response = await api.http.get("/tasks", params={"kind": "monitoring_contact"},
                                       headers={"Accept-Language": language})
        return [t for t in response.json()["items"] if t["binome_id"] == binome]

    for _ in range(100):  # the workflow records the due contact on its own timer: wait for the view
        if await due_contact("fr"):
            break
        await asyncio.sleep(0.05)
    labels = {language: (await due_contact(language))[0]["label"] for language in ("fr", "nl", "en")}
    assert labels == {"fr": "Contact de suivi n° 1 à réaliser.", "nl": "Opvolgingscontact nr. 1 uit te voeren.",
                      "en": "Monitoring contact no. 1 to make."}
    one = await api.http.get(f"/binomes/{binome}", headers={"Accept-Language": "nl-BE"})
    assert one.json()["stage_label"] == "Werk in duo"
    # Month 1 (checked three days after its end, before the contact is due) had no meeting: a shortfall too.
    assert {t["kind"]: t["label"] for t in one.json()["open_tasks"]} == {
        "cadence_shortfall": "Maand 1: 0 ontmoeting(en) van de 2 verwachte — contacteer het duo.",
        "monitoring_contact": "Opvolgingscontact nr. 1 uit te voeren.",
    }
    listed = await api.http.get("/binomes", headers={"Accept-Language": "en"})
    assert [b["stage_label"] for b in listed.json()["items"]] == ["Working together"]
    default = await api.get(f"/binomes/{binome}")
    assert default["stage_label"] == "Travail en binôme"


async def test_a_malformed_body_names_the_field_and_never_echoes_the_input(api):
    answer = await api.post(f"/binomes/{NO_BINOME}/first-meeting", {"mode": "bus-SECRET-42"},
                            **{"Accept-Language": "en"})

    body = answer.json()
    assert answer.status_code == 422 and "SECRET-42" not in answer.text
    assert (body["code"], body["field"], body["params"]) == ("invalid.literal_error", "mode",
                                                             {"expected": "in_person, video"})
    assert body["message"] == "Expected one of: in_person, video."


async def test_a_nested_field_is_named_by_its_path(api):
    answer = await api.post(f"/binomes/{NO_BINOME}/action-plan", {"actions": [{"title": "  ", "owner": "mentee"}]},
                            **{"Accept-Language": "nl"})

    body = answer.json()
    assert answer.status_code == 422
    assert (body["code"], body["field"], body["params"]) == ("invalid.string_too_short", "actions.0.title",
                                                             {"min_length": 1})
    assert body["message"] == "Minstens 1 teken(s)."


async def test_a_bad_header_is_named_as_the_header(api):
    key = "K" * 190 + "-SECRET-KEY"
    answer = await api.post(f"/binomes/{NO_BINOME}/proposal/accept", {}, **{"Idempotency-Key": key})

    body = answer.json()
    assert answer.status_code == 422 and "SECRET-KEY" not in answer.text
    assert (body["code"], body["field"], body["params"]) == ("invalid.string_too_long", "Idempotency-Key",
                                                             {"max_length": 200})
    assert body["message"] == "Au plus 200 caractères."


async def test_every_missing_field_is_listed(api):
    answer = await api.post(f"/binomes/{NO_BINOME}/validations", {})

    body = answer.json()
    assert answer.status_code == 422
    assert [(e["code"], e["field"], e["message"]) for e in body["errors"]] == [
        ("invalid.missing", "side", "Ce champ est obligatoire."),
        ("invalid.missing", "decision", "Ce champ est obligatoire."),
    ]
    assert (body["code"], body["field"]) == ("invalid.missing", "side")


async def test_a_body_that_is_not_json_is_refused_as_such(api):
    answer = await api.http.post(f"/binomes/{NO_BINOME}/proposal/accept", content=b'{"occurred_at": SECRET',
                                 headers={"Content-Type": "application/json", "Accept-Language": "en"})

    body = answer.json()
    assert answer.status_code == 422 and "SECRET" not in answer.text
    assert (body["code"], body["field"], body["message"]) == ("invalid.json_invalid", "body",
                                                              "The request body is not valid JSON.")


async def test_unknown_addresses_and_methods_answer_with_codes(api):
    unknown = await api.http.get("/nowhere", headers={"Accept-Language": "nl"})
    wrong_method = await api.http.delete("/binomes")

    assert (unknown.status_code, unknown.json()["code"], unknown.json()["message"]) == (404, "http.404",
                                                                                          "Onbekend adres.")
    assert (wrong_method.status_code, wrong_method.json()["code"]) == (405, "http.405")
    assert wrong_method.json()["message"] == "Méthode non autorisée pour cette adresse."


async def test_an_unknown_binome_is_a_404_with_its_code(api):
    answer = await api.http.get(f"/binomes/{NO_BINOME}", headers={"Accept-Language": "en"})

    assert answer.status_code == 404
    assert (answer.json()["code"], answer.json()["message"]) == ("binome_not_found", "Unknown pair.")
