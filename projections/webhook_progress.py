"""How far each ISP's webhook has delivered its feed: the webhooks set (from the organisations view) with their
progress, and the progress recorded after each try (application.partner_webhooks)."""

from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update

from projections.database import ViewDatabase
from projections.tables import organisations, partner_feed, partner_webhook_progress
from projections.timestamps import from_text, to_text

_progress = partner_webhook_progress.c
_WEBHOOKS = (select(organisations.c.organisation_id, organisations.c.webhook_url, organisations.c.webhook_secret_id,
                    organisations.c.webhook_sealed_secret, *[c for c in partner_webhook_progress.c
                                                             if c.name != "organisation_id"])
             .join(partner_webhook_progress, _progress.organisation_id == organisations.c.organisation_id,
                   isouter=True))
_TIMES = ("last_delivered_at", "failing_since", "next_try_at")


class WebhookProgress:
    def __init__(self, db: ViewDatabase):
        self._db = db

    def due(self, now: datetime) -> list[dict[str, Any]]:
        """The webhooks set whose next try is now or past (or never tried), each with its progress."""
        query = _WEBHOOKS.where(organisations.c.webhook_url.is_not(None),
                                _progress.next_try_at.is_(None) | (_progress.next_try_at <= to_text(now))) \
            .order_by(organisations.c.organisation_id)
        with self._db.read() as conn:
            return [_row(row) for row in conn.execute(query).mappings()]

    def of(self, organisation_id: str) -> dict[str, Any] | None:
        """The organisation's webhook and its progress, with how many of its feed's events wait; None if none set."""
        with self._db.read() as conn:
            row = conn.execute(_WEBHOOKS.where(organisations.c.organisation_id == organisation_id,
                                               organisations.c.webhook_url.is_not(None))).mappings().first()
            if row is None:
                return None
            found = _row(row)
            found["waiting"] = conn.execute(select(func.count()).where(
                partner_feed.c.organisation_id == organisation_id,
                partner_feed.c.position > found["delivered_position"])).scalar_one()
        return found

    def delivered(self, organisation_id: str, position: int, at: datetime) -> None:
        """The partner acknowledged the event at `position`: the next one goes at once."""
        with self._db.write() as conn:
            self._ensure(conn, organisation_id)
            # Only forward: a slower round (another process) cannot take the position back.
            conn.execute(update(partner_webhook_progress).where(_progress.organisation_id == organisation_id,
                                                                _progress.delivered_position < position).values(
                delivered_position=position, delivered=_progress.delivered + 1, last_delivered_at=to_text(at),
                failures=0, failing_since=None, last_status=None, last_error=None, next_try_at=None))

    def failed(self, organisation_id: str, status: int | None, error: str, at: datetime,
               next_try_at: datetime) -> None:
        with self._db.write() as conn:
            self._ensure(conn, organisation_id)
            conn.execute(update(partner_webhook_progress).where(_progress.organisation_id == organisation_id).values(
                failures=_progress.failures + 1, failing_since=func.coalesce(_progress.failing_since, to_text(at)),
                last_status=status, last_error=error[:500], next_try_at=to_text(next_try_at)))

    def try_now(self, organisation_id: str) -> None:
        """A webhook just set (a new address, a new secret) is tried at the next round, its delays from the start."""
        with self._db.write() as conn:
            conn.execute(update(partner_webhook_progress).where(_progress.organisation_id == organisation_id).values(
                next_try_at=None, failures=0, failing_since=None))

    @staticmethod
    def _ensure(conn, organisation_id: str) -> None:
        exists = conn.execute(select(_progress.organisation_id).where(
            _progress.organisation_id == organisation_id)).first()
        if exists is None:
            conn.execute(insert(partner_webhook_progress), {"organisation_id": organisation_id,
                                                            "delivered_position": 0, "delivered": 0, "failures": 0})


def _row(row) -> dict[str, Any]:
    found = dict(row)
    found["delivered_position"] = found["delivered_position"] or 0
    found["delivered"] = found["delivered"] or 0
    found["failures"] = found["failures"] or 0
    for name in _TIMES:
        found[name] = from_text(found[name])
    return found
