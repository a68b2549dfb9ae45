"""Who asks is proved, never claimed: a bearer token from logging in, signed with the service's secret. Accounts
are facts (a password's Argon2 hash, never the password); a one-time password must be changed first; failed
logins are limited; the first administrator is made once."""

import asyncio
import base64
import json
import os
import stat
import uuid
from datetime import datetime, timedelta, timezone

import jwt
import pytest
from pydantic import ValidationError

from application.tokens import TokenService
from domain.principals import Principal, Role
from mentorat.local_secrets import with_local_secrets
from mentorat.settings import Settings
from tests.support.auth import token_for


@pytest.fixture
def store_kind() -> str:
    # Who asks does not depend on the store: one is enough here (the scoped queries run on both: test_scoped_reads).
    return "sqlite"


async def history_of(api, binome: str) -> list[dict]:
    return (await api.get(f"/binomes/{binome}/history"))["facts"]


async def login(api, username: str, password: str):
    return await api.http.post("/auth/token", data={"username": username, "password": password},
                               headers={"Authorization": ""})


async def test_the_facts_say_who_the_token_says_and_a_header_cannot_say_otherwise(api):
    coordinator = api.as_("coordinator", "claire")
    binome = await api.propose(**coordinator, **{"X-Actor": "mentor:someone-else"})

    assert [f["actor"] for f in await history_of(api, binome)] == ["staff:claire"]


@pytest.mark.parametrize("authorization, code", [
    (None, "authentication_required"), ("Basic YWRtaW46YWRtaW4=", "authentication_required"),
    ("Bearer not-a-token", "token_invalid"), ("Bearer ", "authentication_required")])
async def test_without_a_valid_token_nothing_is_read_or_recorded(api, authorization, code):
    binome = await api.propose()
    headers = {"Authorization": authorization} if authorization is not None else {"Authorization": ""}

    for answer in (await api.http.post(f"/binomes/{binome}/proposal/accept", json={}, headers=headers),
                   await api.http.post("/mentors", json={"name": "Anne"}, headers=headers),
                   await api.http.get(f"/binomes/{binome}", headers=headers)):
        assert answer.status_code == 401, answer.text
        assert answer.json()["code"] == code
        assert answer.headers["WWW-Authenticate"] == "Bearer"
    assert [f["type"] for f in await history_of(api, binome)] == ["MentorshipProposed"]


async def test_a_token_signed_elsewhere_tampered_with_unsigned_or_expired_is_refused(api):
    secret = api.settings.token_secret.get_secret_value()
    admin = Principal(Role.ADMINISTRATOR, "intruder")
    foreign = TokenService("another secret of forty characters......", 15).issue(admin)
    expired = TokenService(secret, 15).issue(admin, now=datetime.now(timezone.utc) - timedelta(minutes=16))
    genuine = token_for(api.settings, Principal(Role.MENTOR, "m", person_id="m"))
    header, payload, signature = genuine.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    promoted = base64.urlsafe_b64encode(json.dumps({**claims, "role": "administrator"}).encode()).decode().rstrip("=")
    now = datetime.now(timezone.utc)
    common = {"iss": "mentorat", "aud": "mentorat", "sub": "x", "iat": now, "exp": now + timedelta(minutes=5)}
    unsigned = jwt.encode({**common, "role": "administrator"}, None, algorithm="none")
    no_audience = jwt.encode({**common, "aud": "elsewhere", "role": "administrator"}, secret, algorithm="HS256")
    integration = jwt.encode({**common, "role": "integration"}, secret, algorithm="HS256")

    for token in (foreign, expired, f"{header}.{promoted}.{signature}", unsigned, no_audience, integration):
        answer = await api.http.get("/tasks", headers={"Authorization": f"Bearer {token}"})
        assert (answer.status_code, answer.json()["code"]) == (401, "token_invalid"), token


async def test_an_account_logs_in_changes_its_one_time_password_and_then_works(api, container):
    created = await api.ok("/accounts", {"username": "Claire", "role": "coordinator", "programmes": ["default"]})
    one_time = created["one_time_password"]
    assert created["username"] == "claire" and created["must_change_password"] and len(one_time) >= 20

    first = await login(api, "claire", one_time)
    assert first.status_code == 200 and first.json()["must_change_password"] is True
    limited = {"Authorization": f"Bearer {first.json()['access_token']}"}
    refused = await api.http.get("/tasks", headers=limited)
    assert (refused.status_code, refused.json()["code"]) == (403, "password_change_required")
    assert (await api.http.get("/auth/me", headers=limited)).json()["role"] == "coordinator"
    changed = await api.http.post("/auth/password", json={"current_password": one_time,
                                                          "new_password": "une phrase assez longue"},
                                  headers=limited)
    assert changed.status_code == 204, changed.text

    assert (await login(api, "claire", one_time)).status_code == 401
    again = await login(api, "CLAIRE", "une phrase assez longue")
    assert again.status_code == 200 and again.json()["must_change_password"] is False
    token = {"Authorization": f"Bearer {again.json()['access_token']}"}
    assert (await api.http.get("/tasks", headers=token)).status_code == 200
    # Argon2 hashes in the facts, never a password.
    stored = [r.fact for r in container.store.read(uuid.UUID(created["account_id"]))]
    assert [f.type for f in stored] == ["AccountCreated", "AccountPasswordSet"]
    assert all(f.data["password_hash"].startswith("$argon2id$") for f in stored)
    assert not any(secret in repr(f.data) for f in stored for secret in (one_time, "une phrase assez longue"))


async def test_failed_logins_are_limited_per_account(api):
    await api.ok("/accounts", {"username": "marc", "role": "administrator", "password": "le bon mot de passe"})

    answers = [await login(api, "marc", f"mauvais {n}") for n in range(6)]

    assert [a.status_code for a in answers] == [401] * 5 + [429]
    assert answers[-1].json()["code"] == "too_many_login_attempts"
    assert int(answers[-1].headers["Retry-After"]) >= 1
    # Even the right password waits: the guard answers before the password is checked.
    assert (await login(api, "marc", "le bon mot de passe")).status_code == 429


async def test_guesses_sent_at_once_share_one_window(api):
    await api.ok("/accounts", {"username": "lea", "role": "administrator", "password": "le bon mot de passe"})

    answers = await asyncio.gather(*(login(api, "lea", f"mauvais {n}") for n in range(12)))

    assert sorted(a.status_code for a in answers) == [401] * 5 + [429] * 7


async def test_an_unknown_or_disabled_account_cannot_log_in(api):
    await api.organisation("forem", "isp")
    created = await api.ok("/accounts", {"username": "isp-user", "role": "isp", "organisation_id": "forem",
                                         "password": "un mot de passe long"})
    assert (await login(api, "isp-user", "un mot de passe long")).status_code == 200
    disabled = await api.http.patch(f"/accounts/{created['account_id']}", json={"disabled": True})
    assert disabled.status_code == 200 and disabled.json()["disabled"] is True

    assert (await login(api, "isp-user", "un mot de passe long")).json()["code"] == "login_failed"
    assert (await login(api, "nobody", "un mot de passe long")).json()["code"] == "login_failed"


@pytest.mark.parametrize("body, field", [
    ({"username": "x", "role": "administrator"}, "username"),
    ({"username": "anne", "role": "coordinator"}, "programmes"),
    ({"username": "anne", "role": "mentor"}, "person_id"),
    ({"username": "anne", "role": "administrator", "organisation_id": "forem"}, "organisation_id"),
    ({"username": "anne", "role": "integration"}, "role"),
    ({"username": "anne", "role": "administrator", "password": "court"}, "password")])
async def test_an_account_needs_the_scope_of_its_role_and_nothing_else(api, body, field):
    answer = await api.post("/accounts", body)
    assert (answer.status_code, answer.json()["field"]) == (422, field), answer.text


async def test_the_first_administrator_is_made_once_with_a_one_time_password(container):
    accounts = container.services(run_projector=False).accounts

    password = accounts.ensure_first_administrator("admin", None)

    assert password and accounts.state("admin").must_change_password
    assert accounts.ensure_first_administrator("admin", None) is None
    assert accounts.ensure_first_administrator("someone-else", "a given password") is None
    assert not accounts.state("someone-else").exists


def test_development_secrets_are_made_once_and_kept_private(tmp_path):
    settings = Settings(_env_file=None, data_dir=tmp_path)
    first, second = with_local_secrets(settings), with_local_secrets(settings)

    assert len(first.token_secret.get_secret_value()) >= 32 and first.data_keys.get_secret_value()
    assert first.token_secret == second.token_secret and first.data_keys == second.data_keys
    assert stat.S_IMODE(os.stat(settings.secrets_path).st_mode) == 0o600
    given = with_local_secrets(Settings(_env_file=None, data_dir=tmp_path, token_secret="g" * 32))
    assert given.token_secret.get_secret_value() == "g" * 32


PRODUCTION = dict(_env_file=None, environment="production", event_store="postgres", temporal_address="temporal:7233",
                  postgres_password="secret", token_secret="s" * 40, data_keys="k1:" + "A" * 43 + "=")


def test_production_needs_its_own_secrets():
    Settings(**PRODUCTION)
    for missing, message in (("token_secret", "MENTORAT_TOKEN_SECRET"), ("data_keys", "MENTORAT_DATA_KEYS")):
        with pytest.raises(ValidationError, match=message):
            Settings(**{**PRODUCTION, missing: ""})
    with pytest.raises(ValidationError, match="MENTORAT_TOKEN_SECRET"):
        Settings(**{**PRODUCTION, "token_secret": "short"})
