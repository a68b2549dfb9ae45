"""GET /health on the real app around a container, with a Temporal client that answers (it is not under test)."""

import types

import httpx

from api.app import create_app


async def get_health(container) -> httpx.Response:
    async def check_health():
        return True

    container.temporal = types.SimpleNamespace(service_client=types.SimpleNamespace(check_health=check_health))
    transport = httpx.ASGITransport(app=create_app(container, run_projector=False))
    async with httpx.AsyncClient(transport=transport, base_url="http://mentorat") as http:
        return await http.get("/health")
