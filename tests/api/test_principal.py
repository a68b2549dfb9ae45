"""Who acts comes from one place, the request's principal; the X-Actor header is trusted in development only."""

import pytest
from pydantic import ValidationError

from api.principal import Principal, resolve_principal
from mentorat.settings import Settings


@pytest.fixture
def store_kind() -> str:
    # Who acts does not depend on the store: one is enough here.
    return "sqlite"


async def history_of(api, binome: str) -> list[dict]:
    return (await api.get(f"/binomes/{binome}/history"))["facts"]


async def test_in_development_the_actor_header_says_who_acts_and_its_absence_is_anonymous_staff(api):
    binome = await api.propose(**{"X-Actor": "staff:claire"})
    await api.ok(f"/binomes/{binome}/proposal/accept")

    assert [f["actor"] for f in await history_of(api, binome)] == ["staff:claire", "staff:anonymous"]


@pytest.mark.parametrize("header, code", [("claire", "actor_invalid"), ("boss:claire", "actor_invalid"),
                                          ("system:mentorat", "actor_reserved")])
async def test_an_actor_header_that_names_nobody_we_know_is_refused(api, header, code):
    binome = await api.propose()

    answer = await api.post(f"/binomes/{binome}/proposal/accept", {}, **{"X-Actor": header})

    assert answer.status_code == 422
    assert (answer.json()["code"], answer.json()["field"]) == (code, "X-Actor")
    assert [f["type"] for f in await history_of(api, binome)] == ["MentorshipProposed"]


async def test_without_a_trusted_actor_header_commands_need_authentication(api, container, monkeypatch):
    binome = await api.propose()
    monkeypatch.setattr(container.settings, "trust_actor_header", False)

    # The header is not taken at its word any more, and nothing else says who acts yet.
    accept = await api.post(f"/binomes/{binome}/proposal/accept", {}, **{"X-Actor": "staff:claire"})
    register = await api.post("/mentors", {"name": "Anne"})

    for answer in (accept, register):
        assert answer.status_code == 401
        assert answer.json()["code"] == "authentication_required"
        assert answer.json()["message"] == "Authentification requise : indiquez qui agit."
    assert [f["type"] for f in await history_of(api, binome)] == ["MentorshipProposed"]
    assert (await api.get(f"/binomes/{binome}"))["stage"] == "proposed"  # reads need no actor


async def test_authentication_plugs_in_at_the_one_principal_dependency(api):
    binome = await api.propose()
    api.app.dependency_overrides[resolve_principal] = lambda: Principal("mentor", api.mentors[binome])
    try:
        await api.ok(f"/binomes/{binome}/proposal/accept", **{"X-Actor": "staff:claire"})
        mentor = await api.ok("/mentors", {"name": "Marc"})
    finally:
        api.app.dependency_overrides.clear()

    assert (await history_of(api, binome))[-1]["actor"] == f"mentor:{api.mentors[binome]}"
    assert mentor["name"] == "Marc"


PRODUCTION = dict(_env_file=None, environment="production", event_store="postgres",
                  temporal_address="temporal:7233", postgres_password="secret")


def test_the_actor_header_is_trusted_by_default_in_development_only():
    assert Settings(_env_file=None).trust_actor_header is True
    assert Settings(_env_file=None, trust_actor_header=False).trust_actor_header is False
    assert Settings(**PRODUCTION).trust_actor_header is False


def test_production_refuses_to_trust_the_actor_header():
    with pytest.raises(ValidationError, match="X-Actor"):
        Settings(**PRODUCTION, trust_actor_header=True)


def test_the_setting_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("MENTORAT_TRUST_ACTOR_HEADER", "false")
    assert Settings(_env_file=None).trust_actor_header is False
    monkeypatch.setenv("MENTORAT_TRUST_ACTOR_HEADER", "true")
    with pytest.raises(ValidationError):
        Settings(**PRODUCTION)
