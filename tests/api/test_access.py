"""The programme's rule on who may act (domain/access.py) through HTTP: 404 for a binôme not theirs, 403 for a
side not theirs, nothing recorded either way, the refusal in the reader's language."""

from tests.api.test_principal import history_of


async def test_a_mentor_of_another_binome_gets_404_and_nothing_is_recorded(api):
    binome = await api.propose()
    other = await api.propose()

    answer = await api.post(f"/binomes/{binome}/proposal/accept", **{"X-Actor": f"mentor:{api.mentors[other]}"})

    assert answer.status_code == 404 and answer.json()["code"] == "binome_not_found"
    assert [f["type"] for f in await history_of(api, binome)] == ["MentorshipProposed"]


async def test_a_mentor_signing_for_the_mentee_gets_403_naming_the_field(api):
    binome = await api.through_contract()  # signed by staff for every party already: try again as the mentor
    before = await history_of(api, binome)

    answer = await api.post(f"/binomes/{binome}/contract/signatures", {"party": "mentee"},
                            **{"X-Actor": f"mentor:{api.mentors[binome]}", "Accept-Language": "fr"})

    assert answer.status_code == 403
    assert (answer.json()["code"], answer.json()["field"]) == ("not_your_side", "party")
    assert answer.json()["message"] == "Vous ne pouvez agir que pour votre propre côté du binôme."
    assert await history_of(api, binome) == before


async def test_an_integration_may_not_answer_a_proposal(api):
    binome = await api.propose()

    answer = await api.post(f"/binomes/{binome}/proposal/accept", **{"X-Actor": "integration:agenda"})

    assert answer.status_code == 403 and answer.json()["code"] == "command_not_for_role"
    assert [f["type"] for f in await history_of(api, binome)] == ["MentorshipProposed"]
