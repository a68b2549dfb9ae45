"""Binômes: the commands (propose, then every step, each a workflow update) and the queries (views and store).

A command's answer lists the facts it recorded, as the workflow got them back from the store (a repeated
delivery reads them back, so it gets exactly the first answer). Before answering, it waits (bounded, best
effort) until the read views show those facts, so a client reading right after its command sees it. Errors are
raised by kind (domain errors, application errors); the edge chooses the status.
"""

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any, Protocol
from uuid import UUID

import structlog

from application import clock
from application.binome_scope import BinomeScope
from application.data_reads import PersonalDataReads
from application.errors import CommandPending, Unavailable
from application.idempotency import SharedDeliveries, fingerprint
from application.programmes import ProgrammeService
from application.temporal_gateway import BinomeWorkflows, WorkflowGone
from domain import persons
from domain.access import check_may_send
from domain.catalogue import BINOME, PERSON
from domain.commands import CommandEnvelope
from domain.errors import DomainError, IdempotencyConflict, NotAllowed, NotFound
from domain.facts import Actor
from domain.principals import Principal, Role
from domain.visibility import listed_programmes, may_see_binome
from domain.programme import Programme
from domain.state import BinomeState, fold
from domain.tasks import StaffTask
from eventstore import FactStore, RecordedFact
from projections.binomes import BinomesProjection
from projections.paging import Key
from projections.projector import Projector
from projections.queries import Page, StuckRule, Views
from projections.timestamps import to_text
from workflows.types import BinomeInput, CommandOutcome, WorkflowOptions

log = structlog.get_logger("mentorat.binomes")
BINOMES_VIEW = BinomesProjection.name
# Binôme ids derived from an Idempotency-Key: the same key always names the same binôme.
BINOME_NAMESPACE = uuid.UUID("6f1c2b0e-5d4a-4a8e-9a57-3f0b7c1d2e90")


class CommandSettings(Protocol):
    # Read at each call: a setting changed at run time (tests do) applies to the next command.
    command_timeout_seconds: float
    read_your_writes_seconds: float


@dataclass(frozen=True)
class Accepted:
    binome_id: str
    facts: list[RecordedFact]
    repeated: bool


def new_binome_id(idempotency_key: str | None) -> UUID:
    return uuid.uuid5(BINOME_NAMESPACE, idempotency_key) if idempotency_key else uuid.uuid4()


def envelope_for(name: str, body: dict[str, Any], actor: Actor, idempotency_key: str | None,
                 occurred_at: datetime | None) -> CommandEnvelope:
    return CommandEnvelope(
        name=name,
        payload=body,
        command_id=idempotency_key or str(uuid.uuid4()),
        actor=actor,
        occurred_at=occurred_at.astimezone(timezone.utc) if occurred_at else None,
        fingerprint=fingerprint(name, {**body, "occurred_at": occurred_at.isoformat() if occurred_at else None}),
    )


class BinomeCommands:
    def __init__(self, workflows: BinomeWorkflows, store: FactStore, views: Views, projector: Projector,
                 settings: CommandSettings, programmes: ProgrammeService,
                 workflow_options: Callable[[], WorkflowOptions], scope: BinomeScope):
        self._workflows = workflows
        self._store = store
        self._views = views
        self._projector = projector
        self._settings = settings
        self._programmes = programmes
        self._workflow_options = workflow_options
        self._scope = scope
        self._in_flight: SharedDeliveries[Accepted] = SharedDeliveries()

    async def propose(self, payload: dict[str, Any], principal: Principal, key: str | None,
                      occurred_at: datetime | None = None, matching: dict[str, Any] | None = None) -> Accepted:
        """Proposes a mentee to a mentor: starts the binôme's workflow, then sends it the proposal (with the
        `matching` decision that made the pair, if matching made it: application.matching)."""
        # Read from the store, not the views: a person registered a moment ago is known at once.
        found = {}
        for field, role in (("mentor_id", "mentor"), ("mentee_id", "mentee")):
            person = await asyncio.to_thread(self._person, payload[field])
            if person.role != role or not principal.sees_programme(person.programme_id):
                raise NotFound(f"{role}_not_found", field=field)
            found[role] = person
        actor = principal.actor
        # The binôme runs under its programme's settings as they are now, for its whole life.
        programme = await asyncio.to_thread(self._programmes.get, found["mentee"].programme_id)
        binome_id = new_binome_id(key)
        envelope = envelope_for("ProposeMentee", payload, actor, key, occurred_at)
        if matching is not None:
            # Not in the fingerprint: a resend is the same proposal, whatever profiles changed meanwhile.
            envelope = replace(envelope, payload={**payload, "matching": matching})
        return await self._once(binome_id, envelope, lambda: self._propose(binome_id, envelope, programme))

    async def send(self, binome_id: UUID, name: str, payload: dict[str, Any], principal: Principal,
                   key: str | None, occurred_at: datetime | None = None) -> Accepted:
        await self._scope.check(principal, binome_id)
        envelope = envelope_for(name, payload, principal.actor, key, occurred_at)
        return await self._once(binome_id, envelope, lambda: self._send(binome_id, envelope))

    def _person(self, person_id: str) -> persons.PersonState:
        try:
            stream_id = UUID(person_id)
        except ValueError:
            return persons.PersonState(person_id)
        return persons.fold(person_id, [r.fact for r in self._store.read(stream_id, category=PERSON)])

    async def _once(self, binome_id: UUID, envelope: CommandEnvelope,
                    call: Callable[[], Awaitable[Accepted]]) -> Accepted:
        """Deliveries of one command that overlap in this process share the first one's outcome."""
        accepted, shared = await self._in_flight.run(
            (binome_id, envelope.command_id, envelope.fingerprint, envelope.actor), call)
        return replace(accepted, repeated=True) if shared else accepted

    async def _propose(self, binome_id: UUID, envelope: CommandEnvelope, programme: Programme) -> Accepted:
        return await self._send(binome_id, envelope,
                                start=BinomeInput(str(binome_id), programme.to_dict(), self._workflow_options()))

    async def _send(self, binome_id: UUID, envelope: CommandEnvelope, start: BinomeInput | None = None,
                    resumed: bool = False) -> Accepted:
        """Sends `envelope` (with `start`, starting the binôme's workflow if it does not run yet)."""
        try:
            outcome = await self._workflows.execute(binome_id, envelope, self._settings.command_timeout_seconds,
                                                    start)
        except WorkflowGone:
            return await self._answer_from_store(binome_id, envelope, resumed)
        except DomainError as refused:
            # Refused by the update's validator, which judges on the workflow's state: after a crash between the
            # store and Temporal, the store may already hold this very command (a deadline passed since).
            recorded = await asyncio.to_thread(self._recorded_command, binome_id, envelope)
            if recorded:
                log.info("refused_command_was_recorded", command=envelope.name, command_id=envelope.command_id,
                         code=refused.code)
                return Accepted(str(binome_id), recorded, True)
            raise
        try:
            # One hop to a worker thread for both: the facts (read back only if the workflow did not bring them),
            # then the wait for the views.
            facts = await asyncio.to_thread(self._recorded_and_visible, binome_id, outcome)
        except Exception:
            # Recorded, but it cannot be shown now: say so (a resend with the same key gets the first answer).
            log.exception("recorded_facts_unreadable", command=envelope.name, command_id=envelope.command_id)
            raise CommandPending(envelope.command_id) from None
        log.info("command_accepted", command=envelope.name, repeated=outcome.repeated,
                 facts=[f.fact.type for f in facts], version=outcome.version)
        return Accepted(str(binome_id), facts, outcome.repeated)

    def _recorded_command(self, binome_id: UUID, envelope: CommandEnvelope) -> list[RecordedFact]:
        """This command's facts in the binôme's stream, if they are there with this body, sent by the same one."""
        return _sent_as(envelope, [f for f in self._store.read(binome_id) if f.fact.command_id == envelope.command_id])

    async def _answer_from_store(self, binome_id: UUID, envelope: CommandEnvelope, resumed: bool) -> Accepted:
        """The workflow is closed (or absent): answer a repeat of an earlier command from the store; a binôme the
        store holds open gets its workflow back (application.resumption) and the command again; else refuse."""
        facts = await asyncio.to_thread(self._store.read, binome_id)
        if not facts:
            raise NotFound("binome_not_found", binome_id=str(binome_id))
        state = fold(str(binome_id), [f.fact for f in facts])
        # As the workflow's validator does, who asks first: a stranger learns nothing of a closed binôme either.
        check_may_send(state, envelope.command(), envelope.actor)
        mine = [f for f in facts if f.fact.command_id == envelope.command_id]
        if _sent_as(envelope, mine):
            return Accepted(str(binome_id), mine, True)
        if mine:
            raise IdempotencyConflict()
        if state.stage is not None and not state.finished:
            if not resumed:
                # Started here, or by a command sent at the same moment: either way, the command goes to it.
                start = BinomeInput(str(binome_id), state.programme.to_dict(), self._workflow_options(),
                                    state.to_dict())
                if await self._workflows.resume(start):
                    log.info("binome_resumed_for_command", binome_id=str(binome_id), command=envelope.name)
                return await self._send(binome_id, envelope, resumed=True)
            # Open in the store, but its workflow was stopped by hand (terminated): an operator must look.
            log.error("open_binome_without_workflow", binome_id=str(binome_id), command=envelope.name)
            raise Unavailable("binome_workflow_stopped", binome_id=str(binome_id))
        raise NotAllowed("binome_closed")

    def _recorded_and_visible(self, binome_id: UUID, outcome: CommandOutcome) -> list[RecordedFact]:
        """The command's facts (raises if the store cannot say), once the views show them or after a while."""
        if outcome.facts:
            facts = [RecordedFact(binome_id, s.fact, s.recorded_at, s.notification_id) for s in outcome.facts]
        else:
            # A repeat (the workflow keeps positions, not facts), or a workflow still on the ordinary activity.
            facts = self._read_positions(binome_id, outcome.positions)
        self._wait_until_visible(str(binome_id), outcome.version)
        return facts

    def _read_positions(self, binome_id: UUID, positions: list[int]) -> list[RecordedFact]:
        if not positions:
            return []
        facts = self._store.read(binome_id, after=min(positions) - 1, upto=max(positions))
        wanted = set(positions)
        return [f for f in facts if f.fact.position in wanted]

    def _wait_until_visible(self, binome_id: str, version: int) -> None:
        """Read-your-writes, best effort: the command is recorded whatever happens here."""
        try:
            visible = self._projector.wait_until(lambda: self._visible(binome_id, version),
                                                 self._settings.read_your_writes_seconds)
        except Exception:
            log.exception("read_view_wait_failed", binome_id=binome_id, version=version)
            return
        if not visible:
            log.warning("read_view_lagging", binome_id=binome_id, version=version)

    def _visible(self, binome_id: str, version: int) -> bool:
        # Checked at each of the projector's passes by every waiting command: memory first, the view if unsure.
        return (self._projector.applied(BINOMES_VIEW, binome_id) >= version
                or self._views.binome_version(binome_id) >= version)


@dataclass(frozen=True)
class Audit:
    state: BinomeState
    tasks: list[StaffTask]
    # The pair's names, by person id.
    names: dict[str, str]
    facts: list[RecordedFact]


class BinomeQueries:
    """Reads, each within the principal's scope; the detail and the history show the pair's personal data, so
    reading them is logged."""

    def __init__(self, views: Views, store: FactStore, scope: BinomeScope, reads: PersonalDataReads,
                 programmes: ProgrammeService):
        self._views = views
        self._programmes = programmes
        self._store = store
        self._scope = scope
        self._reads = reads

    async def page(self, principal: Principal, stage: str | None, overdue: bool | None, mentor_id: str | None,
                   mentee_id: str | None, limit: int, after: Key | None = None,
                   programme_id: str | None = None, search: str | None = None) -> Page:
        own = {Role.MENTOR: ("mentor_id", mentor_id), Role.MENTEE: ("mentee_id", mentee_id)}.get(principal.role)
        if own is not None:  # the pair see their own binômes: another's filter selects none of them
            name, asked = own
            if asked not in (None, principal.person_id):
                return Page([], 0)
            mentor_id, mentee_id = (principal.person_id, mentee_id) if name == "mentor_id" else (mentor_id,
                                                                                                principal.person_id)
        scope = listed_programmes(principal)
        isp = principal.organisation_id if principal.role is Role.ISP else None
        return await asyncio.to_thread(self._views.binomes, stage, overdue, mentor_id, mentee_id, limit,
                                       after=after, programme_id=programme_id, programme_ids=scope,
                                       mentee_organisation_id=isp, name=search)

    async def stage_counts(self, principal: Principal, programme_id: str | None) -> dict[str, int]:
        return await asyncio.to_thread(self._views.stage_counts, programme_id, listed_programmes(principal))

    async def names(self, principal: Principal, person_ids: Collection[str], what: str) -> dict[str, str]:
        """The names of the persons a staff page shows, those of the principal's programmes; the read is logged."""
        found = await asyncio.to_thread(self._views.names, {p for p in person_ids if p})
        shown = {person: name for person, (name, programme) in found.items()
                 if principal.is_staff and principal.sees_programme(programme)}
        await self._reads.record(principal, sorted(shown), what)
        return shown

    async def get_named(self, binome_id: UUID, principal: Principal,
                        what: str) -> tuple[BinomeState, list[StaffTask], dict[str, str]]:
        """`get`, with the names of its pair (for a page that says who they are)."""
        state, tasks = await self._visible(binome_id, principal)
        people = await asyncio.to_thread(self._views.names, {p for p in (state.mentor_id, state.mentee_id) if p})
        await self._reads.record(principal, sorted(people), what)
        return state, tasks, {person: name for person, (name, _) in people.items()}

    async def audit(self, binome_id: UUID, principal: Principal, limit: int) -> "Audit":
        """A binôme as its staff audit it: its state (the view), its pair's names and its facts (the store, up to
        `limit`), read once and logged as one read."""
        state, tasks, names = await self.get_named(binome_id, principal, "binomes.history")
        facts = await asyncio.to_thread(self._store.read, binome_id, 0, limit, BINOME)
        return Audit(state, tasks, names, facts)

    async def pairs(self, binome_ids: Collection[str]) -> dict[str, tuple[str | None, str | None]]:
        return await asyncio.to_thread(self._views.pairs, set(binome_ids))

    async def get(self, binome_id: UUID, principal: Principal) -> tuple[BinomeState, list[StaffTask]]:
        state, tasks = await self._visible(binome_id, principal)
        await self._reads.record(principal, [p for p in (state.mentor_id, state.mentee_id) if p], "binomes.read")
        return state, tasks

    async def _visible(self, binome_id: UUID, principal: Principal) -> tuple[BinomeState, list[StaffTask]]:
        found = await asyncio.to_thread(self._views.binome, str(binome_id))
        if found is None or not may_see_binome(principal, found[0].programme.id, found[0].mentor_id or "",
                                               found[0].mentee_id or ""):
            raise NotFound("binome_not_found")
        return found

    async def history(self, binome_id: UUID, after: int, limit: int, principal: Principal) -> list[RecordedFact]:
        await self._scope.check(principal, binome_id)
        facts = await asyncio.to_thread(self._store.read, binome_id, after, after + limit, BINOME)
        if not facts and after == 0:
            raise NotFound("binome_not_found")
        if facts:
            first = facts[0] if facts[0].fact.position == 1 else (
                await asyncio.to_thread(self._store.read, binome_id, None, 1))[0]
            pair = [first.fact.data.get(name) for name in ("mentor_id", "mentee_id")]
            await self._reads.record(principal, [p for p in pair if p], "binomes.history")
        return facts

    async def tasks(self, principal: Principal, overdue: bool | None, kind: str | None, limit: int,
                    after: Key | None = None, programme_id: str | None = None) -> Page:
        """The binômes' tasks, the persons stuck in their journey and the sessions waiting for their attendance, in
        the principal's programmes."""
        now = clock.now()
        stuck = {programme.id: StuckRule.of(programme, now) for programme in await self._programmes.all()
                 if principal.sees_programme(programme.id)}
        return await asyncio.to_thread(self._views.tasks, overdue, kind, limit, after=after, programme_id=programme_id,
                                       programme_ids=listed_programmes(principal), stuck=stuck, now=to_text(now))


def _sent_as(envelope: CommandEnvelope, facts: list[RecordedFact]) -> list[RecordedFact]:
    """`facts` (one command's), if recorded with `envelope`'s body by its sender: a command id says which delivery,
    not who may hear its answer."""
    first = facts[0].fact if facts else None
    return facts if first and first.fingerprint == envelope.fingerprint and first.actor == envelope.actor else []
