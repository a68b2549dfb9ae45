"""A binôme from its proposal to its evaluations, recorded from the pages: the staff's binôme page offers the
forms of each stage, the mentee answers their own evaluation from their phone page."""

import re

PASSWORD = "un mot de passe assez long"


def today_of(page: str) -> dict[str, str]:
    """The day a page's form says by default (today), and the moment it was opened."""
    return {"occurred_on": re.search(r'name="occurred_on" required value="([^"]*)"', page).group(1),
            "opened_at": re.search(r'name="opened_at" value="([^"]*)"', page).group(1), "occurred_time": "23:59"}


async def test_a_binome_is_carried_from_proposal_to_evaluation_from_the_pages(api, pages, new_pages):
    await api.ok("/accounts", {"username": "claire", "role": "coordinator", "programmes": ["default"],
                               "password": PASSWORD})
    binome = await api.propose()
    mentee = (await api.get(f"/binomes/{binome}"))["mentee_id"]
    await api.ok("/accounts", {"username": "bilal", "role": "mentee", "person_id": mentee, "password": PASSWORD})
    await pages.login("claire", PASSWORD)
    here = f"/app/binomes/{binome}"

    async def record(slug: str, **fields) -> None:
        """The stage's form, as the page offers it, sent today (at the moment the page was opened)."""
        await pages.get(here)
        assert f'action="{here}/record/{slug}"' in pages.last.text, slug
        answer = await pages.post(f"{here}/record/{slug}", {**today_of(pages.last.text), "next": here, **fields})
        assert answer.status_code == 303, (slug, answer.text[-600:])

    await record("accept")
    await record("first-meeting", mode="in_person")
    await record("validation", side="mentor", decision="validated")
    await record("validation", side="mentee", decision="validated")
    for party in ("mentor", "mentee", "programme"):
        await record("signature", party=party)
    await record("analysis", strengths="Réseau\nPermis B", weaknesses="CV daté")
    facts = (await api.get(f"/binomes/{binome}/history"))["facts"]
    analysis = next(f for f in facts if f["type"] == "StrengthsWeaknessesAnalysed")
    assert analysis["data"]["strengths"] == ["Réseau", "Permis B"]
    await record("action-plan", **{"actions.0.title": "Refaire le CV", "actions.0.owner": "mentee",
                                   "actions.0.due_on": "2030-01-31", "actions.1.title": "Deux contacts",
                                   "actions.1.owner": "mentor", "actions.2.owner": "both"})  # a row without title
    await record("action", title="Préparer l'entretien", owner="both")
    bad = await pages.post(f"{here}/record/action-status", {**today_of(pages.last.text), "next": here,
                                                             "action_id": "A1", "status": "finished"}, inline=True)
    assert bad.status_code == 422 and 'name="action_id" value="A1"' in bad.text  # asked again, for the same action
    await record("action-status", action_id="A1", status="done")
    await record("action-due", action_id="A3", due_on="2030-03-15")
    plan = {a["action_id"]: (a["title"], a["owner"], a["status"], a["due_on"]) for a in
            (await api.get(f"/binomes/{binome}"))["action_plan"]}
    assert plan == {"A1": ("Refaire le CV", "mentee", "done", "2030-01-31"),
                    "A2": ("Deux contacts", "mentor", "todo", None),
                    "A3": ("Préparer l'entretien", "both", "todo", "2030-03-15")}
    assert 'name="due_on" value="2030-03-15"' in (await pages.get(here)).text
    await record("positive-exit", outcome="job", details="CDI")
    await record("closure-meeting", notes="Bilan")
    await record("evaluation", side="mentor", rating="5", **{"answers.recommend": "Oui"})

    phone = new_pages()
    await phone.login("bilal", PASSWORD)
    mine = (await phone.get("/app/me")).text
    assert 'name="side" value="mentee"' in mine and 'name="answers.objectives_reached"' in mine
    today = today_of(mine)
    refused = await phone.post(f"/app/binomes/{binome}/record/evaluation", {
        **today, "side": "mentee", "rating": "9", "next": "/app/me"}, inline=True)
    assert refused.status_code == 422 and 'name="side" value="mentee"' in refused.text  # still their own side
    done = await phone.post(f"/app/binomes/{binome}/record/evaluation", {
        **today, "side": "mentee", "rating": "4", "answers.objectives_reached": "Oui, un emploi", "next": "/app/me"})
    assert done.status_code == 303
    final = await api.get(f"/binomes/{binome}")
    assert final["stage"] == "completed" and set(final["evaluations"]) == {"mentor", "mentee"}
    other_side = await phone.post(f"/app/binomes/{binome}/record/validation", {
        **today, "side": "mentor", "decision": "validated", "next": "/app/me"})
    assert other_side.status_code in (403, 409)
