"""Integrations deliver what they saw as Standard Webhooks: signed with one of their (at most two) secrets, within
the tolerance, on the binômes of their scope; the webhook-id makes a redelivery record nothing new; their secrets
are sealed in the store."""

import base64
from datetime import datetime, timedelta, timezone

import pytest

from application.integrations import stream_id
from mentorat.payload_codec import parse_keys
from mentorat.sealing import Sealer
from domain.facts import Actor, Fact
from tests.api.test_authentication import history_of


@pytest.fixture
def store_kind() -> str:
    return "sqlite"


async def test_a_signed_meeting_is_recorded_once_as_the_integrations_however_often_delivered(api):
    binome = await api.through_intake()
    secret = await api.integration("agenda")
    meeting = {"binome_id": binome, "mode": "video", "duration_minutes": 60}

    first = await api.deliver("agenda", secret, "meeting.held", meeting, "msg_2Lx1")
    again = await api.deliver("agenda", secret, "meeting.held", meeting, "msg_2Lx1")

    assert first.status_code == again.status_code == 201, first.text
    assert again.headers["Idempotent-Replayed"] == "true" and again.json() == first.json()
    held = [f for f in await history_of(api, binome) if f["type"] == "MeetingHeld"]
    assert [f["actor"] for f in held] == ["integration:agenda"]


@pytest.mark.parametrize("tamper", ["signature", "secret", "stale", "future", "unsigned", "garbage"])
async def test_a_delivery_not_signed_by_the_integration_recently_is_refused_and_records_nothing(api, tamper):
    binome = await api.through_intake()
    secret = await api.integration("agenda")
    other_secret = await api.integration("crm")
    meeting = {"binome_id": binome, "mode": "video"}
    now = datetime.now(timezone.utc)
    arguments = {
        "signature": dict(secret=secret, signature="v1,c2lnbmF0dXJlIGZvcmfDqWU="),
        "secret": dict(secret=other_secret),
        "stale": dict(secret=secret, at=now - timedelta(minutes=6)),
        "future": dict(secret=secret, at=now + timedelta(minutes=6)),
        "garbage": dict(secret=secret, signature="v1 no comma ,,, %%"),
    }
    if tamper == "unsigned":
        answer = await api.http.post("/integrations/agenda/deliveries", json={"type": "meeting.held", "data": meeting})
    else:
        answer = await api.deliver("agenda", event_type="meeting.held", data=meeting, webhook_id="msg-1",
                                   **arguments[tamper])

    assert (answer.status_code, answer.json()["code"]) == (401, "signature_invalid"), answer.text
    assert not [f for f in await history_of(api, binome) if f["type"] == "MeetingHeld"]


async def test_secrets_rotate_with_two_valid_at_once_and_never_none(api):
    binome = await api.through_intake()
    old = await api.integration("agenda")
    first_id = (await api.get("/integrations/agenda"))["secret_ids"][0]
    added = await api.ok("/integrations/agenda/secrets")
    new = added["secret"]
    meeting = {"binome_id": binome, "mode": "video"}

    assert (await api.deliver("agenda", old, "meeting.held", meeting, "m-old")).status_code == 201
    assert (await api.deliver("agenda", new, "meeting.held", meeting, "m-new")).status_code == 201
    third = await api.post("/integrations/agenda/secrets")
    assert (third.status_code, third.json()["code"]) == (409, "two_secrets_already")

    revoked = await api.http.delete(f"/integrations/agenda/secrets/{first_id}")
    assert revoked.status_code == 200 and revoked.json()["secret_ids"] == [added["secret_id"]]
    assert (await api.deliver("agenda", old, "meeting.held", meeting, "m-old-2")).status_code == 401
    assert (await api.deliver("agenda", new, "meeting.held", meeting, "m-new-2")).status_code == 201
    last = await api.http.delete(f"/integrations/agenda/secrets/{added['secret_id']}")
    assert (last.status_code, last.json()["code"]) == (409, "last_secret")


async def test_an_integration_touches_only_the_binomes_of_its_scope(api):
    await api.ok("/programmes", {"programme_id": "other", "name": "Autre"})
    binome, listed_only = await api.through_intake(), await api.through_intake()
    elsewhere = await api.integration("elsewhere", programmes=("other",))
    narrow = await api.integration("narrow", binomes=(listed_only,))

    for integration, secret, target in (("elsewhere", elsewhere, binome), ("narrow", narrow, binome)):
        answer = await api.deliver(integration, secret, "meeting.held", {"binome_id": target, "mode": "video"},
                                   f"{integration}-1")
        assert (answer.status_code, answer.json()["code"]) == (404, "binome_not_found"), integration
    listed = await api.deliver("narrow", narrow, "meeting.held", {"binome_id": listed_only, "mode": "video"}, "n-2")
    assert listed.status_code == 201


async def test_a_signed_delivery_with_a_bad_body_names_the_field(api):
    binome = await api.through_intake()
    secret = await api.integration("agenda")

    wrong_mode = await api.deliver("agenda", secret, "meeting.held", {"binome_id": binome, "mode": "pigeon"}, "b-1")
    unknown_type = await api.deliver("agenda", secret, "meeting.cancelled", {"binome_id": binome}, "b-2")

    assert (wrong_mode.status_code, wrong_mode.json()["field"]) == (422, "data.mode")
    assert (unknown_type.status_code, unknown_type.json()["field"]) == (422, "type")


async def test_a_secret_sealed_under_a_retired_key_is_skipped_not_an_outage(api, container):
    """A stream whose first secret was sealed under a key since retired, its second under today's: a delivery
    signed with the second still verifies, one signed with neither is a 401 (not a 503)."""
    binome = await api.through_intake()
    at, admin = datetime.now(timezone.utc), Actor("staff", "root")
    secret = "whsec_" + base64.b64encode(b"k" * 32).decode()
    sealed = Sealer(parse_keys(container.settings.data_keys.get_secret_value())).seal(
        secret, "integration/agenda/secret/new")
    container.store.append(stream_id("agenda"), [
        Fact("IntegrationRegistered", 1, at, admin, {"integration_id": "agenda", "name": "Agenda",
                                                     "programmes": ["default"], "binomes": []}),
        Fact("IntegrationSecretAdded", 2, at, admin, {"secret_id": "old", "sealed_secret": "retired.AAAAAAAAAAAA"}),
        Fact("IntegrationSecretAdded", 3, at, admin, {"secret_id": "new", "sealed_secret": sealed})])
    meeting = {"binome_id": binome, "mode": "video"}

    stranger = await api.deliver("agenda", "whsec_" + "QUFB" * 8, "meeting.held", meeting, "r-1")
    genuine = await api.deliver("agenda", secret, "meeting.held", meeting, "r-2")

    assert (stranger.status_code, genuine.status_code) == (401, 201), genuine.text


async def test_an_integrations_secrets_are_sealed_in_the_store(api, container):
    secret = await api.integration("agenda")

    stored = [r.fact for r in container.store.read(stream_id("agenda"))]
    assert [f.type for f in stored] == ["IntegrationRegistered", "IntegrationSecretAdded"]
    sealed = stored[1].data["sealed_secret"]
    assert secret.removeprefix("whsec_") not in repr(stored) and sealed.startswith("local-1.")
