"""Partner organisations from the pages: staff register a company or an ISP and record a company's agreement; the
skills-sponsorship report as a page and as CSV; and the partners' own pages, an ISP's and a company's, each
showing its own organisation's people and nothing of another's."""

import csv
import io
import re
from datetime import datetime, time, timedelta, timezone

from tests.api.test_partner_feed import referred_and_selected
from tests.api.test_scoped_reads import until

PASSWORD = "un mot de passe assez long"


async def _login(api, pages, username: str, role: str = "coordinator", **scope) -> dict:
    body = {"username": username, "role": role, "password": PASSWORD, **scope}
    if role == "coordinator":
        body["programmes"] = ["default"]
    account = await api.ok("/accounts", body)
    assert (await pages.login(username, PASSWORD)).status_code == 303
    return account


def _field_error(text: str, field: str) -> str:
    """The message shown beside `field` (the form's error span for it), or "" when there is none."""
    found = re.search(rf'<span class="field-error" id="[^"]*-{field}-error">([^<]*)</span>', text)
    return found.group(1) if found else ""


async def _register(pages, organisation_id: str, kind: str, name: str, key: str):
    await pages.get("/app/organisations")
    return await pages.post("/app/organisations", {"organisation_id": organisation_id, "kind": kind, "name": name,
                                                   "idempotency_key": key})


async def test_staff_register_a_company_and_an_isp_and_a_double_submit_records_once(api, pages):
    await _login(api, pages, "claire")
    listed = await pages.get("/app/organisations")
    assert 'action="/app/organisations"' in listed.text and 'name="organisation_id"' in listed.text

    first = await _register(pages, "acme", "company", "Acme Logistics", "register-acme-1")
    again = await _register(pages, "acme", "company", "Acme Logistics", "register-acme-1")
    isp = await _register(pages, "actiris", "isp", "Actiris", "register-actiris-1")

    assert (first.status_code, first.headers["location"]) == (303, "/app/organisations/acme")
    assert (again.status_code, again.headers["location"]) == (303, "/app/organisations/acme")
    assert isp.status_code == 303
    assert [(o["organisation_id"], o["kind"], o["name"]) for o in (await api.get("/organisations"))["items"]] == [
        ("acme", "company", "Acme Logistics"), ("actiris", "isp", "Actiris")]
    assert api.app.state.services.organisations.state("acme").version == 1  # one fact, not two
    detail = (await pages.get("/app/organisations/acme")).text
    assert "Acme Logistics" in detail and 'action="/app/organisations/acme/agreements"' in detail
    assert 'action="/app/organisations/actiris/agreements"' not in (await pages.get("/app/organisations/actiris")).text


async def test_a_bad_or_taken_id_is_said_beside_the_id_and_nothing_is_recorded(api, pages):
    await api.organisation("acme", "company")
    await _login(api, pages, "claire")

    bad = await _register(pages, "acme logistics!", "company", "Acme", "register-bad-1")
    taken = await _register(pages, "acme", "isp", "Another Acme", "register-taken-1")
    no_kind = await _register(pages, "forem", "", "Le Forem", "register-no-kind-1")

    assert bad.status_code == 422 and _field_error(bad.text, "organisation_id") == "Format non valide."
    assert taken.status_code == 409
    assert _field_error(taken.text, "organisation_id") == "L&#39;organisation acme existe déjà."
    assert 'value="Another Acme"' in taken.text  # what was typed, to correct
    assert no_kind.status_code == 422 and _field_error(no_kind.text, "kind") == "Ce champ est obligatoire."
    assert [(o["organisation_id"], o["kind"]) for o in (await api.get("/organisations"))["items"]] == [
        ("acme", "company")]


async def test_an_agreement_signed_in_euros_values_a_mentors_hours_in_the_report_and_its_csv(api, pages):
    today = datetime.now(timezone.utc).date()
    await api.organisation("acme", "company")
    await _login(api, pages, "claire")
    await pages.get("/app/organisations/acme")
    agreement = {"signed_on": (today - timedelta(days=30)).isoformat(), "signatory": "M. Janssens, DRH",
                 "working_time": "true", "idempotency_key": "agreement-acme-1"}

    unreadable = await pages.post("/app/organisations/acme/agreements", {**agreement, "hourly_cost_euros": "65,555"})
    too_dear = await pages.post("/app/organisations/acme/agreements", {**agreement, "hourly_cost_euros": "1000,01"})
    to_come = await pages.post("/app/organisations/acme/agreements", {
        **agreement, "signed_on": (today + timedelta(days=2)).isoformat(), "hourly_cost_euros": "65,50"})
    signed = await pages.post("/app/organisations/acme/agreements", {**agreement, "hourly_cost_euros": "65,50"})
    twice = await pages.post("/app/organisations/acme/agreements", {**agreement, "hourly_cost_euros": "65,50"})

    assert unreadable.status_code == 422 and "Montant en euros attendu" in _field_error(unreadable.text,
                                                                                         "hourly_cost_euros")
    assert too_dear.status_code == 422 and "1 000 €" in _field_error(too_dear.text, "hourly_cost_euros")
    assert to_come.status_code == 409 and "futur" in _field_error(to_come.text, "signed_on")
    assert (signed.status_code, twice.status_code) == (303, 303)
    assert [(a["signatory"], a["working_time"], a["hourly_cost_cents"])
            for a in (await api.get("/organisations/acme"))["agreements"]] == [("M. Janssens, DRH", True, 6550)]

    anne = (await api.ok("/mentors", {"name": "Anne", "background": "employee", "organisation_id": "acme"}))[
        "person_id"]
    held = datetime.combine(today - timedelta(days=10), time(9), timezone.utc)
    await api.ok(f"/mentors/{anne}/information-session", {"occurred_at": held.isoformat()})  # 1 h
    period = {"from": (today - timedelta(days=60)).isoformat(), "to": today.isoformat()}

    async def report():
        return await pages.get("/app/organisations/acme/sponsorship-report", **period)

    shown = await until(report, lambda answer: "65,50" in answer.text)
    row = re.search(rf'<tr data-person="{anne}">.*?</tr>', shown.text, re.S).group(0)
    assert ">Anne<" in row and "<td data-total-hours>1,00</td>" in row and "65,50" in row
    assert f'href="/app/organisations/acme/sponsorship-report.csv?from={period["from"]}&amp;to={period["to"]}"' \
        in shown.text
    exported = await pages.get("/app/organisations/acme/sponsorship-report.csv", **period)
    assert exported.headers["content-type"].startswith("text/csv")
    assert f'mecenat-acme-{period["from"]}-{period["to"]}.csv' in exported.headers["content-disposition"]
    header, line, total = list(csv.reader(io.StringIO(exported.text)))
    assert header[1] == "Salarié" and line[:3] == [anne, "Anne", "1.00"] and line[-3:] == ["1.00", "65.50", "0.00"]
    assert total[-3:] == ["1.00", "65.50", "0.00"]


async def test_an_isp_user_sees_its_own_mentees_and_feed_and_nothing_of_another_isp(api, pages):
    for isp in ("actiris", "forem"):
        await api.organisation(isp, "isp")
    bilal = await referred_and_selected(api, "Bilal", "actiris")
    chloe = await referred_and_selected(api, "Chloé", "forem")
    account = await _login(api, pages, "actiris-user", "isp", organisation_id="actiris")

    home = await pages.get("/app/")
    assert (home.status_code, home.headers["location"]) == (303, "/app/partner/feed")
    feed = await until(lambda: pages.get("/app/partner/feed"), lambda answer: "data-kind" in answer.text)
    assert f'data-mentee="{bilal}" data-kind="selected"' in feed.text and ">Bilal</a>" in feed.text
    assert chloe not in feed.text and "Chloé" not in feed.text
    menu = re.search(r"<nav .*?</nav>", feed.text, re.S).group(0)
    assert re.findall(r'href="([^"]+)"', menu) == ["/app/partner/feed", "/app/partner/mentees"]
    mentees = await pages.get("/app/partner/mentees")
    assert ">Bilal</a>" in mentees.text and "Chloé" not in mentees.text
    record = await pages.get(f"/app/partner/mentees/{bilal}")
    assert record.status_code == 200 and 'data-step="selected"' in record.text and "Marc" in record.text

    assert (await pages.get(f"/app/partner/mentees/{chloe}")).status_code == 404
    assert (await pages.get("/app/organisations/forem/feed")).status_code == 404
    assert (await pages.get("/app/organisations/actiris")).status_code == 403  # the staff's page
    assert (await pages.get("/app/partner/report")).status_code == 403
    assert (await pages.get("/app/partner/mentors")).status_code == 403
    assert (await pages.get("/app/tasks")).status_code == 403
    # Each read of people's data is logged, by the services the pages go through.
    reads = await until(lambda: api.get("/audit/personal-data-reads", reader=f"isp:{account['account_id']}"),
                        lambda page: {"partner_feed.read", "mentees.list", "mentees.read"}
                        <= {r["what"] for r in page["items"]})
    assert {r["person_id"] for r in reads["items"]} == {bilal}


async def test_a_company_user_sees_its_employees_and_its_own_report_only(api, pages, new_pages):
    today = datetime.now(timezone.utc).date()
    for company in ("acme", "other-co"):
        await api.organisation(company, "company")
    await api.ok("/organisations/acme/agreements", {"signed_on": (today - timedelta(days=30)).isoformat(),
                                                    "signatory": "DRH", "working_time": True,
                                                    "hourly_cost_cents": 4500})
    anne = (await api.ok("/mentors", {"name": "Anne", "background": "employee", "organisation_id": "acme"}))[
        "person_id"]
    await api.ok("/mentors", {"name": "Yves", "background": "employee", "organisation_id": "other-co"})
    held = datetime.combine(today - timedelta(days=3), time(9), timezone.utc)
    await api.ok(f"/mentors/{anne}/information-session", {"occurred_at": held.isoformat()})
    await _login(api, pages, "acme-user", "company", organisation_id="acme")

    home = await pages.get("/app/")
    assert (home.status_code, home.headers["location"]) == (303, "/app/partner/report")
    period = {"from": (today - timedelta(days=60)).isoformat(), "to": today.isoformat()}
    report = await until(lambda: pages.get("/app/partner/report", **period), lambda answer: "45,00" in answer.text)
    assert re.search(rf'<tr data-person="{anne}">', report.text) and "Yves" not in report.text
    assert 'href="/app/partner/report.csv?from=' in report.text
    menu = re.search(r"<nav .*?</nav>", report.text, re.S).group(0)
    assert re.findall(r'href="([^"]+)"', menu) == ["/app/partner/report", "/app/partner/mentors"]
    exported = await pages.get("/app/partner/report.csv", **period)
    assert [line[1] for line in csv.reader(io.StringIO(exported.text))][1:] == ["Anne", "Total"]
    employees = await pages.get("/app/partner/mentors")
    assert ">Anne</a>" in employees.text and "Yves" not in employees.text

    assert (await pages.get("/app/organisations/acme/sponsorship-report", **period)).status_code == 200
    assert (await pages.get("/app/organisations/other-co/sponsorship-report")).status_code == 404
    assert (await pages.get("/app/organisations/other-co/sponsorship-report.csv")).status_code == 404
    assert (await pages.get("/app/partner/feed")).status_code == 403
    assert (await pages.get("/app/partner/mentees")).status_code == 403
    # A coordinator, staff, reads any company's report; not an ISP's feed (administrators do).
    staff = new_pages()
    await _login(api, staff, "claire")
    assert "Anne" in (await staff.get("/app/organisations/acme/sponsorship-report", **period)).text
    assert (await staff.get("/app/organisations/acme/feed")).status_code == 403
