"""Sessions with their registrations and attendance, and the partner organisations, from the pages."""

import re
from datetime import datetime, timedelta, timezone

PASSWORD = "un mot de passe assez long"


async def _claire(api, pages) -> None:
    await api.ok("/accounts", {"username": "claire", "role": "coordinator", "programmes": ["default"],
                               "password": PASSWORD})
    await pages.login("claire", PASSWORD)


async def test_attendance_is_recorded_from_the_sessions_page(api, pages):
    began = (datetime.now(timezone.utc) - timedelta(days=1)).replace(microsecond=0)
    session = await api.ok("/sessions", {"kind": "information_session", "starts_at": began.isoformat(),
                                         "capacity": 5, "place": "Rue Royale 1, 1000 Bruxelles"})
    anne, bob = [(await api.ok("/mentors", {"name": name}))["person_id"] for name in ("Anne", "Bob")]
    for person in (anne, bob):
        await api.ok(f"/sessions/{session['session_id']}/registrations", {"person_id": person})
    await _claire(api, pages)

    listed = (await pages.get("/app/sessions")).text
    assert f'data-session="{session["session_id"]}"' in listed
    detail = (await pages.get(f"/app/sessions/{session['session_id']}")).text
    assert "Anne" in detail and f'name="attended" value="{anne}"' in detail
    recorded = await pages.post(f"/app/sessions/{session['session_id']}/attendance",
                                {"attended": [anne], "idempotency_key": f"attendance-{session['session_id']}"})
    assert recorded.status_code == 303
    after = await api.get(f"/sessions/{session['session_id']}")
    assert [(r["name"], r["attended"]) for r in after["registrations"]] == [("Anne", True), ("Bob", False)]
    assert (await api.get(f"/mentors/{anne}"))["step"] == "informed"


async def test_a_partner_is_shown_with_its_agreements_and_its_people(api, pages):
    await api.ok("/organisations", {"organisation_id": "logistix", "kind": "company", "name": "Logistix"})
    await api.ok("/organisations/logistix/agreements", {"signed_on": "2026-01-15", "signatory": "M. Janssens",
                                                        "working_time": True, "hourly_cost_cents": 4500})
    await api.ok("/mentors", {"name": "Anne", "organisation_id": "logistix"})
    await _claire(api, pages)
    listed = (await pages.get("/app/organisations")).text
    assert 'data-organisation="logistix"' in listed
    detail = (await pages.get("/app/organisations/logistix")).text
    assert "M. Janssens" in detail and re.search(r">Anne</a>", detail)
    assert (await pages.get("/app/organisations/nowhere")).status_code == 404
