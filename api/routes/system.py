"""Health and programme settings."""

import asyncio

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import ContainerDep

router = APIRouter(tags=["système"])


@router.get("/health", summary="État du service (magasin d'événements, Temporal, vues)")
async def health(container: ContainerDep) -> JSONResponse:
    checks: dict[str, object] = {}
    healthy = True
    last = None
    try:
        last = await asyncio.to_thread(container.store.last_log_position)
        checks["event_store"] = "ok"
        checks["log_position"] = last
    except Exception as error:  # report, don't raise: this is the health endpoint
        healthy = False
        checks["event_store"] = f"error: {error}"
    views_healthy, parked = await asyncio.to_thread(_views_health, container, last, checks)
    healthy = healthy and views_healthy
    try:
        await container.temporal.service_client.check_health()
        checks["temporal"] = "ok"
    except Exception as error:
        healthy = False
        checks["temporal"] = f"error: {error}"
    # Parked facts degrade the views of some streams only: reported, but the service still answers (200).
    status = "ok" if healthy and not parked else "degraded"
    return JSONResponse({"status": status, **checks}, status_code=200 if healthy else 503)


def _views_health(container, last: int | None, checks: dict[str, object]) -> tuple[bool, int]:
    """Each projection's position, lag and parked facts; (views readable, facts parked)."""
    try:
        statuses = container.projector.status()
    except Exception as error:
        checks["views"] = f"error: {error}"
        return False, 0
    lag = {s.name: max(last - s.position, 0) if last is not None else None for s in statuses}
    checks["views"] = {s.name: {"position": s.position, "lag": lag[s.name], "parked": s.parked} for s in statuses}
    if last is not None:
        checks["views_lag"] = max(lag.values(), default=0)
    checks["parked_facts"] = sum(s.parked for s in statuses)
    return True, checks["parked_facts"]


@router.get("/programmes/default", summary="Réglages du programme (délais, cadences, durées)")
async def programme(container: ContainerDep) -> dict:
    return container.programme.to_dict()
