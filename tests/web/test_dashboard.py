"""The dashboard's figures, from the results projection: what the binômes did, counted per programme and per
partner organisation."""

import asyncio
import re
from datetime import datetime, timedelta

PASSWORD = "un mot de passe assez long"


def kpi(text: str, name: str) -> str:
    return re.search(rf'data-kpi="{name}">([^<]*)<', text).group(1).strip()


async def test_the_dashboard_counts_what_the_binomes_did(api, pages):
    await api.ok("/organisations", {"organisation_id": "forem", "kind": "isp", "name": "Le Forem"})
    await api.ok("/accounts", {"username": "claire", "role": "coordinator", "programmes": ["default"],
                               "password": PASSWORD})
    placed = await api.through_intake()
    await api.ok(f"/binomes/{placed}/meetings", {"mode": "video"})
    await api.ok(f"/binomes/{placed}/exit/positive", {"outcome": "job", "details": "CDI"})
    stopped = await api.through_intake()
    await api.ok(f"/binomes/{stopped}/exit/early-stop", {"by": "mentee", "reason": "Déménagement"})
    running = await api.through_intake()
    await api.env.sleep(timedelta(days=45))  # month 1 checked (no meeting), first monitoring contact due
    await api.ok(f"/binomes/{running}/monitoring-contacts", {"outcome": "Tout va bien"})
    await pages.login("claire", PASSWORD)

    async def counted() -> str:
        page = (await pages.get("/app/dashboard")).text
        return page if kpi(page, "on_time_rate").startswith("100") else ""

    for _ in range(100):  # the results view follows the store
        if page := await counted():
            break
        await asyncio.sleep(0.1)
    assert (kpi(page, "started"), kpi(page, "ended"), kpi(page, "meetings")) == ("3", "2", "1")
    assert kpi(page, "positive_rate").startswith("50")
    assert kpi(page, "cadence_rate").startswith("0") and "0 mois sur 1" in kpi(page, "cadence_rate")
    assert re.search(r'data-table="outcomes">.*?data-key="job".*?<td>1</td>', page, re.S)
    assert re.search(r'data-table="stopped-by">.*?data-key="mentee".*?<td>1</td>', page, re.S)
    assert "<svg" in page and "cdn" not in page.lower()

    # One partner's people only: the ISP referred none of these mentees.
    partner = (await pages.get("/app/dashboard", organisation_id="forem")).text
    assert kpi(partner, "started") == "0"


async def test_a_contact_is_on_time_by_when_it_happened_and_one_still_in_its_grace_is_not_counted(api, pages):
    await api.ok("/accounts", {"username": "claire", "role": "coordinator", "programmes": ["default"],
                               "password": PASSWORD})
    typed_late = await api.through_intake()
    start = datetime.fromisoformat((await api.get(f"/binomes/{typed_late}"))["period_start"])
    await api.env.sleep(timedelta(weeks=6, days=8))  # its deadline passed: late, for now
    await api.ok(f"/binomes/{typed_late}/monitoring-contacts", {
        "outcome": "Appel du mardi", "occurred_at": (start + timedelta(weeks=6, days=2)).isoformat()})
    await api.through_intake()  # began now: its first contact is not due yet
    await pages.login("claire", PASSWORD)

    for _ in range(100):
        page = (await pages.get("/app/dashboard")).text
        if kpi(page, "on_time_rate").startswith("100"):
            break
        await asyncio.sleep(0.1)
    assert kpi(page, "on_time_rate") == "100\xa0% (1 sur 1)"
