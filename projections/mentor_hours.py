"""Projection "mentor_hours": each time a mentor gave the programme, once per fact, with the company that employed
them then (the skills-sponsorship report sums them per company: domain.sponsorship). A binôme's facts name no
mentor: the projection keeps each binôme's mentor, and the meeting duration its programme gave it (a closure
meeting counts that); and each mentor's company as it changes."""

from sqlalchemy import Connection, insert, select, update

from domain import catalogue
from domain.sponsorship import ACTIVITY_OF, MENTOR_STEP_FACTS
from eventstore import RecordedFact
from projections.person_ids import as_streamed
from projections.projection import Batch, Projection
from projections.tables import mentor_hours, mentor_hours_binomes, mentor_hours_mentors
from projections.timestamps import to_text

_BINOME_FACTS = frozenset({"MentorshipProposed", "FirstMeetingHeld", "MeetingHeld", "ClosureMeetingHeld"})
_MENTOR_FACTS = frozenset({"MentorRegistered", "PersonProfileChanged"}) | MENTOR_STEP_FACTS


class MentorHoursProjection(Projection):
    name = "mentor_hours"
    tables = (mentor_hours, mentor_hours_binomes, mentor_hours_mentors)

    def handles(self, fact_type: str) -> bool:
        return fact_type in _MENTOR_FACTS or (fact_type in _BINOME_FACTS
                                              and catalogue.is_of(fact_type, catalogue.BINOME))

    def batch(self, conn: Connection) -> "MentorHoursBatch":
        return MentorHoursBatch(conn)


class MentorHoursBatch(Batch):
    """One fact at a time: each reads what the ones before it wrote (a mentor's company, a binôme's mentor)."""

    def __init__(self, conn: Connection):
        self._conn = conn

    def apply(self, recorded: RecordedFact) -> None:
        fact = recorded.fact
        stream_id = str(recorded.stream_id)
        if fact.type == "MentorRegistered":
            self._conn.execute(insert(mentor_hours_mentors), {"person_id": stream_id,
                                                              "organisation_id": fact.data.get("organisation_id")})
            return
        if fact.type == "PersonProfileChanged":
            if "organisation_id" in fact.data["changes"]:  # a mentee's change matches no row here
                self._conn.execute(update(mentor_hours_mentors).where(
                    mentor_hours_mentors.c.person_id == stream_id).values(
                    organisation_id=fact.data["changes"]["organisation_id"]))
            return
        if fact.type == "MentorshipProposed":
            self._conn.execute(insert(mentor_hours_binomes), {
                "binome_id": stream_id, "mentor_id": as_streamed(fact.data["mentor_id"]),
                "closure_minutes": fact.data["programme"]["meeting_minutes"]})
            return
        if fact.type in MENTOR_STEP_FACTS:
            mentor_id, minutes = stream_id, fact.data["duration_minutes"]
        else:
            binome = self._conn.execute(select(mentor_hours_binomes).where(
                mentor_hours_binomes.c.binome_id == stream_id)).mappings().one()
            mentor_id = binome["mentor_id"]
            minutes = binome["closure_minutes"] if fact.type == "ClosureMeetingHeld" else fact.data["duration_minutes"]
        organisation_id = self._conn.execute(select(mentor_hours_mentors.c.organisation_id).where(
            mentor_hours_mentors.c.person_id == mentor_id)).scalar()
        self._conn.execute(insert(mentor_hours), {
            "entry_id": f"{stream_id}/{fact.position}", "mentor_id": mentor_id, "organisation_id": organisation_id,
            "activity": ACTIVITY_OF[fact.type], "occurred_at": to_text(fact.occurred_at), "minutes": minutes})

    def flush(self) -> None:
        pass
