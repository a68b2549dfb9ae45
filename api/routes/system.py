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
    try:
        last = await asyncio.to_thread(container.store.last_log_position)
        position = await asyncio.to_thread(container.projector.position)
        checks["event_store"] = "ok"
        checks["log_position"] = last
        checks["views_lag"] = max(last - position, 0)
    except Exception as error:  # report, don't raise: this is the health endpoint
        healthy = False
        checks["event_store"] = f"error: {error}"
    try:
        await container.temporal.service_client.check_health()
        checks["temporal"] = "ok"
    except Exception as error:
        healthy = False
        checks["temporal"] = f"error: {error}"
    return JSONResponse({"status": "ok" if healthy else "degraded", **checks}, status_code=200 if healthy else 503)


@router.get("/programmes/default", summary="Réglages du programme (délais, cadences, durées)")
async def programme(container: ContainerDep) -> dict:
    return container.programme.to_dict()
