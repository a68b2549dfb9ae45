"""The programme's rule on who may act (domain/access.py) through HTTP: 404 for a binôme not theirs, 403 for a
side not theirs, nothing recorded either way, the refusal in the reader's language."""

from tests.api.test_authentication import history_of
from workflows.types import workflow_id


async def test_a_mentor_of_another_binome_gets_404_and_nothing_is_recorded(api):
    binome = await api.propose()
    other = await api.propose()

    answer = await api.post(f"/binomes/{binome}/proposal/accept", **api.as_mentor(other))

    assert answer.status_code == 404 and answer.json()["code"] == "binome_not_found"
    assert [f["type"] for f in await history_of(api, binome)] == ["MentorshipProposed"]


async def test_a_mentor_signing_for_the_mentee_gets_403_naming_the_field_before_any_stage_rule(api):
    binome = await api.through_contract()  # signed by staff for every party already: try again as the mentor
    before = await history_of(api, binome)

    answer = await api.post(f"/binomes/{binome}/contract/signatures", {"party": "mentee"},
                            **api.as_mentor(binome), **{"Accept-Language": "fr"})

    assert answer.status_code == 403
    assert (answer.json()["code"], answer.json()["field"]) == ("not_your_side", "party")
    assert answer.json()["message"] == "Vous ne pouvez agir que pour votre propre côté du binôme."
    assert await history_of(api, binome) == before


async def test_a_partners_user_may_not_send_binome_commands(api):
    binome = await api.propose()

    answer = await api.post(f"/binomes/{binome}/proposal/accept", **api.as_("isp", "forem"))

    assert answer.status_code == 403 and answer.json()["code"] == "role_may_not"
    assert [f["type"] for f in await history_of(api, binome)] == ["MentorshipProposed"]


async def test_a_stranger_resending_someone_elses_command_learns_nothing_of_it(api):
    binome = await api.through_intake()
    other = await api.propose()
    body = {"mode": "video", "notes": "Préparation d'entretien"}
    await api.ok(f"/binomes/{binome}/meetings", body, **{"Idempotency-Key": "cal-7"})

    answer = await api.post(f"/binomes/{binome}/meetings", body,
                            **{"Idempotency-Key": "cal-7", **api.as_mentor(other)})

    assert answer.status_code == 404 and answer.json()["code"] == "binome_not_found"
    assert "notes" not in answer.text


async def test_a_closed_binome_answers_a_stranger_404_not_that_it_is_closed(api, container):
    binome = await api.through_intake()
    other = await api.propose()
    await api.ok(f"/binomes/{binome}/exit/early-stop", {"by": "staff", "reason": "Fin du programme."})
    await api.ok(f"/binomes/{binome}/closure-meeting", {})
    for side in ("mentor", "mentee"):
        await api.ok(f"/binomes/{binome}/evaluations", {"side": side, "rating": 4, "answers": {"relationship": "Bien"}})
    await container.temporal.get_workflow_handle(workflow_id(binome)).result()  # closed: the store answers now

    stranger = await api.post(f"/binomes/{binome}/meetings", {"mode": "video"},
                              **api.as_mentor(other))
    staff = await api.post(f"/binomes/{binome}/meetings", {"mode": "video"})

    assert stranger.status_code == 404 and stranger.json()["code"] == "binome_not_found"
    assert staff.status_code == 409 and staff.json()["code"] == "binome_closed"
