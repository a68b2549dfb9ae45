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

    async def store(self) -> dict[str, Any]:
        """The store's last log position. Raises if the store cannot be read."""
        return {"event_store": "ok", "log_position": await asyncio.to_thread(self._store.last_log_position)}

    async def views(self, last: int | None) -> dict[str, Any]:
        """Each projection's position, lag behind `last` and parked facts. Raises if the views cannot be read."""
        statuses = await asyncio.to_thread(self._projector.status)
        lag = {s.name: max(last - s.position, 0) if last is not None else None for s in statuses}
        checks: dict[str, Any] = {
            "views": {s.name: {"position": s.position, "lag": lag[s.name], "parked": s.parked} for s in statuses},
            "parked_facts": sum(status.parked for status in statuses),
        }
        if last is not None:
            checks["views_lag"] = max(lag.values(), default=0)
        return checks

    async def temporal(self) -> str:
        """"ok", or "unreachable": commands then answer 503 until it is back (the API itself keeps serving reads)."""
        return "ok" if await self._workflows.reachable() else "unreachable"
