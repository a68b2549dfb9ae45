"""Every binôme the store holds open runs its workflow: one Temporal does not run (its history was written
elsewhere, as the demo's; or Temporal's database was lost) is started from its state, folded from the store, and
goes on from there — its next deadlines, its commands. Binômes whose workflow runs, or ran, are left alone."""

import asyncio
from uuid import UUID

import structlog

from application.temporal_gateway import BinomeWorkflows
from domain.catalogue import BINOME
from domain.state import fold
from eventstore import FactStore
from projections.queries import Views
from workflows.types import BinomeInput, WorkflowOptions

log = structlog.get_logger("mentorat.resumption")


async def resume_open_binomes(store: FactStore, views: Views, workflows: BinomeWorkflows,
                              options: WorkflowOptions) -> int:
    """How many workflows were started."""
    started = 0
    for binome_id in await asyncio.to_thread(views.open_binome_ids):
        if await workflows.has_run(binome_id):  # the usual case: one call, and the store is not read
            continue
        facts = await asyncio.to_thread(store.read, UUID(binome_id), None, None, BINOME)
        state = fold(binome_id, [recorded.fact for recorded in facts])
        if state.stage is None or state.finished:
            continue
        if await workflows.resume(BinomeInput(binome_id, state.programme.to_dict(), options, state.to_dict())):
            started += 1
    if started:
        log.info("binomes_resumed", started=started)
    return started
