"""Projection "mentor_hours": each time a mentor gave the programme, once per fact (the skills-sponsorship report
sums them: domain.sponsorship). A binôme's facts name no mentor: the projection keeps each binôme's mentor, and the
meeting duration its programme gave it (a closure meeting counts that)."""

from sqlalchemy import Connection, insert, select

from domain import catalogue
from domain.sponsorship import ACTIVITY_OF, MENTOR_STEP_FACTS
from eventstore import RecordedFact
from projections.projection import Batch, Projection
from projections.tables import mentor_hours, mentor_hours_binomes
from projections.timestamps import to_text

_BINOME_FACTS = frozenset({"MentorshipProposed", "FirstMeetingHeld", "MeetingHeld", "ClosureMeetingHeld"})


class MentorHoursProjection(Projection):
    name = "mentor_hours"
    tables = (mentor_hours, mentor_hours_binomes)

    def handles(self, fact_type: str) -> bool:
        return fact_type in MENTOR_STEP_FACTS or (fact_type in _BINOME_FACTS
                                                  and catalogue.is_of(fact_type, catalogue.BINOME))

    def batch(self, conn: Connection) -> "MentorHoursBatch":
        return MentorHoursBatch(conn)


class MentorHoursBatch(Batch):
    def __init__(self, conn: Connection):
        self._conn = conn
        self._binomes: dict[str, tuple[str, int]] = {}  # binôme id -> (mentor id, closure minutes), this batch's
        self._known: dict[str, tuple[str, int]] = {}  # the same, read from the view
        self._entries: list[dict] = []

    def apply(self, recorded: RecordedFact) -> None:
        fact = recorded.fact
        stream_id = str(recorded.stream_id)
        if fact.type == "MentorshipProposed":
            self._binomes[stream_id] = (fact.data["mentor_id"], fact.data["programme"]["meeting_minutes"])
            return
        if fact.type in MENTOR_STEP_FACTS:
            mentor_id, minutes = stream_id, fact.data["duration_minutes"]
        else:
            mentor_id, closure_minutes = self._binome(stream_id)
            minutes = closure_minutes if fact.type == "ClosureMeetingHeld" else fact.data["duration_minutes"]
        self._entries.append({"entry_id": f"{stream_id}/{fact.position}", "mentor_id": mentor_id,
                              "activity": ACTIVITY_OF[fact.type], "occurred_at": to_text(fact.occurred_at),
                              "minutes": minutes})

    def flush(self) -> None:
        # Plain inserts: a fact applied twice is a bug, and it shows (the primary keys refuse it).
        if self._binomes:
            self._conn.execute(insert(mentor_hours_binomes), [
                {"binome_id": binome_id, "mentor_id": mentor_id, "closure_minutes": minutes}
                for binome_id, (mentor_id, minutes) in self._binomes.items()])
            self._binomes = {}
        if self._entries:
            self._conn.execute(insert(mentor_hours), self._entries)
            self._entries = []

    def _binome(self, binome_id: str) -> tuple[str, int]:
        found = self._binomes.get(binome_id) or self._known.get(binome_id)
        if found is None:
            row = self._conn.execute(select(mentor_hours_binomes).where(
                mentor_hours_binomes.c.binome_id == binome_id)).mappings().one()
            found = self._known[binome_id] = (row["mentor_id"], row["closure_minutes"])
        return found
