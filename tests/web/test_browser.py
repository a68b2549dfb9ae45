"""The staff's pages in a real browser (Debian's chromium, driven by Playwright) over the real service: uvicorn
serving the application, a real worker, the time-skipping Temporal server, a SQLite store.

Each main page is kept as a screenshot under test-artefacts/screenshots/ and checked with axe-core: no serious or
critical accessibility violation.
"""

import asyncio
import contextlib
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import uvicorn
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Page, async_playwright, expect

from tests.support.ports import free_port
from tests.web.test_matching_pages import matchable

pytestmark = pytest.mark.slow
CHROMIUM = "/usr/bin/chromium"
ARTEFACTS = Path(os.environ.get("MENTORAT_TEST_ARTEFACTS", Path(__file__).resolve().parents[2] / "test-artefacts"))
PASSWORD = "un mot de passe assez long"


@contextlib.asynccontextmanager
async def http_server(app):
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await serving


async def accessible(page: Page, name: str) -> None:
    """Kept as a screenshot, and checked by axe-core."""
    folder = ARTEFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    results = await Axe().run(page)
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
               for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, f"{name}: {serious}"


async def log_in(page: Page, base: str, username: str) -> None:
    await page.goto(f"{base}/app/")
    await page.get_by_label("Nom d'utilisateur").fill(username)
    await page.get_by_label("Mot de passe").fill(PASSWORD)
    await page.get_by_role("button", name="Se connecter").click()


async def test_staff_work_from_the_browser(api):
    assert Path(CHROMIUM).exists(), "Debian's chromium is needed: scripts/test installs it"
    await api.ok("/programmes", {"programme_id": "bxl", "name": "Bruxelles"})
    for username, programmes in (("claire", ["default"]), ("piet", ["bxl"])):
        await api.ok("/accounts", {"username": username, "role": "coordinator", "programmes": programmes,
                                   "password": PASSWORD})
    binome = await api.through_intake()
    await api.env.sleep(timedelta(days=40))  # the first month ends short of meetings: a task for the staff
    mentor = await matchable(api, "mentor", "Gaëlle")
    mentee = await matchable(api, "mentee", "Hamid")

    async with http_server(api.app) as base, async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            page = await browser.new_page(locale="fr-BE", viewport={"width": 1280, "height": 900})
            await log_in(page, base, "claire")
            await expect(page.get_by_role("heading", name="Tâches du jour")).to_be_visible()
            task = page.locator("li.task[data-task-kind=cadence_shortfall]")
            for _ in range(100):  # the view catches up with the workflow's timer
                if await task.count():
                    break
                await page.wait_for_timeout(100)
                await page.reload()
            await expect(task).to_contain_text("Anne")
            await accessible(page, "tasks")

            # A meeting recorded from the task list, without leaving it.
            await task.get_by_text("Rencontre tenue").click()
            form = task.locator("form[action$='/record/meeting']")
            await form.get_by_label("Heure (facultatif)").fill("23:59")  # today: as at the moment it was opened
            await form.get_by_label("Comment").select_option("video")
            await form.get_by_label("Notes").fill("Préparation d'entretien")
            await form.get_by_role("button", name="Enregistrer").click()
            await expect(task.get_by_role("status")).to_contain_text("Rencontre tenue")
            assert page.url == f"{base}/app/tasks"

            # The binôme's page: the meeting in the audit timeline, with who recorded it.
            await page.goto(f"{base}/app/binomes/{binome}")
            meeting = page.locator("tr[data-fact=MeetingHeld]")
            await expect(meeting).to_contain_text("Préparation d'entretien")
            await expect(meeting).to_contain_text("claire")
            await expect(page.locator("[data-meetings-held]")).to_have_text("1")
            await accessible(page, "binome")

            await page.goto(f"{base}/app/binomes")
            await expect(page.get_by_role("link", name="Anne")).to_be_visible()
            await accessible(page, "binomes")

            await page.goto(f"{base}/app/dashboard")
            await expect(page.locator("[data-table=by-stage] tr[data-stage=active] td")).to_have_text("1")
            await expect(page.locator("[data-kpi=meetings]")).to_have_text("1")  # the meeting just recorded
            await accessible(page, "dashboard")

            # The other main pages, each kept and checked.
            for name, path in (("mentors", "/app/pipelines/mentors"), ("mentees", "/app/pipelines/mentees"),
                               ("mentor", f"/app/mentors/{mentor}"), ("sessions", "/app/sessions"),
                               ("organisations", "/app/organisations"), ("reports", "/app/reports"),
                               ("matching", "/app/matching")):
                answer = await page.goto(f"{base}{path}")
                assert answer.status == 200, path
                await accessible(page, name)

            # Matching: a waiting mentee's suggestions, explained, and one proposed.
            await page.get_by_role("link", name="Matching").click()
            await page.get_by_role("link", name="Hamid").click()
            suggestion = page.locator(f"li[data-mentor='{mentor}']")
            await expect(suggestion.locator("tr", has_text="Langues")).to_contain_text("15 / 15")
            await accessible(page, "suggestions")
            await suggestion.get_by_role("button", name="Proposer à Gaëlle").click()
            await expect(page.locator("[data-stage]")).to_have_text("Proposé au mentor")
            proposed = (await api.get("/binomes", mentee_id=mentee))["items"]
            assert [b["mentor_id"] for b in proposed] == [mentor]

            # Dutch, chosen once and kept on the next pages.
            await page.goto(f"{base}/app/dashboard")
            await page.get_by_label("Langue").select_option("nl")
            await expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
            await page.goto(f"{base}/app/tasks")
            await expect(page.get_by_role("heading", name="Taken van vandaag")).to_be_visible()
            await expect(page.locator("html")).to_have_attribute("lang", "nl")
            await page.get_by_role("button", name="Afmelden").click()
            await expect(page.get_by_role("heading", name="Aanmelden")).to_be_visible()
            await accessible(page, "login")

            # A coordinator of another programme: the binôme does not exist for them.
            other = await browser.new_page(locale="fr-BE")
            await log_in(other, base, "piet")
            answer = await other.goto(f"{base}/app/binomes/{binome}")
            assert answer.status == 404
            await expect(other.get_by_role("alert")).to_have_text("Binôme inconnu.")
            await expect(other.locator("body")).not_to_contain_text("Anne")
        finally:
            await browser.close()


async def test_a_mentor_logs_a_meeting_from_a_phone(api):
    binome = await api.through_intake()
    mentor = api.mentors[binome]
    await api.ok("/accounts", {"username": "anne", "role": "mentor", "person_id": mentor, "password": PASSWORD})
    async with http_server(api.app) as base, async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            phone = await browser.new_page(locale="fr-BE", viewport={"width": 390, "height": 844}, is_mobile=True,
                                           has_touch=True)
            await log_in(phone, base, "anne")
            await expect(phone.get_by_role("heading", name="Mon mentorat")).to_be_visible()
            await expect(phone.get_by_text("Refaire le CV")).to_be_visible()
            await accessible(phone, "me-phone")
            await phone.get_by_text("Rencontre tenue").tap()
            form = phone.locator("form[action$='/record/meeting']")
            await form.get_by_label("Heure (facultatif)").fill("23:59")
            await form.get_by_label("Comment").select_option("in_person")
            await form.get_by_role("button", name="Enregistrer").tap()
            await expect(phone.get_by_role("status")).to_contain_text("Rencontre tenue")
        finally:
            await browser.close()
    history = await api.get(f"/binomes/{binome}/history")
    [meeting] = [f for f in history["facts"] if f["type"] == "MeetingHeld"]
    assert meeting["actor"] == f"mentor:{mentor}" and meeting["data"]["mode"] == "in_person"


async def test_staff_register_a_mentee_fill_their_profile_and_an_administrator_edits_the_lists(api):
    await api.ok("/organisations", {"organisation_id": "actiris", "kind": "isp", "name": "Actiris"})
    await api.ok("/accounts", {"username": "claire", "role": "coordinator", "programmes": ["default"],
                               "password": PASSWORD})
    await api.ok("/accounts", {"username": "root", "role": "administrator", "password": PASSWORD})
    async with http_server(api.app) as base, async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            page = await browser.new_page(locale="fr-BE", viewport={"width": 1280, "height": 900})
            await log_in(page, base, "claire")
            await page.goto(f"{base}/app/pipelines/mentees")
            await page.get_by_role("link", name="Inscrire un mentee").click()
            await page.get_by_label("Nom").fill("Bilal Amrani")
            await page.get_by_label("Langues (codes : fr, nl, en…)").fill("fr, ar")
            await page.get_by_label("Organisation partenaire").select_option("actiris")
            await accessible(page, "register-mentee")
            await page.get_by_role("button", name="Enregistrer").click()
            await expect(page.get_by_role("heading", name="Bilal Amrani")).to_be_visible()
            await expect(page.locator("tr[data-fact=MenteeRegistered]")).to_be_visible()

            await page.get_by_role("link", name="Modifier le profil de matching").click()
            await page.get_by_label("H – Transport et entreposage").first.check()
            await page.get_by_label("Commune").select_option(label="Anderlecht")
            await page.get_by_label("Mois sans emploi").fill("14")
            await accessible(page, "profile-form")
            await page.get_by_role("button", name="Enregistrer").click()
            profile = page.get_by_role("region", name="Profil de matching")
            await expect(profile).to_contain_text("H – Transport et entreposage")
            await expect(profile).to_contain_text("Anderlecht")

            # The mentee's collective presentation: a session planned, and Bilal registered on it.
            await page.goto(f"{base}/app/sessions")
            plan = page.locator("form[action='/app/sessions']")
            await plan.get_by_label("Type de séance").select_option("presentation")
            next_month = (datetime.now(timezone.utc) + timedelta(days=30)).strftime("%Y-%m-%dT09:30")
            await plan.get_by_label("Début (date et heure)").fill(next_month)
            await plan.get_by_label("Places").fill("12")
            await plan.get_by_label("Lieu").fill("Rue Royale 2, Bruxelles")
            await plan.get_by_role("button", name="Enregistrer").click()
            await expect(page.get_by_role("heading", name="Présentation collective", level=1)).to_be_visible()
            register = page.locator("form[action$='/registrations']")
            await register.get_by_label("Personne").select_option(label="Bilal Amrani")
            await register.get_by_role("button", name="Enregistrer").click()
            await expect(page.locator("body")).to_contain_text("Bilal Amrani")
            await accessible(page, "session")
            await page.get_by_role("button", name="Se déconnecter").click()

            await log_in(page, base, "root")
            await page.goto(f"{base}/app/admin/programmes/default")
            await page.get_by_label("Poids : Secteur").fill("40")
            await accessible(page, "programme-settings")
            await page.locator("form[action$='/lists']").get_by_role("button", name="Enregistrer").click()
            await expect(page.get_by_role("status")).to_be_visible()
        finally:
            await browser.close()
    [mentee] = (await api.get("/mentees"))["items"]
    assert mentee["organisation_id"] == "actiris" and mentee["profile"]["sectors"] == ["H"]
    assert mentee["profile"]["months_out_of_work"] == 14
    assert (await api.get("/programmes/default"))["settings"]["matching_criteria"]["sector"]["weight"] == 40


async def test_an_isp_and_a_company_read_their_own_pages(api):
    today = datetime.now(timezone.utc).date()
    await api.organisation("actiris", "isp")
    await api.organisation("acme", "company")
    await api.ok("/organisations/acme/agreements", {"signed_on": (today - timedelta(days=30)).isoformat(),
                                                    "signatory": "DRH", "working_time": True,
                                                    "hourly_cost_cents": 4500})
    mentee = (await api.ok("/mentees", {"name": "Bilal", "organisation_id": "actiris"}))["person_id"]
    await api.ok(f"/mentees/{mentee}/presentation", {})
    anne = (await api.ok("/mentors", {"name": "Anne", "background": "employee", "organisation_id": "acme"}))[
        "person_id"]
    await api.ok(f"/mentors/{anne}/information-session", {})
    for username, role, organisation in (("actiris.user", "isp", "actiris"), ("acme.user", "company", "acme")):
        await api.ok("/accounts", {"username": username, "role": role, "organisation_id": organisation,
                                   "password": PASSWORD})
    async with http_server(api.app) as base, async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            isp = await browser.new_page(locale="fr-BE", viewport={"width": 1280, "height": 900})
            await log_in(isp, base, "actiris.user")
            for _ in range(100):  # the feed's view catches up with the presentation
                if await isp.locator(f"[data-mentee='{mentee}']").count():
                    break
                await isp.wait_for_timeout(100)
                await isp.reload()
            await expect(isp.locator(f"[data-mentee='{mentee}']").first).to_be_visible()
            await accessible(isp, "partner-feed")

            company = await browser.new_page(locale="fr-BE", viewport={"width": 1280, "height": 900})
            await log_in(company, base, "acme.user")
            await expect(company.locator(f"tr[data-person='{anne}']")).to_contain_text("Anne")
            await accessible(company, "partner-report")
        finally:
            await browser.close()
