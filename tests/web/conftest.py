"""The pages in-process (httpx over ASGI, cookies kept), over the same API fixture: real worker, real stores."""

import re
from dataclasses import dataclass

import httpx
import pytest

from tests.api.conftest import api  # noqa: F401 (the API fixture the pages share)

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Pages:
    http: httpx.AsyncClient
    last: httpx.Response | None = None

    async def get(self, path: str, **params) -> httpx.Response:
        self.last = await self.http.get(path, params=params or None)
        return self.last

    def csrf(self) -> str:
        found = CSRF.search(self.last.text if self.last is not None else "")
        assert found, "the last page holds no form token"
        return found.group(1)

    async def post(self, path: str, data: dict, inline: bool = False, csrf: str | None = None) -> httpx.Response:
        headers = {"X-Requested-With": "fetch"} if inline else {}
        token = self.csrf() if csrf is None else csrf
        return await self.http.post(path, data={"csrf_token": token, **data}, headers=headers)

    async def login(self, username: str, password: str) -> httpx.Response:
        await self.get("/app/login")
        answer = await self.post("/app/login", {"username": username, "password": password, "next": "/app/"})
        return answer


@pytest.fixture
def store_kind() -> str:
    """The pages call the same services as the API, whose tests run on both stores."""
    return "sqlite"


@pytest.fixture
async def pages(api):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api.app), base_url="http://mentorat") as http:
        yield Pages(http)


@pytest.fixture
def new_pages(api):
    """Another browser on the same service (another person logged in)."""
    clients = []

    def make() -> Pages:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=api.app), base_url="http://mentorat")
        clients.append(client)
        return Pages(client)

    yield make
