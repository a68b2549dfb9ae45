"""Programmes: created and changed as facts on their own streams; the default one exists from the start."""

import asyncio
import uuid
from datetime import datetime
from typing import Any

import structlog

from application import clock
from application.errors import Saturated
from domain import persons, programmes
from domain.errors import NotFound
from domain.facts import SYSTEM, Actor
from domain.programme import Programme
from domain.programmes import ProgrammeState
from eventstore import AppendConflict, FactStore
from projections.projector import Projector
from projections.queries import Views

# Concurrent changes of one programme: each loser reads again and is judged on the winner's change.
RACES = 20
log = structlog.get_logger("mentorat.programmes")
PROGRAMME_NAMESPACE = uuid.UUID("3d6f0a52-8c1e-4b7a-9f25-6e0d4c3b2a19")
DEFAULT_PROGRAMME_ID = persons.DEFAULT_PROGRAMME_ID


def stream_id(programme_id: str) -> uuid.UUID:
    return uuid.uuid5(PROGRAMME_NAMESPACE, programme_id)


class ProgrammeService:
    def __init__(self, store: FactStore, views: Views | None = None, projector: Projector | None = None,
                 read_your_writes_seconds: float = 5.0):
        self._store = store
        self._views = views
        self._projector = projector
        self._read_your_writes_seconds = read_your_writes_seconds

    # --- for the edges (async) ---------------------------------------------------------------------

    async def all(self) -> list[Programme]:
        rows = await asyncio.to_thread(self._views.programmes)
        return [Programme(**row["settings"]) for row in rows]

    async def one(self, programme_id: str) -> Programme:
        return await asyncio.to_thread(self.get, programme_id)

    async def create_async(self, programme_id: str, settings: dict[str, Any], actor: Actor, command_id: str,
                           fingerprint: str | None) -> tuple[Programme, bool]:
        created = await asyncio.to_thread(self.create, programme_id, settings, actor, command_id, fingerprint)
        await asyncio.to_thread(self._until_listed, programme_id)
        return created

    async def change_async(self, programme_id: str, changes: dict[str, Any], actor: Actor, command_id: str | None,
                           fingerprint: str | None) -> tuple[Programme, bool]:
        changed = await asyncio.to_thread(self.change_settings, programme_id, changes, actor,
                                          command_id or str(uuid.uuid4()), fingerprint)
        await asyncio.to_thread(self._until_listed, programme_id)
        return changed

    def _until_listed(self, programme_id: str) -> None:
        """Best effort, bounded: the list shows the programme as it now stands (read your writes)."""
        if self._projector is None:
            return
        version = self.state(programme_id).version

        def listed() -> bool:
            row = self._views.programme(programme_id)
            return row is not None and row["version"] >= version

        if not self._projector.wait_until(listed, self._read_your_writes_seconds):
            log.warning("read_view_lagging", programme_id=programme_id, version=version)

    # --- the streams -------------------------------------------------------------------------------

    def state(self, programme_id: str) -> ProgrammeState:
        facts = self._store.read(stream_id(programme_id), category="programme")
        return programmes.fold(programme_id, [recorded.fact for recorded in facts])

    def get(self, programme_id: str) -> Programme:
        state = self.state(programme_id)
        if not state.exists:
            raise NotFound("programme_not_found", programme_id=programme_id)
        return state.programme

    def create(self, programme_id: str, settings: dict[str, Any], actor: Actor, command_id: str,
               fingerprint: str | None) -> tuple[Programme, bool]:
        """The programme, and whether this call created it (False: a repeat of the same command)."""
        for _ in range(RACES):
            state = ProgrammeState(programme_id) if not _is_slug(programme_id) else self.state(programme_id)
            facts = programmes.create(state, settings, actor, _now(), command_id, fingerprint)
            try:
                written = bool(facts) and self._store.append(stream_id(programme_id), facts)
            except AppendConflict:
                continue  # created meanwhile: judged again, a repeat of this command is recognised as one
            return self.get(programme_id), written
        raise Saturated("programme_busy")

    def change_settings(self, programme_id: str, changes: dict[str, Any], actor: Actor, command_id: str,
                        fingerprint: str | None) -> tuple[Programme, bool]:
        for _ in range(RACES):
            state = self.state(programme_id)
            if not state.exists:
                raise NotFound("programme_not_found", programme_id=programme_id)
            facts = programmes.change_settings(state, changes, actor, _now(), command_id, fingerprint)
            try:
                written = bool(facts) and self._store.append(stream_id(programme_id), facts)
            except AppendConflict:
                continue  # another change took this position first: judge again on it
            return self.get(programme_id), written
        raise Saturated("programme_busy")

    def ensure_default(self) -> None:
        """Creates the default programme on a new installation (a racing second process finds it there)."""
        if self.state(DEFAULT_PROGRAMME_ID).exists:
            return
        try:
            self.create(DEFAULT_PROGRAMME_ID, {}, SYSTEM, "programme/default/created", None)
        except AppendConflict:
            pass


def _is_slug(programme_id: str) -> bool:
    return bool(programmes.PROGRAMME_ID.match(programme_id))


def _now() -> datetime:
    return clock.now()
