"""A coordinator works within the programmes of their scope, on both stores: lists hold only those programmes'
binômes, tasks and people, and anything of another programme is answered as if it did not exist — a command on
its binôme records nothing. Each read of people's personal data is logged, and an administrator lists the log."""

import asyncio
from datetime import timedelta

from tests.api.test_authentication import history_of


async def until(read, holds, seconds: float = 10.0):
    """What `read` answers once `holds` of it: the views follow the store, a moment later."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not holds(answer := await read()):
        assert asyncio.get_running_loop().time() < deadline, f"never held: {answer}"
        await asyncio.sleep(0.05)
    return answer


async def two_programmes(api) -> dict:
    await api.ok("/programmes", {"programme_id": "other", "name": "Autre programme"})
    ids = {}
    for programme in ("default", "other"):
        mentor = (await api.ok("/mentors", {"name": f"Mentor {programme}", "programme_id": programme,
                                            "step": "ready"}))["person_id"]
        mentee = (await api.ok("/mentees", {"name": f"Mentee {programme}", "programme_id": programme,
                                            "step": "selected"}))["person_id"]
        binome = (await api.ok("/binomes", {"mentor_id": mentor, "mentee_id": mentee}))["binome_id"]
        ids[programme] = {"mentor": mentor, "mentee": mentee, "binome": binome}
    return ids


async def test_a_coordinator_sees_and_acts_on_their_programmes_only(api):
    ids = await two_programmes(api)
    claire = api.as_("coordinator", "claire", programmes=("default",))
    await api.env.sleep(timedelta(days=8))  # both proposals expire unanswered: a staff task in each programme
    await until(lambda: api.get("/tasks"), lambda page: page["total"] == 2)

    async def listed(path: str, **params) -> list[str]:
        answer = await api.http.get(path, params=params, headers=claire)
        assert answer.status_code == 200, answer.text
        return [item.get("binome_id") or item.get("person_id") for item in answer.json()["items"]]

    assert await listed("/binomes") == [ids["default"]["binome"]]
    assert await listed("/binomes", programme_id="other") == []
    assert await listed("/mentors") == [ids["default"]["mentor"]]
    tasks = (await api.http.get("/tasks", headers=claire)).json()["items"]
    assert [(t["binome_id"], t["kind"]) for t in tasks] == [(ids["default"]["binome"], "proposal_expired")]
    programmes = (await api.http.get("/programmes", headers=claire)).json()
    assert [p["programme_id"] for p in programmes] == ["default"]
    for path in ("/programmes/other", f"/binomes/{ids['other']['binome']}", f"/mentees/{ids['other']['mentee']}",
                 f"/binomes/{ids['other']['binome']}/history"):
        assert (await api.http.get(path, headers=claire)).status_code == 404, path

    refused = await api.post(f"/binomes/{ids['other']['binome']}/first-meeting", {"mode": "video"}, **claire)
    proposal = await api.post("/binomes", {"mentor_id": ids["other"]["mentor"],
                                           "mentee_id": ids["default"]["mentee"]}, **claire)
    registration = await api.post("/mentors", {"name": "Zoé", "programme_id": "other"}, **claire)
    assert [(a.status_code, a.json()["code"]) for a in (refused, proposal, registration)] == [
        (404, "binome_not_found"), (404, "mentor_not_found"), (404, "programme_not_found")]
    assert [f["type"] for f in await history_of(api, ids["other"]["binome"])] == ["MentorshipProposed",
                                                                                  "ProposalExpired"]
    again = await api.post("/binomes", {"mentor_id": ids["default"]["mentor"], "mentee_id": ids["default"]["mentee"]},
                           **claire)
    assert again.status_code == 201
    assert (await history_of(api, again.json()["binome_id"]))[0]["actor"] == "staff:claire"


async def test_who_read_whose_personal_data_is_logged_for_the_administrator(api):
    ids = await two_programmes(api)
    mentee, binome = ids["default"]["mentee"], ids["default"]["binome"]
    claire = api.as_("coordinator", "claire", programmes=("default",))
    own = api.as_("mentee", mentee)

    assert (await api.http.get(f"/mentees/{mentee}", headers=claire)).status_code == 200
    assert (await api.http.get(f"/binomes/{binome}/history", headers=claire)).status_code == 200
    assert (await api.http.get("/mentees", headers=claire)).status_code == 200
    assert (await api.http.get(f"/mentees/{mentee}", headers=own)).status_code == 200  # one's own: not logged

    # The log is a view of the store: it shows the four rows (the history shows both of the pair) once applied.
    await until(lambda: api.get("/audit/personal-data-reads"), lambda page: page["total"] == 4)

    async def reads_of(person: str) -> list[tuple[str, str]]:
        page = await api.get("/audit/personal-data-reads", person_id=person)
        return [(row["reader"], row["what"]) for row in page["items"]]

    assert sorted(await reads_of(mentee)) == [("staff:claire", "binomes.history"), ("staff:claire", "mentees.list"),
                                              ("staff:claire", "mentees.read")]
    assert ("staff:claire", "binomes.history") in await reads_of(ids["default"]["mentor"])
    assert await reads_of(ids["other"]["mentee"]) == []
    by_reader = await api.get("/audit/personal-data-reads", reader="staff:claire")
    assert len(by_reader["items"]) == 4 and by_reader["total"] == 4
    refused = await api.http.get("/audit/personal-data-reads", headers=claire)
    assert (refused.status_code, refused.json()["code"]) == (403, "role_may_not")
