"""Health and programme settings."""

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from api.deps import SystemDep

router = APIRouter(tags=["système"])


class Health(BaseModel):
    """`status`, then each check: the store's log position, each view's position and lag, Temporal."""

    model_config = ConfigDict(extra="allow")

    status: Literal["ok", "degraded"]
    temporal: Literal["ok", "unreachable"]


@router.get("/health", summary="État du service (magasin d'événements, Temporal, vues)", response_model=Health,
            openapi_extra={"x-mentorat-public": True},
            responses={503: {"model": Health, "description": "Une dépendance ne répond pas : `status` vaut degraded."}})
async def health(system: SystemDep) -> JSONResponse:
    checks: dict[str, object] = {}
    healthy = True
    try:
        checks.update(await system.store())
    except Exception as error:  # report, don't raise: this is the health endpoint
        healthy = False
        checks["event_store"] = f"error: {type(error).__name__}"
    try:
        checks.update(await system.views(checks.get("log_position")))
    except Exception as error:
        healthy = False
        checks["views"] = f"error: {type(error).__name__}"
    # The API serves reads and registrations without Temporal; commands answer 503 until it is back.
    checks["temporal"] = await system.temporal()
    healthy = healthy and checks["temporal"] == "ok"
    # Parked facts degrade the views of some streams only: reported, but the service still answers (200).
    status = "ok" if healthy and not checks.get("parked_facts") else "degraded"
    return JSONResponse({"status": status, **checks}, status_code=200 if healthy else 503)
