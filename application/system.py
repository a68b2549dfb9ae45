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
        """The store's last log position and how far the views lag behind it. Raises if the store fails."""
        last = await asyncio.to_thread(self._store.last_log_position)
        position = await asyncio.to_thread(self._projector.position)
        return {"event_store": "ok", "log_position": last, "views_lag": max(last - position, 0)}

    async def temporal(self) -> str:
        """"ok", or "unreachable": commands then answer 503 until it is back (the API itself keeps serving reads)."""
        return "ok" if await self._workflows.reachable() else "unreachable"
