"""Sessions (domain.sessions): schedule them, register people (a seat or the waiting list), take registrations back,
record attendance (with each attendee's journey step on their own stream, in one transaction), read them.

Each command reads the session's stream and the persons it concerns, decides, and appends; a concurrent change of
one of them makes the loser judge again on the winner's facts. With an Idempotency-Key a scheduling derives the
session's id from it, and any command repeated with its key and body records nothing more.
"""

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import structlog

from application import clock
from application.data_reads import PersonalDataReads
from application.errors import Saturated
from application.idempotency import fingerprint
from application.programmes import ProgrammeService
from domain import persons, sessions
from domain.catalogue import PERSON, SESSION
from domain.errors import NotFound
from domain.facts import Fact
from domain.principals import Principal
from domain.programme import Programme
from domain.sessions import Schedule, SessionState
from domain.visibility import listed_programmes
from eventstore import AppendConflict, FactStore, StaleStreams
from projections.paging import Key
from projections.projector import Projector
from projections.queries import Page, Views
from projections.timestamps import to_text

log = structlog.get_logger("mentorat.sessions")
SESSION_NAMESPACE = uuid.UUID("3f6b1d2e-8c4a-4b7e-9a1f-6e2d5c8b7a90")
RACES = 20
# What a decision gives: the session's facts, and (person id, fact) for the persons' streams.
Decision = tuple[list[Fact], list[tuple[str, Fact]]]


@dataclass(frozen=True)
class Recorded:
    session: dict[str, Any]
    repeated: bool


class SessionService:
    def __init__(self, store: FactStore, views: Views, projector: Projector, read_your_writes_seconds: float,
                 programmes: ProgrammeService, reads: PersonalDataReads):
        self._store = store
        self._views = views
        self._projector = projector
        self._read_your_writes_seconds = read_your_writes_seconds
        self._programmes = programmes
        self._reads = reads

    async def schedule(self, planned: Schedule, principal: Principal, key: str | None) -> Recorded:
        if not principal.sees_programme(planned.programme_id) or not await asyncio.to_thread(
                lambda: self._programmes.state(planned.programme_id).exists):
            raise NotFound("programme_not_found", field="programme_id", programme_id=planned.programme_id)
        session_id = str(uuid.uuid5(SESSION_NAMESPACE, key) if key else uuid.uuid4())
        print_ = fingerprint("ScheduleSession", {**planned.__dict__, "starts_at": planned.starts_at.isoformat()})
        command_id = key or session_id
        return await self._record(session_id, principal, [], lambda state, _, now: (
            sessions.schedule(state, planned, principal.actor, now, command_id, print_), []), exists=False)

    async def register(self, session_id: str, person_id: str, principal: Principal, key: str | None) -> Recorded:
        print_ = fingerprint("RegisterForSession", {"session_id": session_id, "person_id": person_id})
        command_id = key or str(uuid.uuid4())
        return await self._record(session_id, principal, [person_id], lambda state, people, now: (
            sessions.register(state, people[person_id], principal.actor, now, command_id, print_), []))

    async def cancel(self, session_id: str, person_id: str, principal: Principal, key: str | None) -> Recorded:
        print_ = fingerprint("CancelSessionRegistration", {"session_id": session_id, "person_id": person_id})
        command_id = key or str(uuid.uuid4())
        return await self._record(session_id, principal, [], lambda state, _, now: (
            sessions.cancel(state, person_id, principal.actor, now, command_id, print_), []))

    async def record_attendance(self, session_id: str, attended: list[str], principal: Principal,
                                key: str | None) -> Recorded:
        print_ = fingerprint("RecordSessionAttendance", {"session_id": session_id, "attended": attended})
        command_id = key or str(uuid.uuid4())

        def decide(state: SessionState, people: dict[str, persons.PersonState], now: datetime) -> Decision:
            programme = self._programmes.state(state.schedule.programme_id).programme or Programme(
                id=state.schedule.programme_id)
            return sessions.record_attendance(state, attended, people, programme, principal.actor, now, command_id,
                                              print_)

        return await self._record(session_id, principal, attended, decide, field="attended")

    async def get(self, session_id: str, principal: Principal) -> dict[str, Any]:
        """A session with its registrations, in the principal's programmes; reading who registered is logged."""
        found = await asyncio.to_thread(self._views.session, session_id)
        if found is None or not principal.sees_programme(found["programme_id"]):
            raise NotFound("session_not_found")
        await self._reads.record(principal, [r["person_id"] for r in found["registrations"]], "sessions.read")
        return found

    async def page(self, principal: Principal, limit: int, after: Key | None = None, programme_id: str | None = None,
                   kind: str | None = None, starting_from: datetime | None = None,
                   person_id: str | None = None) -> Page:
        return await asyncio.to_thread(self._views.sessions, limit, after=after, programme_id=programme_id,
                                       programme_ids=listed_programmes(principal), kind=kind,
                                       starting_from=to_text(starting_from), person_id=person_id)

    async def _record(self, session_id: str, principal: Principal, person_ids: list[str],
                      decide: Callable[[SessionState, dict[str, persons.PersonState], datetime], Decision],
                      exists: bool = True, field: str = "person_id") -> Recorded:
        stream_id = _stream_id(session_id)
        for _ in range(RACES):
            state = await asyncio.to_thread(self._state, stream_id)
            if exists and (not state.exists or not principal.sees_programme(state.schedule.programme_id)):
                raise NotFound("session_not_found")
            people = await asyncio.to_thread(self._persons, person_ids, field, state, principal)
            facts, others = await asyncio.to_thread(decide, state, people, clock.now())
            if not facts:
                return await self._answer(session_id, state.version, True, principal)
            try:
                await asyncio.to_thread(self._store.append_with, stream_id, facts,
                                        [(UUID(person_id), fact) for person_id, fact in others])
            except (AppendConflict, StaleStreams):
                continue  # the session or one of its persons moved meanwhile: judged again on it
            return await self._answer(session_id, facts[-1].position, False, principal)
        raise Saturated("session_busy")

    def _state(self, stream_id: UUID) -> SessionState:
        return sessions.fold(str(stream_id), [r.fact for r in self._store.read(stream_id, category=SESSION)])

    def _persons(self, person_ids: list[str], field: str, state: SessionState,
                 principal: Principal) -> dict[str, persons.PersonState]:
        """The persons a command names in `field` (one, or a list), as their streams stand; one who is not there,
        or in a programme outside the principal's scope, is not found, naming the field."""
        people = {}
        for index, person_id in enumerate(person_ids):
            field_name = field if field == "person_id" else f"{field}.{index}"
            not_found = NotFound(f"{state.role}_not_found", field=field_name)
            try:
                stream_id = UUID(person_id)
            except ValueError:
                raise not_found from None
            person = persons.fold(person_id, [r.fact for r in self._store.read(stream_id, category=PERSON)])
            if not person.registered or not principal.sees_programme(person.programme_id):
                raise not_found
            people[person_id] = person
        return people

    async def _answer(self, session_id: str, version: int, repeated: bool, principal: Principal) -> Recorded:
        """The session as recorded, with its registrations: reading who registered is logged, as for a read."""
        session = await self._as_recorded(session_id, version)
        await self._reads.record(principal, [r["person_id"] for r in session["registrations"]], "sessions.read")
        return Recorded(session, repeated)

    async def _as_recorded(self, session_id: str, version: int) -> dict[str, Any]:
        """As the view shows it once it shows `version` (bounded, best effort); else as folded from the store."""
        def shown() -> bool:
            row = self._views.session(session_id)
            return row is not None and row["version"] >= version

        try:
            if await asyncio.to_thread(self._projector.wait_until, shown, self._read_your_writes_seconds):
                return await asyncio.to_thread(self._views.session, session_id)
        except Exception:
            log.exception("read_view_wait_failed", session_id=session_id)
        return _from_state(await asyncio.to_thread(self._state, _stream_id(session_id)))


def _stream_id(session_id: str) -> UUID:
    try:
        return UUID(session_id)
    except ValueError:
        raise NotFound("session_not_found") from None


def _from_state(state: SessionState) -> dict[str, Any]:
    """The session as its stream says, for an answer the view has not caught up with (no names, no dates of
    registration)."""
    planned = state.schedule
    attended = set(state.attended or ())
    registrations = [{"person_id": person_id, "name": None, "status": status, "registered_at": None,
                      "attended": None if state.attended is None else person_id in attended}
                     for status, person_ids in ((sessions.SEAT, state.seats), (sessions.WAITING, state.waiting))
                     for person_id in person_ids]
    return {"session_id": state.session_id, "programme_id": planned.programme_id, "kind": planned.kind,
            "title": planned.title, "starts_at": planned.starts_at, "duration_minutes": state.duration_minutes,
            "place": planned.place, "video_link": planned.video_link, "capacity": planned.capacity,
            "seats_taken": len(state.seats), "waiting": len(state.waiting),
            "attended": None if state.attended is None else len(state.attended), "scheduled_at": None,
            "version": state.version, "registrations": registrations}
