"""An ISP's optional webhook: its feed (domain.partner_feed) pushed to the partner's own system, signed as
Standard Webhooks say. Each feed event is one message whose `webhook-id` is the event's id: a message is sent again
until the partner acknowledges it (any 2xx), with a growing delay between tries, and never after; the next one
waits, so the partner receives them in the feed's order. A partner that hears a message twice (its answer lost)
recognises it by that id.

Setting a webhook is a fact on the organisation's stream (the URL, and its signing secret sealed with the data
keys); removing it too.
"""

from datetime import datetime, timedelta
from typing import Any
import ipaddress
from urllib.parse import urlsplit

from domain.errors import InvalidInput, NotAllowed
from domain.facts import Actor, Fact
from domain.organisations import OrganisationState

URL_LIMIT = 2000
# Loopback addresses may be plain http: a partner's system on the same machine, in development.
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
# The delay before the n-th try again: 10 s, 20 s, 40 s, … up to an hour; then every hour until acknowledged.
FIRST_DELAY = timedelta(seconds=10)
LONGEST_DELAY = timedelta(hours=1)
EVENT_TYPE = "mentee.progress"


def set_webhook(state: OrganisationState, url: str, secret_id: str, sealed_secret: str, actor: Actor,
                at: datetime, private_addresses: bool = False) -> list[Fact]:
    _require_isp(state)
    check_url(url, private_addresses)
    return [Fact("PartnerWebhookSet", state.version + 1, at, actor,
                 {"url": url, "secret_id": secret_id, "sealed_secret": sealed_secret})]


def remove_webhook(state: OrganisationState, actor: Actor, at: datetime) -> list[Fact]:
    _require_isp(state)
    if state.webhook is None:
        return []
    return [Fact("PartnerWebhookRemoved", state.version + 1, at, actor, {})]


def check_url(url: str, private_addresses: bool = False) -> None:
    """https to a public address. A partner's system on this machine or the private network (plain http allowed
    to this machine) only where the deployment allows it (development): else a partner could make the service
    call what lies behind its firewall."""
    parts = urlsplit(url)
    secure = parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK)
    if len(url) > URL_LIMIT or not secure or not parts.hostname:
        raise InvalidInput("webhook_url_invalid", field="url")
    if not private_addresses and not is_public_host(parts.hostname):
        raise NotAllowed("webhook_address_not_public", field="url")


def is_public_host(host: str) -> bool:
    """False for this machine and for an address of a private, link-local or reserved network; a name is judged
    by the addresses it resolves to when a message is sent (`is_public_address`)."""
    if host in LOOPBACK or host.endswith((".localhost", ".local", ".internal")):
        return False
    try:
        return is_public_address(host)
    except ValueError:
        return True  # a name


def is_public_address(address: str) -> bool:
    return ipaddress.ip_address(address).is_global


def delay_before_try(failures: int) -> timedelta:
    """How long to wait after `failures` tries in a row failed (1 or more)."""
    return min(FIRST_DELAY * 2 ** min(failures - 1, 20), LONGEST_DELAY)


def message(event: dict[str, Any]) -> dict[str, Any]:
    """The body of an event's message: what the feed says of it, and nothing more."""
    return {"type": EVENT_TYPE, "timestamp": event["occurred_at"],
            "data": {name: event[name] for name in ("position", "mentee_id", "binome_id", "kind", "detail")}}


def _require_isp(state: OrganisationState) -> None:
    if state.kind != "isp":
        raise NotAllowed("webhook_for_isps_only")
