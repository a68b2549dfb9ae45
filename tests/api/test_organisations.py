"""Partner organisations through the API, on both stores: companies with their agreements, ISPs, the people and
accounts that name them, and a company's skills-sponsorship report in JSON and CSV."""

import csv
import io

from tests.api.conftest import Api
from tests.api.test_scoped_reads import until

AGREEMENT = {"signed_on": "2026-01-01", "signatory": "Marie Lambert, DRH", "working_time": True,
             "hourly_cost_cents": 6500}


async def test_a_company_and_an_isp_are_registered_once_and_a_company_signs_its_agreement(api):
    created = await api.post("/organisations", {"organisation_id": "acme", "kind": "company", "name": "Acme"})
    assert (created.status_code, created.headers["Location"]) == (201, "/organisations/acme")
    await api.organisation("actiris", "isp")

    signed = await api.ok("/organisations/acme/agreements", AGREEMENT)
    assert signed["agreements"] == [AGREEMENT]
    assert [o["organisation_id"] for o in (await api.get("/organisations", kind="isp"))["items"]] == ["actiris"]

    again = await api.post("/organisations", {"organisation_id": "acme", "kind": "isp", "name": "Acme"})
    assert (again.status_code, again.json()["code"]) == (409, "organisation_exists")
    refused = await api.post("/organisations/actiris/agreements", AGREEMENT)
    assert (refused.status_code, refused.json()["code"]) == (409, "agreement_for_companies_only")


async def test_people_and_accounts_name_a_registered_organisation_of_their_kind(api):
    await api.organisation("acme", "company")

    unknown = await api.post("/mentors", {"name": "Anne", "background": "employee", "organisation_id": "nowhere"})
    assert (unknown.status_code, unknown.json()["code"], unknown.json()["field"]) == (
        404, "organisation_not_found", "organisation_id")
    wrong_kind = await api.post("/mentees", {"name": "Bilal", "organisation_id": "acme"})
    assert (wrong_kind.status_code, wrong_kind.json()["code"]) == (409, "organisation_kind_mismatch")
    account = await api.post("/accounts", {"username": "isp-user", "role": "isp", "organisation_id": "acme"})
    assert (account.status_code, account.json()["code"]) == (409, "organisation_kind_mismatch")
    assert (await api.post("/accounts", {"username": "acme-hr", "role": "company",
                                         "organisation_id": "acme"})).status_code == 201
    assert (await api.get("/mentors"))["total"] == 0


async def employee_who_mentored(api: Api) -> str:
    """An Acme employee through the journey (6 h), then a first meeting (1.5 h) and a meeting (1 h) with a mentee."""
    await api.organisation("acme", "company")
    await api.ok("/organisations/acme/agreements", AGREEMENT)
    mentor = (await api.ok("/mentors", {"name": "Anne", "background": "employee", "organisation_id": "acme"}))[
        "person_id"]
    await api.ok(f"/mentors/{mentor}/information-session", {"occurred_at": "2026-02-02T09:00:00+01:00"})
    await api.ok(f"/mentors/{mentor}/preparation-interview", {"occurred_at": "2026-02-09T09:00:00+01:00"})
    await api.ok(f"/mentors/{mentor}/training", {"occurred_at": "2026-02-16T09:00:00+01:00",
                                                 "duration_minutes": 240})
    mentee = (await api.ok("/mentees", {"name": "Bilal", "step": "selected"}))["person_id"]
    binome = (await api.ok("/binomes", {"mentor_id": mentor, "mentee_id": mentee}))["binome_id"]
    await api.ok(f"/binomes/{binome}/proposal/accept", **api.as_("mentor", mentor))
    await api.ok(f"/binomes/{binome}/first-meeting", {"mode": "in_person", "duration_minutes": 90})
    for side in ("mentor", "mentee"):
        await api.ok(f"/binomes/{binome}/validations", {"side": side, "decision": "validated"})
    for party in ("mentor", "mentee", "programme"):
        await api.ok(f"/binomes/{binome}/contract/signatures", {"party": party})
    await api.ok(f"/binomes/{binome}/meetings", {"mode": "video", "duration_minutes": 60})
    return mentor


async def test_the_sponsorship_report_sums_each_employees_hours_and_values_them_at_the_agreement(api):
    mentor = await employee_who_mentored(api)
    await api.ok("/mentors", {"name": "Zoé", "background": "employee", "organisation_id": "acme"})

    report = await api.get("/organisations/acme/sponsorship-report", **{"from": "2026-01-01", "to": "2026-12-31"})

    anne, zoe = report["employees"]
    assert (anne["person_id"], anne["minutes"]) == (mentor, {
        "information_session": 60, "preparation_interview": 60, "training": 240, "community_meeting": 0,
        "first_meeting": 90, "meeting": 60, "closure_meeting": 0})
    assert (anne["total_minutes"], anne["value_cents"]) == (510, 55250)  # 8.5 h at 65 €
    assert (zoe["name"], zoe["total_minutes"]) == ("Zoé", 0)
    assert (report["total_minutes"], report["total_value_cents"], report["currency"]) == (510, 55250, "EUR")

    before = await api.get("/organisations/acme/sponsorship-report", **{"from": "2026-01-01", "to": "2026-02-05"})
    assert before["total_minutes"] == 60


async def test_the_report_as_csv_has_a_line_per_employee_and_a_total_in_the_readers_language(api):
    await employee_who_mentored(api)

    answer = await api.http.get("/organisations/acme/sponsorship-report",
                                params={"from": "2026-01-01", "to": "2026-12-31", "format": "csv"},
                                headers={"Accept-Language": "nl"})

    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert "mecenat-acme-2026-01-01-2026-12-31.csv" in answer.headers["content-disposition"]
    header, anne, total = list(csv.reader(io.StringIO(answer.text)))
    assert header[1] == "Werknemer" and header[-2] == "Waarde (EUR)"
    assert anne[1:] == ["Anne", "1.00", "1.00", "4.00", "0.00", "1.50", "1.00", "0.00", "8.50", "552.50",
                       "0.00"]
    assert total[1] == "Totaal" and total[-3:] == ["8.50", "552.50", "0.00"]


async def test_a_company_reads_its_own_report_only_and_an_isp_none(api):
    await employee_who_mentored(api)
    await api.organisation("other-co", "company")
    period = {"from": "2026-01-01", "to": "2026-12-31"}

    own = await api.http.get("/organisations/acme/sponsorship-report", params=period,
                             headers=api.as_("company", "acme"))
    other = await api.http.get("/organisations/acme/sponsorship-report", params=period,
                               headers=api.as_("company", "other-co"))
    isp = await api.http.get("/organisations/acme/sponsorship-report", params=period,
                             headers=api.as_("isp", "actiris"))

    assert own.status_code == 200 and own.json()["total_minutes"] == 510
    assert (other.status_code, other.json()["code"]) == (404, "organisation_not_found")
    assert (isp.status_code, isp.json()["code"]) == (403, "role_may_not")
    # The read log is a view of the store: it shows the company's read of its employee once applied.
    reads = await until(lambda: api.get("/audit/personal-data-reads", reader="company:account-acme"),
                        lambda page: page["total"] == 1)
    assert {r["what"] for r in reads["items"]} == {"sponsorship.report"}


async def test_a_period_that_ends_before_it_starts_is_refused_naming_to(api):
    await api.organisation("acme", "company")

    refused = await api.http.get("/organisations/acme/sponsorship-report",
                                 params={"from": "2026-06-01", "to": "2026-01-01"})

    assert (refused.status_code, refused.json()["field"]) == (409, "to")
