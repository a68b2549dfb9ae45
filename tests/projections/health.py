"""GET /health on the real app around a container, with a Temporal client that answers (it is not under test)."""

import httpx

from api.app import create_app


async def get_health(container) -> httpx.Response:
    async def temporal_answers() -> str:
        return "ok"

    services = container.services(run_projector=False)
    services.system.temporal = temporal_answers
    transport = httpx.ASGITransport(app=create_app(services, container.settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://mentorat") as http:
        return await http.get("/health")
