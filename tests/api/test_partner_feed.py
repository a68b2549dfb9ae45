"""An ISP partner is kept informed: its own feed, read with its own credentials, gives the progress of the mentees
it referred (selected, proposed, validated by both, exited with its kind) and nothing of anyone else's."""

from tests.api.conftest import Api
from tests.api.test_scoped_reads import until

SELECTED = {"criteria": {"available_full_time": True, "wants_mentoring": True, "professional_project": True},
            "selected": True}
ANSWERS = {"situation": "…", "project": "…", "obstacles": "…", "expectations": "…", "availability": "…"}


async def referred_and_selected(api: Api, name: str, isp: str) -> str:
    mentee = (await api.ok("/mentees", {"name": name, "organisation_id": isp, "adviser": "Marc"}))["person_id"]
    await api.ok(f"/mentees/{mentee}/presentation")
    await api.ok(f"/mentees/{mentee}/selection-interview", {"answers": ANSWERS})
    await api.ok(f"/mentees/{mentee}/selection-decision", SELECTED)
    return mentee


async def test_an_isp_follows_its_mentees_progress_and_only_theirs(api):
    for isp in ("actiris", "forem"):
        await api.organisation(isp, "isp")
    mentee = await referred_and_selected(api, "Bilal", "actiris")
    await referred_and_selected(api, "Chloé", "forem")
    await api.ok("/mentees", {"name": "Direct", "step": "selected"})  # applied directly: nobody's feed
    declined = (await api.ok("/mentors", {"name": "Yves", "step": "ready"}))["person_id"]
    first = (await api.ok("/binomes", {"mentor_id": declined, "mentee_id": mentee}))["binome_id"]
    await api.ok(f"/binomes/{first}/proposal/refuse", {"reason": "Pas disponible ce trimestre"},
                 **api.as_("mentor", declined))
    mentor = (await api.ok("/mentors", {"name": "Anne", "step": "ready"}))["person_id"]
    binome = (await api.ok("/binomes", {"mentor_id": mentor, "mentee_id": mentee}))["binome_id"]
    await api.ok(f"/binomes/{binome}/proposal/accept", **api.as_("mentor", mentor))
    await api.ok(f"/binomes/{binome}/first-meeting", {"mode": "in_person"})
    for side in ("mentor", "mentee"):
        await api.ok(f"/binomes/{binome}/validations", {"side": side, "decision": "validated"})
    for party in ("mentor", "mentee", "programme"):
        await api.ok(f"/binomes/{binome}/contract/signatures", {"party": party})
    await api.ok(f"/binomes/{binome}/exit/early-stop", {"by": "mentee", "reason": "Déménagement à Liège"})
    actiris = api.as_("isp", "actiris")

    async def feed(after: int = 0) -> dict:
        answer = await api.http.get("/organisations/actiris/feed", params={"after": after},
                                    headers={**actiris, "Accept-Language": "en"})
        assert answer.status_code == 200, answer.text
        return answer.json()

    page = await until(feed, lambda page: len(page["items"]) == 6)

    assert [(e["kind"], e["mentee_id"], e["binome_id"]) for e in page["items"]] == [
        ("selected", mentee, None), ("proposed", mentee, first), ("proposal_ended", mentee, first),
        ("proposed", mentee, binome), ("validated", mentee, binome), ("exited", mentee, binome)]
    assert page["items"][-1]["detail"] == {"exit": "early_stop"}  # not the reason: that is the pair's
    assert page["items"][4]["kind_label"] == "Binôme validated by both"
    assert not any(secret in str(page) for secret in ("Déménagement", "trimestre", mentor, declined))
    later = await feed(page["items"][3]["position"])
    assert [e["kind"] for e in later["items"]] == ["validated", "exited"]
    assert (await feed(page["next_after"]))["items"] == []


async def test_another_isps_feed_is_not_found_and_other_roles_may_not_read_one(api):
    for isp in ("actiris", "forem"):
        await api.organisation(isp, "isp")
    await api.organisation("acme", "company")

    other = await api.http.get("/organisations/forem/feed", headers=api.as_("isp", "actiris"))
    company = await api.http.get("/organisations/actiris/feed", headers=api.as_("company", "acme"))
    not_an_isp = await api.http.get("/organisations/acme/feed")

    assert (other.status_code, other.json()["code"]) == (404, "organisation_not_found")
    assert (company.status_code, company.json()["code"]) == (403, "role_may_not")
    assert (not_an_isp.status_code, not_an_isp.json()["code"]) == (409, "feed_for_isps_only")
