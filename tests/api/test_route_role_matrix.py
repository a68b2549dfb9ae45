"""Every route × every role, read off the OpenAPI document, so a new route cannot escape: without a token 401;
a role without the route's permission 403 `role_may_not`; a role with it, asking for what lies outside its scope
(another programme's binôme and people, another ISP's mentee, another company's mentor, a mentor's or mentee's
other binôme), 404 — or, for a list, none of it; an administrator is never refused. Public routes are few and
named here."""

from datetime import datetime, timedelta, timezone

import pytest

from domain.permissions import GRANTS, Permission
from domain.principals import Principal, Role
from tests.support.auth import as_role, bearer

PUBLIC = {("post", "/auth/token"), ("post", "/integrations/{integration_id}/deliveries"), ("get", "/health")}
# Routes of the account itself: any token will do (the password-change token too). Named, as the public ones.
ANY_ACCOUNT = "account"
OWN_ACCOUNT = {("get", "/auth/me"), ("post", "/auth/password")}
# A role's principal, and what it may see: its own binôme, person or organisation in the default programme.
# Partner organisations belong to no programme: staff of any programme read and manage them all (a coordinator's
# report lists only its programmes' employees). A partner's user still sees only its own organisation.
SHARED = "/organisations"
PRINCIPALS = {
    "administrator": dict(),
    "coordinator": dict(programmes=("default",)),
    "mentor": dict(), "mentee": dict(), "isp": dict(), "company": dict(),
}


SESSION_IN_OTHER = {"kind": "community_meeting", "programme_id": "other",
                    "starts_at": (datetime.now(timezone.utc) - timedelta(days=1)).isoformat(), "capacity": 20,
                    "place": "Bruxelles"}


@pytest.fixture
def store_kind() -> str:
    return "sqlite"  # the scoped queries run on both stores in test_scoped_reads


@pytest.fixture
async def world(api):
    """Two programmes; in each a binôme whose mentee an ISP referred and whose mentor a company employs. Every
    role's principal belongs to the first; the requests name the second's."""
    await api.ok("/programmes", {"programme_id": "other", "name": "Autre programme"})
    ids = {}
    for programme, suffix in (("default", "a"), ("other", "b")):
        await api.organisation(f"company-{suffix}", "company")
        await api.organisation(f"isp-{suffix}", "isp")
        mentor = (await api.ok("/mentors", {"name": f"Mentor {suffix}", "programme_id": programme,
                                            "organisation_id": f"company-{suffix}", "step": "ready"}))["person_id"]
        mentee = (await api.ok("/mentees", {"name": f"Mentee {suffix}", "programme_id": programme,
                                            "organisation_id": f"isp-{suffix}", "step": "selected"}))["person_id"]
        binome = (await api.ok("/binomes", {"mentor_id": mentor, "mentee_id": mentee}))["binome_id"]
        ids[suffix] = {"mentor": mentor, "mentee": mentee, "binome": binome}
    account = (await api.ok("/accounts", {"username": "someone", "role": "coordinator",
                                          "programmes": ["other"]}))["account_id"]
    secret = await api.integration("agenda-b", programmes=("other",))
    integration = await api.get("/integrations/agenda-b")
    session = (await api.ok("/sessions", SESSION_IN_OTHER))["session_id"]
    draft = (await api.ok("/matching/drafts", {"programme_id": "other"}))["draft_id"]
    return {**ids, "account": account, "secret": secret, "secret_id": integration["secret_ids"][0],
            "session": session, "draft": draft}


def headers_for(api, role: str, world: dict) -> dict[str, str]:
    own = world["a"]
    ident = {"mentor": own["mentor"], "mentee": own["mentee"], "isp": "isp-a", "company": "company-a"}.get(role, role)
    return as_role(api.settings, role, ident, **PRINCIPALS[role])


def operations(document: dict):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield method, path, operation


def concrete(path: str, world: dict) -> str:
    """The path naming the second programme's things (never the first's)."""
    other = world["b"]
    values = {"binome_id": other["binome"], "programme_id": "other", "organisation_id": "company-b", "account_id": world["account"],
              "integration_id": "agenda-b", "secret_id": world["secret_id"], "action_id": "A1",
              "session_id": world["session"], "draft_id": world["draft"], "mentor_id": other["mentor"],
              "mentee_id": other["mentee"],
              "person_id": other["mentee"] if path.startswith("/mentees") else other["mentor"]}
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    assert "{" not in path, f"{path}: a path parameter this matrix has no value for (add it to `concrete`)"
    return path


def body_for(document: dict, method: str, path: str, operation: dict, world: dict):
    """A body the schema accepts, naming the second programme where a body names a programme or people."""
    special = {
        ("post", "/binomes"): {"mentor_id": world["b"]["mentor"], "mentee_id": world["b"]["mentee"]},
        ("post", "/mentors"): {"name": "Nouvelle", "programme_id": "other"},
        ("post", "/mentees"): {"name": "Nouveau", "programme_id": "other"},
        ("post", "/accounts"): {"username": "matrix", "role": "coordinator", "programmes": ["other"]},
        ("post", "/auth/password"): {"current_password": "not the password", "new_password": "a long new phrase"},
        ("post", "/sessions"): SESSION_IN_OTHER,
        ("post", "/sessions/{session_id}/registrations"): {"person_id": world["b"]["mentor"]},
        ("post", "/sessions/{session_id}/cancellations"): {"person_id": world["b"]["mentor"]},
        ("post", "/sessions/{session_id}/attendance"): {"attended": [world["b"]["mentor"]]},
        ("post", "/matching/proposals"): {"mentor_id": world["b"]["mentor"], "mentee_id": world["b"]["mentee"]},
        ("post", "/matching/drafts"): {"programme_id": "other"},
    }
    if (method, path) in special:
        return special[(method, path)]
    schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        return None
    name = schema["$ref"].rsplit("/", 1)[1]
    return document["components"]["schemas"][name]["examples"][0]


async def send(api, method: str, path: str, body, headers: dict[str, str]):
    return await api.http.request(method.upper(), path, json=body, headers={"Authorization": "", **headers})


async def test_every_route_answers_every_role_as_its_permission_and_scope_say(api, world):
    document = api.app.openapi()
    public = {(method, path) for method, path, operation in operations(document) if operation.get("x-mentorat-public")}
    assert public == PUBLIC
    own_account = {(method, path) for method, path, operation in operations(document)
                   if operation.get("x-mentorat-permission") == ANY_ACCOUNT}
    assert own_account == OWN_ACCOUNT
    others = {world["b"]["binome"], world["b"]["mentor"], world["b"]["mentee"]}
    one_time = bearer(api.settings, Principal(Role.ADMINISTRATOR, "new-admin"), password_change_only=True)
    checked = 0
    for method, path, operation in operations(document):
        if (method, path) in PUBLIC:
            continue
        permission = operation["x-mentorat-permission"]
        url, body = concrete(path, world), body_for(document, method, path, operation, world)
        anonymous = await send(api, method, url, body, {})
        assert (anonymous.status_code, anonymous.json()["code"]) == (401, "authentication_required"), (method, path)
        if permission != ANY_ACCOUNT:  # a one-time password's token: good for changing it, nothing else
            limited = await send(api, method, url, body, one_time)
            assert (limited.status_code, limited.json()["code"]) == (403, "password_change_required"), (method, path)
        for role in PRINCIPALS:
            answer = await send(api, method, url, body, headers_for(api, role, world))
            where = (method, path, role, answer.status_code, answer.text[:300])
            if permission == ANY_ACCOUNT:  # whoever asks: refused only a wrong current password
                assert answer.status_code in (200, 204) or answer.json()["code"] == "login_failed", where
                checked += 1
                continue
            granted = Role(role) in GRANTS[Permission(permission)]
            if not granted:
                assert (answer.status_code, answer.json()["code"]) == (403, "role_may_not"), where
            elif role == "administrator":
                assert answer.status_code not in (401, 403, 404), where
            elif role == "coordinator" and path.startswith(SHARED):  # created already by the administrator: 409
                assert answer.status_code < 300 or answer.json()["code"] == "organisation_exists", where
                assert not any(other in answer.text for other in others), where
            elif "{" in path:
                assert answer.status_code == 404, where
            else:  # a list, a creation naming the other programme, the codec
                assert answer.status_code in (200, 201, 403, 404), where
                if answer.status_code in (403,):
                    assert answer.json()["code"] == "role_may_not", where  # a partner listing the other role
                if answer.status_code < 300 and answer.content:
                    assert not any(other in answer.text for other in others), where
            checked += 1
    assert checked > 250


async def test_an_isp_sees_its_referred_mentee_and_never_another_partners(api, world):
    isp = headers_for(api, "isp", world)
    own, other = world["a"]["mentee"], world["b"]["mentee"]

    assert (await api.http.get(f"/mentees/{own}", headers=isp)).status_code == 200
    assert (await api.http.get(f"/mentees/{other}", headers=isp)).status_code == 404
    listed = (await api.http.get("/mentees", headers=isp)).json()["items"]
    assert [m["person_id"] for m in listed] == [own]
    progress = (await api.http.get("/binomes", headers=isp)).json()["items"]
    assert [(b["binome_id"], b["stage"]) for b in progress] == [(world["a"]["binome"], "proposed")]
    # Its mentee's progress, not the binôme's notes.
    assert (await api.http.get(f"/binomes/{world['a']['binome']}", headers=isp)).status_code == 403


async def test_a_mentor_sees_its_own_binome_and_not_another(api, world):
    mentor = headers_for(api, "mentor", world)

    assert (await api.http.get(f"/binomes/{world['a']['binome']}", headers=mentor)).status_code == 200
    assert (await api.http.get(f"/binomes/{world['b']['binome']}", headers=mentor)).status_code == 404
    assert (await api.http.get(f"/mentors/{world['a']['mentor']}", headers=mentor)).status_code == 200
    listed = (await api.http.get("/binomes", headers=mentor)).json()["items"]
    assert [b["binome_id"] for b in listed] == [world["a"]["binome"]]
    foreign_filter = await api.http.get("/binomes", params={"mentor_id": world["b"]["mentor"]}, headers=mentor)
    assert foreign_filter.json()["items"] == []


async def test_a_company_sees_its_employees_who_mentor_and_nothing_of_the_mentees(api, world):
    company = headers_for(api, "company", world)

    assert (await api.http.get(f"/mentors/{world['a']['mentor']}", headers=company)).status_code == 200
    assert (await api.http.get(f"/mentors/{world['b']['mentor']}", headers=company)).status_code == 404
    assert (await api.http.get(f"/mentees/{world['a']['mentee']}", headers=company)).status_code == 404
    assert (await api.http.get("/mentees", headers=company)).status_code == 403
    assert (await api.http.get("/binomes", headers=company)).status_code == 403
