"""Health and programme settings."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import SystemDep

router = APIRouter(tags=["système"])


@router.get("/health", summary="État du service (magasin d'événements, Temporal, vues)")
async def health(system: SystemDep) -> JSONResponse:
    checks: dict[str, object] = {}
    healthy = True
    try:
        checks.update(await system.store())
    except Exception as error:  # report, don't raise: this is the health endpoint
        healthy = False
        checks["event_store"] = f"error: {error}"
    try:
        checks.update(await system.views(checks.get("log_position")))
    except Exception as error:
        healthy = False
        checks["views"] = f"error: {error}"
    # The API serves reads and registrations without Temporal; commands answer 503 until it is back.
    checks["temporal"] = await system.temporal()
    healthy = healthy and checks["temporal"] == "ok"
    # Parked facts degrade the views of some streams only: reported, but the service still answers (200).
    status = "ok" if healthy and not checks.get("parked_facts") else "degraded"
    return JSONResponse({"status": status, **checks}, status_code=200 if healthy else 503)
