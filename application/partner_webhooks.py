"""Delivers each ISP's feed to its webhook (domain.partner_webhooks), signed with the `standardwebhooks` library.

For each webhook whose next try is due, the events after the last one acknowledged are sent one by one, in the
feed's order: a 2xx moves on; anything else (an error, a timeout, no answer, a redirect) stops there and sets the
next try after a growing delay. A message's `webhook-id` is its feed event's id, the same at every try: a process
that dies between the partner's answer and its record sends that one again, and the partner recognises it.

One dispatcher runs beside the projector in the API process (`serve` runs one API process); `deliver_due` is what
each of its rounds does, and what tests call.
"""

import json
import socket
import threading
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

import httpx
import structlog
from standardwebhooks.webhooks import Webhook

from application.integrations import SecretSealer, Unsealable
from domain.partner_webhooks import delay_before_try, is_public_address, message
from projections.queries import Views
from projections.webhook_progress import WebhookProgress

log = structlog.get_logger("mentorat.partner_webhooks")
# Events sent per webhook and round: the next round goes on.
BATCH = 50


def purpose(organisation_id: str, secret_id: str) -> str:
    """What a webhook secret's seal is bound to."""
    return f"organisation/{organisation_id}/webhook/{secret_id}"


class WebhookDispatcher:
    def __init__(self, progress: WebhookProgress, views: Views, sealer: SecretSealer, timeout_seconds: float,
                 poll_seconds: float, private_addresses: bool = False,
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc), client: httpx.Client | None = None):
        self._private_addresses = private_addresses
        self._progress = progress
        self._views = views
        self._sealer = sealer
        self._poll_seconds = poll_seconds
        self._clock = clock
        self._client = client or httpx.Client(timeout=timeout_seconds, follow_redirects=False)
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def deliver_due(self, now: datetime | None = None) -> int:
        """One round: every webhook due at `now` (by default: now) delivers what waits, up to its first failure;
        the next try of one that failed is set from `now`. How many events were acknowledged."""
        now = now or self._clock()
        return sum(self._deliver(webhook, now) for webhook in self._progress.due(now))

    def _deliver(self, webhook: dict[str, Any], now: datetime) -> int:
        organisation_id, url = webhook["organisation_id"], webhook["webhook_url"]
        events = self._views.partner_feed(organisation_id, webhook["delivered_position"], BATCH)
        if not events:
            return 0
        try:
            signer = Webhook(self._sealer.open(webhook["webhook_sealed_secret"],
                                               purpose(organisation_id, webhook["webhook_secret_id"])))
        except Unsealable:
            # Sealed under a data key since retired: nothing can be signed until a new webhook secret is set.
            log.error("webhook_secret_unsealable", organisation_id=organisation_id)
            self._failed(organisation_id, webhook["failures"], None, "secret_unsealable", now)
            return 0
        # Once a round: the name may have come to point inside the network since the address was set.
        if not self._private_addresses and not _resolves_to_public(url):
            self._failed(organisation_id, webhook["failures"], None, "address_not_public", now)
            return 0
        acknowledged = 0
        failures = webhook["failures"]
        for event in events:
            status, error = self._send(url, signer, event)
            if status is not None and 200 <= status < 300:
                self._progress.delivered(organisation_id, event["position"], now)
                acknowledged, failures = acknowledged + 1, 0
                continue
            self._failed(organisation_id, failures, status, error, now)
            break
        return acknowledged

    def _send(self, url: str, signer: Webhook, event: dict[str, Any]) -> tuple[int | None, str]:
        body = json.dumps(message({**event, "occurred_at": event["occurred_at"].isoformat()}))
        sent_at = self._clock()  # the signature's time is the clock's: the partner checks it against its own
        headers = {"webhook-id": event["entry_id"], "webhook-timestamp": str(int(sent_at.timestamp())),
                   "webhook-signature": signer.sign(event["entry_id"], sent_at, body),
                   "content-type": "application/json"}
        try:
            response = self._client.post(url, content=body.encode(), headers=headers)
        except httpx.HTTPError as error:
            return None, type(error).__name__
        return response.status_code, "" if response.is_success else f"HTTP {response.status_code}"

    def _failed(self, organisation_id: str, failures_before: int, status: int | None, error: str,
                now: datetime) -> None:
        next_try_at = now + delay_before_try(failures_before + 1)
        log.warning("webhook_delivery_failed", organisation_id=organisation_id, status=status, error=error,
                    failures=failures_before + 1, next_try_at=next_try_at.isoformat())
        self._progress.failed(organisation_id, status, error, now, next_try_at)

    def start(self) -> None:
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="partner-webhooks", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self._client.close()

    def _run(self) -> None:
        while not self._stopping.wait(self._poll_seconds):
            try:
                self.deliver_due()
            except Exception:
                # The view database down, say: the next round tries again; nothing acknowledged is lost.
                log.exception("webhook_round_failed")


def _resolves_to_public(url: str) -> bool:
    """Every address the URL's host has now is public (a name once public may since point inside the network).
    What remains: the name may change again between this check and the connection."""
    parts = urlsplit(url)
    try:
        found = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError:
        return True  # unknown now: the connection fails, and says so
    return all(is_public_address(info[4][0]) for info in found)
