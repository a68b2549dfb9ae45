"""Projection "partner_feed": each referred mentee's progress, as its ISP partner reads it (domain.partner_feed), in
the order of the store's log. It keeps each mentee's ISP (at the time of each fact) and each binôme's mentee and
validations."""

import json

from sqlalchemy import Connection, insert, select, update

from domain import partner_feed
from domain.partner_feed import Event
from eventstore import RecordedFact
from projections.person_ids import as_streamed
from projections.projection import Batch, Projection
from projections.tables import partner_feed as feed
from projections.tables import partner_feed_binomes, partner_feed_mentees
from projections.timestamps import to_text

_HANDLED = frozenset({"MenteeRegistered", "PersonProfileChanged", "BinomeValidated", *partner_feed.PERSON_EVENTS,
                      *partner_feed.BINOME_EVENTS})


class PartnerFeedProjection(Projection):
    name = "partner_feed"
    tables = (feed, partner_feed_mentees, partner_feed_binomes)

    def handles(self, fact_type: str) -> bool:
        return fact_type in _HANDLED

    def batch(self, conn: Connection) -> "PartnerFeedBatch":
        return PartnerFeedBatch(conn)


class PartnerFeedBatch(Batch):
    """One fact at a time: few facts make events, and each reads what the ones before it wrote."""

    def __init__(self, conn: Connection):
        self._conn = conn

    def apply(self, recorded: RecordedFact) -> None:
        fact, stream_id = recorded.fact, str(recorded.stream_id)
        if fact.type == "MenteeRegistered":
            self._conn.execute(insert(partner_feed_mentees), {"person_id": stream_id,
                                                              "organisation_id": fact.data.get("organisation_id")})
        elif fact.type == "PersonProfileChanged":
            if "organisation_id" in fact.data["changes"]:  # a mentor's change matches no row here
                self._conn.execute(update(partner_feed_mentees).where(
                    partner_feed_mentees.c.person_id == stream_id).values(
                    organisation_id=fact.data["changes"]["organisation_id"]))
        elif fact.type in partner_feed.PERSON_EVENTS:
            self._event(recorded, stream_id, None, partner_feed.event_of(fact))
        elif fact.type == "MentorshipProposed":
            mentee_id = as_streamed(fact.data["mentee_id"])
            self._conn.execute(insert(partner_feed_binomes), {"binome_id": stream_id, "mentee_id": mentee_id,
                                                              "validated_sides": "[]"})
            self._event(recorded, mentee_id, stream_id, partner_feed.event_of(fact))
        else:
            binome = self._conn.execute(select(partner_feed_binomes).where(
                partner_feed_binomes.c.binome_id == stream_id)).mappings().one()
            if fact.type == "BinomeValidated":
                sides = frozenset(json.loads(binome["validated_sides"]))
                event = partner_feed.validated_by_both(sides, fact)
                self._conn.execute(update(partner_feed_binomes).where(
                    partner_feed_binomes.c.binome_id == stream_id).values(
                    validated_sides=json.dumps(sorted(sides | {fact.data["side"]}))))
            else:
                event = partner_feed.event_of(fact)
            self._event(recorded, binome["mentee_id"], stream_id, event)

    def flush(self) -> None:
        pass

    def _event(self, recorded: RecordedFact, mentee_id: str, binome_id: str | None, event: Event | None) -> None:
        """Written for the mentee's ISP, if an ISP referred them."""
        if event is None:
            return
        organisation_id = self._conn.execute(select(partner_feed_mentees.c.organisation_id).where(
            partner_feed_mentees.c.person_id == mentee_id)).scalar()
        if organisation_id is None:
            return
        self._conn.execute(insert(feed), {
            "entry_id": f"{recorded.stream_id}/{recorded.fact.position}", "position": recorded.notification_id,
            "organisation_id": organisation_id, "mentee_id": mentee_id, "binome_id": binome_id, "kind": event.kind,
            "detail": json.dumps(event.detail, sort_keys=True), "occurred_at": to_text(recorded.fact.occurred_at)})
