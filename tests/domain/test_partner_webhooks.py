"""An ISP's webhook: set and removed as facts on its stream, https only (http to this machine), tries again after
10 s, 20 s, 40 s … up to an hour, and a message says what the feed says, nothing more."""

from datetime import timedelta

import pytest

from domain import catalogue, organisations, partner_webhooks
from domain.errors import InvalidInput, NotAllowed
from domain.organisations import OrganisationState
from tests.domain.gwt import STAFF, utc

NOW = utc(2026, 3, 1)


def registered(kind: str) -> OrganisationState:
    state = OrganisationState("actiris")
    for fact in organisations.register(state, kind, "Actiris", STAFF, NOW, "reg", "fp"):
        organisations.evolve(state, fact)
    return state


def test_a_webhook_is_set_then_removed_as_facts_on_the_isps_stream():
    state = registered("isp")

    [set_] = partner_webhooks.set_webhook(state, "https://isp.example.be/hook", "s1", "sealed", STAFF, NOW)
    organisations.evolve(state, set_)
    assert state.webhook == {"url": "https://isp.example.be/hook", "secret_id": "s1", "sealed_secret": "sealed"}
    assert catalogue.undeclared_fields(set_.type, set_.data) == []

    [removed] = partner_webhooks.remove_webhook(state, STAFF, NOW)
    organisations.evolve(state, removed)
    assert state.webhook is None
    assert partner_webhooks.remove_webhook(state, STAFF, NOW) == []  # none to remove: nothing recorded


@pytest.mark.parametrize("url", ["http://isp.example.be/hook", "ftp://isp.example.be", "https://", "isp.example.be",
                                 "https://isp.example.be/" + "x" * 2000])
def test_a_webhook_is_https_unless_it_stays_on_this_machine(url):
    with pytest.raises(InvalidInput) as refused:
        partner_webhooks.set_webhook(registered("isp"), url, "s1", "sealed", STAFF, NOW)
    assert (refused.value.code, refused.value.field) == ("webhook_url_invalid", "url")


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/hook", "https://localhost/hook", "https://10.1.2.3/hook",
                                 "https://169.254.169.254/latest", "https://192.168.0.10/", "https://[::1]/"])
def test_this_machine_and_private_networks_are_refused_unless_the_deployment_allows_them(url):
    with pytest.raises(NotAllowed) as refused:
        partner_webhooks.set_webhook(registered("isp"), url, "s", "x", STAFF, NOW)
    assert (refused.value.code, refused.value.field) == ("webhook_address_not_public", "url")
    assert partner_webhooks.set_webhook(registered("isp"), url, "s", "x", STAFF, NOW, private_addresses=True)


def test_plain_http_to_this_machine_is_allowed_in_development_and_only_an_isp_has_a_webhook():
    assert partner_webhooks.set_webhook(registered("isp"), "http://127.0.0.1:8080/hook", "s", "x", STAFF, NOW,
                                        private_addresses=True)
    assert partner_webhooks.set_webhook(registered("isp"), "https://93.184.215.14/hook", "s", "x", STAFF, NOW)
    with pytest.raises(NotAllowed, match="webhook_for_isps_only"):
        partner_webhooks.set_webhook(registered("company"), "https://acme.example/hook", "s", "x", STAFF, NOW)


def test_each_failure_doubles_the_wait_up_to_an_hour():
    waits = [partner_webhooks.delay_before_try(failures) for failures in (1, 2, 3, 4, 9, 10, 500)]

    assert waits[:4] == [timedelta(seconds=s) for s in (10, 20, 40, 80)]
    assert waits[4] == timedelta(seconds=2560)
    assert waits[5:] == [timedelta(hours=1)] * 2


def test_a_message_carries_the_feed_event_and_nothing_else():
    event = {"entry_id": "e/3", "position": 42, "organisation_id": "actiris", "mentee_id": "m", "binome_id": "b",
             "kind": "exited", "detail": {"exit": "positive", "outcome": "job"}, "occurred_at": "2026-03-01T10:00:00Z"}

    assert partner_webhooks.message(event) == {
        "type": "mentee.progress", "timestamp": "2026-03-01T10:00:00Z",
        "data": {"position": 42, "mentee_id": "m", "binome_id": "b", "kind": "exited",
                 "detail": {"exit": "positive", "outcome": "job"}}}
