"""The binômes' workflow logic run in this process at the clock's moment (application.clock): the demo's stand-in
for Temporal while it writes months of history in a few seconds.

It does what the workflow does, with the same pieces: what time has made due is recorded first
(domain.schedule), a command is judged by domain.decide (who may send it included), and facts are written by the
worker's own append (with the places they take or free on the pair's streams, in one transaction). Temporal's
servers cannot do this: their clock never goes back, and months of history must end today. Once written, the
binômes still open get their real workflows from their state when the service starts
(application.resumption).
"""

import asyncio
from uuid import UUID

from application import clock
from application.temporal_gateway import WorkflowGone
from domain.commands import CommandEnvelope
from domain.decide import decide
from domain.engagements import change_for
from domain.facts import Fact, same_facts
from domain.programme import Programme
from domain.schedule import due_facts
from domain.state import BinomeState, evolve
from eventstore import FactStore
from worker.activities import StoreActivities
from workflows.types import AppendFacts, BinomeInput, CommandOutcome, StoredFact


class LocalBinomes:
    def __init__(self, store: FactStore):
        self._append = StoreActivities(store).append
        self._states: dict[str, BinomeState] = {}
        # One command or catch-up at a time, as the workflow's lock.
        self._lock = asyncio.Lock()

    async def execute(self, binome_id: UUID, envelope: CommandEnvelope, timeout: float,
                      start: BinomeInput | None = None) -> CommandOutcome:
        async with self._lock:
            return self._command(str(binome_id), envelope, start)

    async def advance(self) -> None:
        """Records, in every binôme run here, what time has made due by the clock's moment."""
        async with self._lock:
            for state in self._states.values():
                self._catch_up(state)

    def state(self, binome_id: str) -> BinomeState | None:
        return self._states.get(binome_id)

    async def reachable(self, timeout: float = 3.0) -> bool:
        return True

    def _command(self, binome_id: str, envelope: CommandEnvelope, start: BinomeInput | None) -> CommandOutcome:
        state = self._states.get(binome_id)
        if state is None:
            if start is None:
                raise WorkflowGone()
            state = self._states[binome_id] = BinomeState(binome_id, Programme.from_dict(start.programme))
        self._catch_up(state)
        while True:
            previous = state.commands.get(envelope.command_id)
            facts = decide(state, envelope, clock.now())
            if previous is not None:
                return CommandOutcome(binome_id, state.version, state.stage.value, previous.positions, repeated=True)
            stored = self._record(state, facts)
            if same_facts([recorded.fact for recorded in stored], facts):
                return CommandOutcome(binome_id, state.version, state.stage.value, [f.position for f in facts],
                                      facts=stored)
            # The store held other facts at those places (another writer): judged again on them, as the workflow.

    def _catch_up(self, state: BinomeState) -> None:
        while facts := due_facts(state, clock.now()):
            self._record(state, facts)

    def _record(self, state: BinomeState, facts: list[Fact]) -> list[StoredFact]:
        held = self._append(AppendFacts(state.binome_id, facts, change_for(state, facts)))
        for recorded in held.facts:
            evolve(state, recorded.fact)
        return [StoredFact(r.fact, r.recorded_at, r.notification_id) for r in held.facts]
