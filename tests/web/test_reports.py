"""The yearly profile analysis and the funders' participant lines, from the pages."""

import csv
import io
import re
from datetime import datetime, timezone

from tests.support.assertions import eventually

PASSWORD = "un mot de passe assez long"


async def test_the_years_participants_are_analysed_and_listed_for_funders(api, pages):
    await api.ok("/organisations", {"organisation_id": "forem", "kind": "isp", "name": "Le Forem"})
    binome = await api.through_intake()
    mentee = (await api.get(f"/binomes/{binome}"))["mentee_id"]
    changed = await api.http.patch(f"/mentees/{mentee}", json={"organisation_id": "forem"})
    assert changed.status_code == 200, changed.text
    changed = await api.http.patch(f"/mentees/{mentee}/profile", json={
        "gender": "female", "birth_date": "1990-05-01", "education_level": 3, "months_out_of_work": 18,
        "sectors": ["Q"]})
    assert changed.status_code == 200, changed.text
    await api.ok(f"/binomes/{binome}/exit/positive", {"outcome": "training"})
    await api.ok("/accounts", {"username": "claire", "role": "coordinator", "programmes": ["default"],
                               "password": PASSWORD})
    await pages.login("claire", PASSWORD)
    year = datetime.now(timezone.utc).year

    analysis = (await pages.get("/app/reports", year=str(year))).text
    assert re.search(r'data-table="mentee-gender">.*?data-key="female".*?<td>1</td>', analysis, re.S)
    assert re.search(r'data-table="mentee-referral">.*?Le Forem.*?<td>1</td>', analysis, re.S)
    assert re.search(r'data-table="mentee-sectors">.*?data-key="Q"><th scope="row">Q – Santé humaine', analysis,
                     re.S)  # a sector named, not its letter
    assert re.search(r'data-table="mentor-gender">.*?data-key="unknown".*?<td>1</td>', analysis, re.S)
    assert "Mentees (1)" in analysis and "Mentors (1)" in analysis

    exported = await pages.get("/app/reports/esf-participants.csv", year=str(year))
    assert exported.headers["content-type"].startswith("text/csv")
    [line] = list(csv.DictReader(io.StringIO(exported.text)))
    assert (line["participant_id"], line["gender"], line["isced_group"], line["long_term_unemployed"],
            line["referred_by"], line["situation_on_leaving"]) == (mentee, "female", "isced_3_4", "yes", "forem",
                                                                   "education_training")

    async def logged() -> bool:  # the lines name people: the read is logged (its view follows the store)
        reads = await api.get("/audit/personal-data-reads", person_id=mentee)
        return "reports.esf" in {r["what"] for r in reads["items"]}

    await eventually(logged)
    other_year = await pages.get("/app/reports/esf-participants.csv", year=str(year - 5))
    assert other_year.text.strip().count("\n") == 0  # the header only
