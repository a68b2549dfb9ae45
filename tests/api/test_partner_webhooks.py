"""An ISP's optional webhook, over real HTTP: its feed pushed to the partner's system, each message signed as
Standard Webhooks say, sent again after a growing delay until acknowledged, then never again, in the feed's order."""

import asyncio
from datetime import datetime, timedelta, timezone

from application.partner_webhooks import WebhookDispatcher
from tests.api.conftest import Api
from tests.api.test_partner_feed import referred_and_selected
from tests.api.test_scoped_reads import until
from tests.support.webhook_receiver import WebhookReceiver

T0 = datetime.now(timezone.utc).replace(microsecond=0)


def dispatcher(api: Api) -> WebhookDispatcher:
    return api.app.state.services.partner_webhooks


async def deliver(api: Api, at: datetime) -> int:
    return await asyncio.to_thread(dispatcher(api).deliver_due, at)


async def feed_of(api: Api, count: int) -> list[dict]:
    async def read() -> dict:
        return await api.get("/organisations/actiris/feed")
    return (await until(read, lambda page: len(page["items"]) == count))["items"]


async def test_each_event_is_delivered_signed_in_order_retried_until_acknowledged_then_never_again(api):
    await api.organisation("actiris", "isp")
    isp = api.as_("isp", "actiris")
    first = await referred_and_selected(api, "Bilal", "actiris")
    second = await referred_and_selected(api, "Chloé", "actiris")
    events = await feed_of(api, 2)

    with WebhookReceiver(answers=[500]) as receiver:
        answer = await api.http.put("/organisations/actiris/webhook", json={"url": receiver.url}, headers=isp)
        assert answer.status_code == 200, answer.text
        receiver.secret = answer.json()["secret"]
        assert answer.json()["secret"].startswith("whsec_")

        assert await deliver(api, T0) == 0  # the partner answered 500: the first event waits, the second too
        status = (await api.http.get("/organisations/actiris/webhook", headers=isp)).json()
        assert (status["failures"], status["last_status"], status["waiting"]) == (1, 500, 2)
        assert status["next_try_at"] == (T0 + timedelta(seconds=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert await deliver(api, T0 + timedelta(seconds=9)) == 0  # not yet due: nothing sent
        assert len(receiver.received) == 1

        assert await deliver(api, T0 + timedelta(seconds=10)) == 2
        assert await deliver(api, T0 + timedelta(minutes=5)) == 0  # acknowledged: never sent again

        assert receiver.refused_signatures == 0
        refused, retried, next_one = receiver.received
        assert refused.webhook_id == retried.webhook_id != next_one.webhook_id  # a try again is the same message
        assert [(r.body["type"], r.body["data"]["kind"], r.body["data"]["mentee_id"]) for r in receiver.acknowledged] \
            == [("mentee.progress", "selected", first), ("mentee.progress", "selected", second)]
        assert [r.body["data"]["position"] for r in receiver.acknowledged] == [e["position"] for e in events]
        status = (await api.http.get("/organisations/actiris/webhook", headers=isp)).json()
        assert (status["delivered"], status["failures"], status["waiting"], status["last_error"]) == (2, 0, 0, None)

        third = await referred_and_selected(api, "Dirk", "actiris")
        await feed_of(api, 3)
        assert await deliver(api, T0 + timedelta(minutes=6)) == 1
        assert [r.body["data"]["mentee_id"] for r in receiver.acknowledged] == [first, second, third]
        assert len({r.webhook_id for r in receiver.acknowledged}) == 3


async def test_tries_wait_longer_after_each_failure_and_an_unreachable_partner_is_recorded_as_such(api):
    await api.organisation("actiris", "isp")
    await referred_and_selected(api, "Bilal", "actiris")
    await feed_of(api, 1)
    with WebhookReceiver(answers=[503, 503, 503]) as receiver:
        receiver.secret = (await api.http.put("/organisations/actiris/webhook", json={"url": receiver.url})).json()[
            "secret"]
        at, delays = T0, []
        for _ in range(3):
            await deliver(api, at)
            next_try = datetime.fromisoformat((await api.get("/organisations/actiris/webhook"))["next_try_at"])
            delays.append((next_try - at).total_seconds())
            at = next_try
        assert delays == [10, 20, 40]
        assert await deliver(api, at) == 1
    status = await api.get("/organisations/actiris/webhook")
    assert (status["delivered"], status["failures"], status["failing_since"]) == (1, 0, None)

    await referred_and_selected(api, "Chloé", "actiris")
    await feed_of(api, 2)
    await deliver(api, at)  # the receiver is gone: no answer at all
    status = await api.get("/organisations/actiris/webhook")
    assert (status["failures"], status["last_status"], status["last_error"], status["waiting"]) == (
        1, None, "ConnectError", 1)

    with WebhookReceiver() as moved:  # the partner gives its new address: tried at once, not in 10 s
        moved.secret = (await api.http.put("/organisations/actiris/webhook", json={"url": moved.url})).json()["secret"]
        assert await deliver(api, at) == 1
    assert [r.body["data"]["kind"] for r in moved.acknowledged] == ["selected"]


async def test_who_may_set_a_webhook_and_what_is_refused(api):
    await api.organisation("actiris", "isp")
    await api.organisation("forem", "isp")
    await api.organisation("acme", "company")
    url = {"url": "https://partenaire.example.be/webhook"}

    cases = [
        (await api.http.put("/organisations/actiris/webhook", json=url, headers=api.as_("isp", "forem")), 404,
         "organisation_not_found"),
        (await api.http.put("/organisations/actiris/webhook", json=url, headers=api.as_("company", "acme")), 403,
         "role_may_not"),
        (await api.http.put("/organisations/actiris/webhook", json=url,
                            headers=api.as_("coordinator", "claire", programmes=["default"])), 403, "role_may_not"),
        (await api.http.put("/organisations/acme/webhook", json=url), 409, "webhook_for_isps_only"),
        (await api.http.put("/organisations/actiris/webhook", json={"url": "http://partenaire.example.be/hook"}),
         422, "invalid.string_pattern_mismatch"),
        (await api.http.get("/organisations/actiris/webhook"), 404, "webhook_not_found"),
    ]
    for answer, status, code in cases:
        assert (answer.status_code, answer.json()["code"]) == (status, code), answer.text

    assert (await api.http.put("/organisations/actiris/webhook", json=url)).status_code == 200
    assert (await api.get("/organisations/actiris/webhook"))["url"] == url["url"]
    assert (await api.http.delete("/organisations/actiris/webhook")).status_code == 204
    assert (await api.http.get("/organisations/actiris/webhook")).status_code == 404
    await referred_and_selected(api, "Bilal", "actiris")
    await feed_of(api, 1)
    assert await deliver(api, T0) == 0  # an event waits, but no webhook asks for it


async def test_the_dispatcher_running_beside_the_projector_delivers_on_its_own(api):
    await api.organisation("actiris", "isp")
    mentee = await referred_and_selected(api, "Bilal", "actiris")
    with WebhookReceiver() as receiver:
        receiver.secret = (await api.http.put("/organisations/actiris/webhook", json={"url": receiver.url})).json()[
            "secret"]
        dispatcher(api).start()  # as the API's start does (tests drive the app without its lifespan)
        try:
            async def acknowledged() -> list:
                return receiver.acknowledged
            [message] = await until(acknowledged, lambda received: len(received) == 1)
        finally:
            await asyncio.to_thread(dispatcher(api).stop)
    assert message.body["data"]["mentee_id"] == mentee
