"""Workflow histories hold the binômes' data encrypted; staff see it in clear in the Temporal UI through the
service's codec endpoint (a token, or the cookie set at login for that path), and nobody else."""

import base64
import json

import pytest
from google.protobuf import json_format

from api.app import temporal_ui_origin
from workflows.types import workflow_id


@pytest.fixture
def store_kind() -> str:
    return "sqlite"


async def proposal_payloads(api) -> tuple[dict, bytes]:
    """The proposal's update input as Temporal holds it (read without the codec), and the whole history."""
    binome = await api.propose()  # its note: "Même secteur"
    history = await api.env.client.get_workflow_handle(workflow_id(binome)).fetch_history()
    update = next(e for e in history.events if e.HasField("workflow_execution_update_accepted_event_attributes"))
    payloads = update.workflow_execution_update_accepted_event_attributes.accepted_request.input.args
    return json_format.MessageToDict(payloads), b"".join(event.SerializeToString() for event in history.events)


async def test_histories_hold_personal_data_encrypted_and_staff_decode_it(api):
    payloads, history = await proposal_payloads(api)
    assert b"secteur" not in history and b"test-admin" not in history
    assert all(base64.b64decode(p["metadata"]["encoding"]) == b"binary/encrypted" for p in payloads["payloads"])

    decoded = await api.ok("/codec/decode", payloads)

    clear = [json.loads(base64.b64decode(p["data"])) for p in decoded["payloads"] if p.get("data")]
    assert any(argument.get("payload", {}).get("note") == "Même secteur" for argument in clear), clear
    again = await api.ok("/codec/encode", decoded)
    assert base64.b64decode(again["payloads"][0]["metadata"]["encoding"]) == b"binary/encrypted"


async def test_only_staff_decode_payloads(api):
    payloads, _ = await proposal_payloads(api)

    anonymous = await api.http.post("/codec/decode", json=payloads, headers={"Authorization": ""})
    mentor = await api.http.post("/codec/decode", json=payloads, headers=api.as_("mentor", "m1"))
    # Payloads hold every programme's binômes: no coordinator's scope fits them.
    coordinator = await api.http.post("/codec/decode", json=payloads, headers=api.as_("coordinator", "claire"))

    assert (anonymous.status_code, mentor.status_code, coordinator.status_code) == (401, 403, 403)


async def test_the_temporal_ui_decodes_with_the_cookie_of_a_staff_login_from_its_own_origin(api):
    payloads, _ = await proposal_payloads(api)
    await api.ok("/accounts", {"username": "root", "role": "administrator", "password": "une phrase assez longue"})
    await api.ok("/accounts", {"username": "claire", "role": "coordinator", "programmes": ["default"],
                               "password": "une phrase assez longue"})
    coordinator = await api.http.post("/auth/token", data={"username": "claire", "password": "une phrase assez longue"},
                                      headers={"Authorization": ""})
    assert "mentorat_codec" not in coordinator.cookies
    login = await api.http.post("/auth/token", data={"username": "root", "password": "une phrase assez longue"},
                                headers={"Authorization": ""})
    cookie = login.cookies.get("mentorat_codec")
    assert cookie and "Path=/codec" in login.headers["set-cookie"] and "HttpOnly" in login.headers["set-cookie"]

    by_cookie = await api.http.post("/codec/decode", json=payloads, headers={"Authorization": ""},
                                    cookies={"mentorat_codec": cookie})
    assert by_cookie.status_code == 200
    # The cookie opens the codec only: every other route wants the bearer token.
    elsewhere = await api.http.get("/tasks", headers={"Authorization": ""}, cookies={"mentorat_codec": cookie})
    assert elsewhere.status_code == 401

    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    ui = await api.http.options("/codec/decode", headers={"Origin": temporal_ui_origin(api.settings), **preflight})
    stranger = await api.http.options("/codec/decode", headers={"Origin": "https://elsewhere.example", **preflight})
    assert ui.headers["access-control-allow-origin"] == temporal_ui_origin(api.settings)
    assert ui.headers["access-control-allow-credentials"] == "true"
    assert "access-control-allow-origin" not in stranger.headers


async def test_a_payload_encrypted_with_a_key_no_longer_configured_is_a_409(api):
    payloads, _ = await proposal_payloads(api)
    payloads["payloads"][0]["metadata"]["encryption-key-id"] = base64.b64encode(b"retired").decode()

    answer = await api.post("/codec/decode", payloads)

    assert (answer.status_code, answer.json()["code"], answer.json()["params"]) == (
        409, "payload_undecryptable", {"key_id": "retired"})
