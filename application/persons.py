"""Mentors and mentees: register (straight into the store, one stream per person), the steps of their journey and
their profile changes (each judged on the person's stream, then appended), read one, list them, the pipelines.

With an Idempotency-Key the person's id is derived from it, so a repeated registration finds the first one's
stream: the same body gets the first answer again (the registration keeps its first date), another body is
refused. Each registration is dated when it is handled, so repeats are recognised by the body's fingerprint,
never by comparing facts.
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
from application.idempotency import fingerprint
from domain import journeys, persons
from application.errors import Saturated
from application.organisations import OrganisationService
from application.programmes import ProgrammeService
from domain.catalogue import PERSON
from application.data_reads import PersonalDataReads
from domain.errors import Forbidden, IdempotencyConflict, NotFound
from domain.facts import Fact
from domain.permissions import Permission
from domain.principals import Principal
from domain.visibility import listed_programmes, may_see_person, partner_lists
from domain.programme import Programme
from eventstore import AppendConflict, FactStore, RecordedFact
from projections.paging import Key
from projections.projector import Projector
from projections.queries import Page, StuckRule, Views
from projections.timestamps import to_text

log = structlog.get_logger("mentorat.persons")
PERSON_NAMESPACE = uuid.UUID("0b9e8f7a-3c2d-4e1f-8a6b-5d4c3b2a1f0e")
# Concurrent changes of one person: each loser reads again and is judged on the winner's facts.
RACES = 20


@dataclass(frozen=True)
class Registered:
    person: dict[str, Any]
    repeated: bool


@dataclass(frozen=True)
class Commanded:
    """A command's outcome: the person as it now stands, the facts the command recorded (the first delivery's, for
    a repeat), and whether it was a repeat."""

    person: dict[str, Any]
    recorded: list[RecordedFact]
    repeated: bool


@dataclass(frozen=True)
class Pipeline:
    programme_id: str
    # step -> how many persons stand there
    steps: dict[str, int]
    paused: int | None
    stuck_after_days: int
    stuck: list[dict[str, Any]]


class PersonService:
    def __init__(self, store: FactStore, views: Views, projector: Projector, read_your_writes_seconds: float,
                 programmes: ProgrammeService, reads: PersonalDataReads,
                 organisations: OrganisationService | None = None):
        self._store = store
        self._views = views
        self._projector = projector
        self._read_your_writes_seconds = read_your_writes_seconds
        self._programmes = programmes
        self._reads = reads
        self._organisations = organisations

    async def register(self, role: str, name: str, email: str | None, phone: str | None, languages: list[str],
                       principal: Principal, key: str | None, programme_id: str = persons.DEFAULT_PROGRAMME_ID,
                       capacity: int | None = None, organisation_id: str | None = None, step: str | None = None,
                       background: str | None = None, adviser: str | None = None) -> Registered:
        mentor_capacity = persons.capacity_of(role, capacity)
        # A programme outside a coordinator's scope is, to them, one that does not exist.
        if not principal.sees_programme(programme_id) or not await asyncio.to_thread(
                lambda: self._programmes.state(programme_id).exists):
            raise NotFound("programme_not_found", field="programme_id", programme_id=programme_id)
        await self._check_organisation(role, organisation_id)
        person_id = uuid.uuid5(PERSON_NAMESPACE, f"{role}/{key}") if key else uuid.uuid4()
        body = {"name": name, "email": email, "phone": phone, "languages": languages, "programme_id": programme_id,
                "capacity": capacity, "organisation_id": organisation_id}
        # Only when given: a registration repeated with its key from before journeys keeps its fingerprint.
        body.update({field: value for field, value in (("step", step), ("background", background),
                                                        ("adviser", adviser)) if value is not None})
        person = persons.Person(str(person_id), role, name, email, phone, languages, programme_id,
                                mentor_capacity, organisation_id, step, background, adviser)
        fact = persons.register(person, principal.actor, clock.now(), key or str(person_id),
                                fingerprint(role, body))
        repeated = not await self._append_or_recognise(person_id, fact)
        return Registered(await self._as_recorded(person_id), repeated)

    async def change(self, role: str, person_id: str, changes: dict[str, Any], principal: Principal,
                     key: str | None) -> Registered:
        """A profile change, recorded as a fact on the person's stream; the same key and body again records nothing."""
        await self._check_organisation(role, changes.get("organisation_id"))
        outcome = await self._judge(role, person_id, principal, key, fingerprint(f"{role}/change", changes),
                                    lambda state, actor, now, command_id, print_: persons.change_profile(
                                        state, changes, actor, now, command_id, print_))
        return Registered(outcome.person, outcome.repeated)

    async def command(self, role: str, person_id: str, name: str, payload: dict[str, Any], principal: Principal,
                      key: str | None, occurred_at: datetime | None = None) -> Commanded:
        """A step of the person's journey, a pause, or a matching profile change (domain.journeys)."""
        body_fingerprint = fingerprint(name, {**payload, "occurred_at": occurred_at})

        def decide(state: persons.PersonState, actor, now, command_id, print_) -> list[Fact]:
            programme = self._programmes.state(state.programme_id).programme or Programme(id=state.programme_id)
            return journeys.decide(state, name, payload, programme, actor, now, occurred_at, command_id, print_)

        return await self._judge(role, person_id, principal, key, body_fingerprint, decide)

    async def journey(self, role: str, person_id: str, principal: Principal) -> list[RecordedFact]:
        """Every fact of the person's stream (staff: their interviews included); the read is logged."""
        stream_id = _stream_id(person_id, role)
        recorded = await asyncio.to_thread(self._store.read, stream_id, None, None, PERSON)
        state = persons.fold(str(stream_id), [r.fact for r in recorded])
        if state.role != role or not may_see_person(principal, role, state.person_id, state.programme_id,
                                                    state.organisation_id):
            raise NotFound(f"{role}_not_found")
        await self._reads.record(principal, [state.person_id], f"{role}s.journey")
        return recorded

    async def _judge(self, role: str, person_id: str, principal: Principal, key: str | None,
                     body_fingerprint: str, decide: Callable[..., list[Fact]]) -> Commanded:
        """Reads the person's stream, decides, appends; a concurrent change makes the loser judge again on the
        winner's facts. The same key and body again records nothing and answers with what it recorded."""
        stream_id = _stream_id(person_id, role)
        command_id = key or str(uuid.uuid4())
        for _ in range(RACES):
            recorded = await asyncio.to_thread(self._store.read, stream_id, None, None, PERSON)
            state = persons.fold(str(stream_id), [r.fact for r in recorded])
            if state.role != role or not may_see_person(principal, role, state.person_id, state.programme_id,
                                                        state.organisation_id):
                raise NotFound(f"{role}_not_found")
            facts = await asyncio.to_thread(decide, state, principal.actor, clock.now(), command_id,
                                            body_fingerprint)
            if not facts:
                mine = [r for r in recorded if r.fact.command_id == command_id]
                version = max((r.fact.position for r in mine), default=state.version)
                return Commanded(await self._as_recorded(stream_id, version), mine, True)
            try:
                await asyncio.to_thread(self._store.append, stream_id, facts)
            except AppendConflict:
                continue  # a proposal or another change took the position first: judge again on it
            written = await asyncio.to_thread(self._store.read, stream_id, facts[0].position - 1,
                                              facts[-1].position)
            return Commanded(await self._as_recorded(stream_id, facts[-1].position), written, False)
        raise Saturated("person_busy")

    async def get(self, role: str, person_id: str, principal: Principal) -> dict[str, Any]:
        """One person, if `principal` may see them; the read is logged (who read whose personal data)."""
        found = await asyncio.to_thread(self._views.person, person_id)
        if found is None or found["role"] != role or not may_see_person(
                principal, role, person_id, found["programme_id"], found["organisation_id"]):
            raise NotFound(f"{role}_not_found")
        await self._reads.record(principal, [person_id], f"{role}s.read")
        return found

    async def page(self, role: str, principal: Principal, limit: int, after: Key | None = None,
                   programme_id: str | None = None) -> Page:
        """The persons `principal` may see: staff those of their programmes, a partner its own people."""
        organisation_id = None
        if not principal.is_staff:
            if partner_lists(principal) != role:  # an ISP lists its mentees, never mentors; a company the reverse
                raise Forbidden("role_may_not", permission=Permission.PERSONS_LIST.value, role=principal.role.value)
            organisation_id = principal.organisation_id
        page = await asyncio.to_thread(self._views.persons, role, limit, after=after, programme_id=programme_id,
                                       programme_ids=listed_programmes(principal), organisation_id=organisation_id)
        await self._reads.record(principal, [p["person_id"] for p in page.items], f"{role}s.list")
        return page

    async def people_of(self, role: str, organisation_id: str, principal: Principal, limit: int) -> list[dict]:
        """A partner's people, for staff: a company's mentors, an ISP's mentees, in the principal's programmes."""
        page = await asyncio.to_thread(self._views.persons, role, limit, programme_ids=listed_programmes(principal),
                                       organisation_id=organisation_id)
        await self._reads.record(principal, [p["person_id"] for p in page.items], f"{role}s.list")
        return page.items

    async def pipeline(self, role: str, principal: Principal, programme_id: str | None = None,
                       stuck_limit: int = 100) -> list[Pipeline]:
        """Per programme in the principal's scope: how many persons stand at each step of the journey, how many
        mentors are paused, and who has waited at one step longer than the programme's delay (not paused), longest
        first.
        A programme filter outside the scope selects none, as the lists' filters do."""
        programmes = [p for p in await self._programmes.all()
                      if principal.sees_programme(p.id) and programme_id in (None, p.id)]
        counts = await asyncio.to_thread(self._views.journey_counts, role, [p.id for p in programmes])
        now = clock.now()
        pipelines = []
        for programme in programmes:
            steps = dict.fromkeys(persons.STEPS[role], 0)
            steps.update({row["step"]: row["count"] for row in counts if row["programme_id"] == programme.id})
            stuck = await asyncio.to_thread(self._views.stuck, role, StuckRule.of(programme, now), stuck_limit)
            paused = await asyncio.to_thread(self._views.paused_count, role, programme.id, to_text(now)) \
                if role == "mentor" else None
            pipelines.append(Pipeline(programme.id, steps, paused, programme.journey_step_days, stuck))
        await self._reads.record(principal, [p["person_id"] for pipeline in pipelines for p in pipeline.stuck],
                                 f"{role}s.pipeline")
        return pipelines

    async def _check_organisation(self, role: str, organisation_id: str | None) -> None:
        """A mentor's company, a mentee's ISP: a registered organisation of that kind."""
        if self._organisations is not None:
            await self._organisations.check_named(role, organisation_id)

    async def _append_or_recognise(self, person_id: UUID, fact: Fact) -> bool:
        """True if `fact` was written now; False if the same registration (same key and body) was already there."""
        try:
            if await asyncio.to_thread(self._store.append, person_id, [fact]):
                return True
        except AppendConflict:
            pass
        stored = await asyncio.to_thread(self._store.read, person_id)
        if stored and stored[0].fact.command_id == fact.command_id and stored[0].fact.fingerprint == fact.fingerprint:
            return False
        raise IdempotencyConflict()

    async def _as_recorded(self, person_id: UUID, version: int = 1) -> dict[str, Any]:
        """The person as the views show it once they show the stream up to `version` (1: the registration): a
        bounded, best-effort wait; else as folded from the store."""
        def shown() -> bool:
            row = self._views.person(str(person_id))
            return row is not None and row["version"] >= version

        try:
            if await asyncio.to_thread(self._projector.wait_until, shown, self._read_your_writes_seconds):
                return await asyncio.to_thread(self._views.person, str(person_id))
        except Exception:
            log.exception("read_view_wait_failed", person_id=str(person_id))
        stored = await asyncio.to_thread(self._store.read, person_id)
        return _from_state(persons.fold(str(person_id), [r.fact for r in stored]))


def _stream_id(person_id: str, role: str) -> UUID:
    try:
        return UUID(person_id)
    except ValueError:
        raise NotFound(f"{role}_not_found") from None


def _from_state(state: persons.PersonState) -> dict[str, Any]:
    return {"person_id": state.person_id, "role": state.role, "name": state.name, "email": state.email,
            "phone": state.phone, "languages": state.languages, "registered_at": state.registered_at,
            "programme_id": state.programme_id, "capacity": state.capacity if state.role == "mentor" else None,
            "organisation_id": state.organisation_id, "step": state.step, "step_since": state.step_since,
            "background": state.background, "adviser": state.adviser, "paused_until": state.paused_until,
            "profile": dict(state.profile), "version": state.version}
