"""Projection "sessions": each session as scheduled, how many hold a seat and wait, each registration with its
status and order, and attendance once recorded."""

from datetime import datetime

from sqlalchemy import Connection, insert, update

from domain import catalogue
from domain.sessions import CANCELLED, SEAT, WAITING
from eventstore import RecordedFact
from projections.database import upsert
from projections.projection import Batch, Projection
from projections.tables import session_registrations, sessions
from projections.timestamps import to_text


class SessionsProjection(Projection):
    name = "sessions"
    tables = (sessions, session_registrations)

    def handles(self, fact_type: str) -> bool:
        return catalogue.is_of(fact_type, catalogue.SESSION)

    def batch(self, conn: Connection) -> "SessionsBatch":
        return SessionsBatch(conn)


class SessionsBatch(Batch):
    def __init__(self, conn: Connection):
        self._conn = conn

    def apply(self, recorded: RecordedFact) -> None:
        fact, session_id = recorded.fact, str(recorded.stream_id)
        data = fact.data
        if fact.type == "SessionScheduled":
            self._conn.execute(insert(sessions), {
                **{name: data[name] for name in ("programme_id", "kind", "title", "duration_minutes", "place",
                                                 "video_link", "capacity")},
                "session_id": session_id, "starts_at": to_text(datetime.fromisoformat(data["starts_at"])), "seats_taken": 0, "waiting": 0, "attended": None,
                "scheduled_at": to_text(fact.occurred_at), "version": fact.position})
            return
        session = sessions.c
        counts = {}
        if fact.type == "SessionSeatTaken":
            self._registration(session_id, data["person_id"], SEAT, recorded, moved=data["from_waiting_list"])
            counts = {"seats_taken": session.seats_taken + 1}
            if data["from_waiting_list"]:
                counts["waiting"] = session.waiting - 1
        elif fact.type == "SessionWaitlisted":
            self._registration(session_id, data["person_id"], WAITING, recorded)
            counts = {"waiting": session.waiting + 1}
        elif fact.type == "SessionRegistrationCancelled":
            self._conn.execute(update(session_registrations).where(
                session_registrations.c.session_id == session_id,
                session_registrations.c.person_id == data["person_id"]).values(status=CANCELLED))
            counts = {"seats_taken": session.seats_taken - 1} if data["had_seat"] else {"waiting": session.waiting - 1}
        elif fact.type == "SessionAttendanceRecorded":
            for person_ids, attended in ((data["attended"], 1), (data["absent"], 0)):
                if person_ids:
                    self._conn.execute(update(session_registrations).where(
                        session_registrations.c.session_id == session_id,
                        session_registrations.c.person_id.in_(person_ids)).values(attended=attended))
            counts = {"attended": len(data["attended"])}
        self._conn.execute(update(sessions).where(session.session_id == session_id).values(
            version=fact.position, **counts))

    def _registration(self, session_id: str, person_id: str, status: str, recorded: RecordedFact,
                      moved: bool = False) -> None:
        """A new registration (or one after a cancellation); one moved from the waiting list keeps its order."""
        if moved:
            self._conn.execute(update(session_registrations).where(
                session_registrations.c.session_id == session_id,
                session_registrations.c.person_id == person_id).values(status=status))
            return
        upsert(self._conn, session_registrations, [{
            "session_id": session_id, "person_id": person_id, "status": status,
            "registered_position": recorded.fact.position, "registered_at": to_text(recorded.fact.occurred_at),
            "attended": None}])

    def flush(self) -> None:
        pass
