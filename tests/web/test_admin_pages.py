"""Administration from the pages: accounts and programme settings."""

import re

PASSWORD = "un mot de passe assez long"


async def _admin(api, pages) -> None:
    await api.ok("/accounts", {"username": "root", "role": "administrator", "password": PASSWORD})
    await pages.login("root", PASSWORD)


async def test_accounts_are_created_disabled_and_given_a_new_password(api, pages):
    await _admin(api, pages)
    await pages.get("/app/admin/accounts")
    created = await pages.post("/app/admin/accounts", {"username": "Claire", "role": "coordinator",
                                                       "programmes": "default", "idempotency_key": "new-claire"})
    assert created.status_code == 201
    one_time = re.search(r"data-one-time>.*?<code>([^<]+)</code>", created.text, re.S).group(1)
    listed = await api.get("/accounts")
    claire = next(a for a in listed["items"] if a["username"] == "claire")
    assert claire["programmes"] == ["default"] and claire["must_change_password"]
    login = await api.http.post("/auth/token", data={"username": "claire", "password": one_time})
    assert login.status_code == 200

    bad = await pages.post("/app/admin/accounts", {"username": "x y", "role": "coordinator", "programmes": "default"})
    assert bad.status_code == 422 and 'id="account-username" name="username"' in bad.text
    assert 'aria-invalid="true"' in bad.text and 'value="x y"' in bad.text  # as typed, said what is wrong

    disabled = await pages.post(f"/app/admin/accounts/{claire['account_id']}/disabled", {"disabled": "true"})
    assert disabled.status_code == 303
    assert (await api.get(f"/accounts/{claire['account_id']}"))["disabled"] is True
    await pages.get("/app/admin/accounts")
    reset = await pages.post(f"/app/admin/accounts/{claire['account_id']}/password-reset", {})
    assert reset.status_code == 200 and "<code>" in reset.text


async def test_a_programme_setting_is_changed_and_checked(api, pages):
    await _admin(api, pages)
    await pages.get("/app/admin/programmes/default")
    saved = await pages.post("/app/admin/programmes/default", {"name": "Mentorat Bruxelles",
                                                               "min_meetings_per_month": "3",
                                                               "idempotency_key": "settings-0001"})
    assert saved.status_code == 303
    programme = await api.get("/programmes/default")
    assert programme["name"] == "Mentorat Bruxelles" and programme["settings"]["min_meetings_per_month"] == 3
    await pages.get("/app/admin/programmes/default")
    refused = await pages.post("/app/admin/programmes/default", {"period_months": "999"})
    assert refused.status_code in (409, 422) and 'id="setting-period_months-error"' in refused.text


async def test_administration_is_for_administrators(api, pages):
    await api.ok("/accounts", {"username": "claire", "role": "coordinator", "programmes": ["default"],
                               "password": PASSWORD})
    await pages.login("claire", PASSWORD)
    assert (await pages.get("/app/admin/accounts")).status_code == 403
    assert (await pages.get("/app/admin/programmes/default")).status_code == 403
    assert "/app/admin/accounts" not in (await pages.get("/app/tasks")).text  # not in the menu either


async def test_a_coordinators_programmes_are_ticked_among_those_that_exist(api, pages):
    await api.ok("/programmes", {"programme_id": "bxl", "name": "Bruxelles"})
    await api.ok("/accounts", {"username": "claire", "role": "coordinator", "programmes": ["default"],
                               "password": PASSWORD})
    await _admin(api, pages)
    claire = next(a for a in (await api.get("/accounts"))["items"] if a["username"] == "claire")
    listed = (await pages.get("/app/admin/accounts")).text
    assert f'action="/app/admin/accounts/{claire["account_id"]}/programmes"' in listed
    changed = await pages.post(f"/app/admin/accounts/{claire['account_id']}/programmes",
                               {"programmes": ["default", "bxl", "nowhere"], "idempotency_key": "scope-claire-1"})
    assert changed.status_code == 303
    assert (await api.get(f"/accounts/{claire['account_id']}"))["programmes"] == ["bxl", "default"]
    await pages.get("/app/admin/accounts")
    none = await pages.post(f"/app/admin/accounts/{claire['account_id']}/programmes", {"programmes": ["nowhere"]})
    assert none.status_code == 422 and 'role="alert"' in none.text  # a coordinator needs a programme
    assert (await api.get(f"/accounts/{claire['account_id']}"))["programmes"] == ["bxl", "default"]
    root = next(a for a in (await api.get("/accounts"))["items"] if a["username"] == "root")
    demoted = await pages.post(f"/app/admin/accounts/{root['account_id']}/programmes", {"programmes": ["default"]})
    assert demoted.status_code == 409  # an administrator is not made a coordinator by this form
    assert (await api.get(f"/accounts/{root['account_id']}"))["role"] == "administrator"
