"""Every page route, asked with odd addresses and odd forms by an administrator (who may open them all): never a
500. The ids in the path are real ones, unknown ones and malformed ones; the forms carry the session's token but
values no page offers."""

import importlib
import pkgutil
import re
import uuid

import pytest

import web.pages
from web.app import PREFIX

PASSWORD = "un mot de passe assez long"
ODD_QUERY = {"cursor": "%%%", "after": "-1", "year": "99999", "kind": "x" * 200, "from": "2026-02-30",
             "to": "hier", "stage": "nowhere", "overdue": "maybe", "q": "é" * 300, "organisation_id": "../x"}
ODD_FORM = {"occurred_on": "2026-13-01", "occurred_time": "25:61", "starts_at": "demain", "capacity": "-3",
            "programmes": ["nowhere", ""], "mentee_ids": ["x"] * 30, "first": "x", "second": "x",
            "person_id": "'; drop", "due_on": "0000-00-00", "action_id": "A" * 80, "status": "finished",
            "criteria_shown": ["a"] * 50, "actions.0.title": "x" * 600, "matching.age.weight": "9" * 20,
            "evaluation_questions.0.label": "x" * 600, "was.__shown": "1", "was.name": "", "until": "x",
            "hourly_cost_euros": "1e9", "signed_on": "x", "working_time": "peut-être", "kind": "x",
            "organisation_id": "x y", "programme_id": "NOT AN ID", "languages": "x" * 3000,
            "language_levels": "fr=, =C2, fr", "sectors": ["Z"], "birth_date": "1800-01-01",
            "idempotency_key": "k" * 100, "next": "https://elsewhere.example/"}


def _addresses(known: dict[str, str]) -> list[tuple[str, str]]:
    """Each page route's (method, path), its parameters filled with a known id, an unknown one, an odd one."""
    found = []
    for info in pkgutil.iter_modules(web.pages.__path__):
        router = getattr(importlib.import_module(f"web.pages.{info.name}"), "router", None)
        for route in router.routes if router is not None else ():
            path_template = f"{PREFIX}{route.path}"
            names = re.findall(r"{(\w+)}", path_template)
            for choice in ("known", "unknown", "odd"):
                path = path_template
                for name in names:
                    value = {"known": known.get(name, str(uuid.uuid4())), "unknown": str(uuid.uuid4()),
                             "odd": "x..y:z"}[choice]
                    path = path.replace(f"{{{name}}}", value)
                found += [(method, path) for method in route.methods - {"HEAD"}]
                if not names:
                    break
    return sorted(set(found))


@pytest.mark.slow
async def test_no_page_route_answers_500_whatever_it_is_sent(api, pages):
    binome = await api.through_intake()
    mentor = api.mentors[binome]
    mentee = (await api.get(f"/binomes/{binome}"))["mentee_id"]
    await api.organisation("acme", "company")
    session = await api.ok("/sessions", {"kind": "training", "capacity": 3, "place": "Rue Royale 1, Bruxelles",
                                         "starts_at": "2026-12-20T09:00:00+01:00"})
    await api.ok("/accounts", {"username": "root", "role": "administrator", "password": PASSWORD})
    await pages.login("root", PASSWORD)
    root = next(a for a in (await api.get("/accounts"))["items"] if a["username"] == "root")
    known = {"binome_id": binome, "person_id": mentor, "mentee_id": mentee, "organisation_id": "acme",
             "session_id": session["session_id"], "programme_id": "default", "account_id": root["account_id"],
             "slug": "meeting", "draft_id": str(uuid.uuid4())}
    await pages.get("/app/tasks")
    token = pages.csrf()
    answered = {}
    for method, path in _addresses(known):
        if path == "/app/logout":
            continue  # it would end the session the other calls need
        if method == "GET":
            answer = await pages.http.get(path, params=ODD_QUERY)
        else:
            answer = await pages.http.post(path, data={"csrf_token": token, **ODD_FORM})
        answered[(method, path)] = answer.status_code
        assert not answer.headers.get("location", "").startswith("/app/login"), (method, path)  # still logged in
    assert len(answered) > 100  # every page route was reached, with its ids filled three ways
    assert not {call: status for call, status in answered.items() if status >= 500}
