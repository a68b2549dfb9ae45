"""How the service is: the event store and its views, and whether Temporal answers."""

import asyncio
from typing import Any

from application.temporal_gateway import BinomeWorkflows
from eventstore import FactStore
from projections.projector import Projector


class SystemStatus:
    def __init__(self, store: FactStore, projector: Projector, workflows: BinomeWorkflows):
        self._store = store
        self._projector = projector
        self._workflows = workflows

    async def views(self) -> dict[str, Any]:
        """The store's last log position; each projection's position, lag and parked facts. Raises if the store
        or the views cannot be read."""
        last = await asyncio.to_thread(self._store.last_log_position)
        statuses = await asyncio.to_thread(self._projector.status)
        lag = {status.name: max(last - status.position, 0) for status in statuses}
        return {
            "event_store": "ok",
            "log_position": last,
            "views": {s.name: {"position": s.position, "lag": lag[s.name], "parked": s.parked} for s in statuses},
            "views_lag": max(lag.values(), default=0),
            "parked_facts": sum(status.parked for status in statuses),
        }

    async def temporal(self) -> str:
        """"ok", or "unreachable": commands then answer 503 until it is back (the API itself keeps serving reads)."""
        return "ok" if await self._workflows.reachable() else "unreachable"
