"""/docs and /redoc work with no Internet: every script, style and icon they load is served by the API itself."""

import re
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from api.app import create_app
from mentorat.bootstrap import build_container
from tests.support.settings import sqlite_settings

BASE = "http://mentorat"
# src="…", href="…", spec-url="…" and Swagger UI's `url: '…'`.
REFERENCE = re.compile(r"""(?:\b(?:src|href|spec-url)\s*=\s*|\burl:\s*)["']([^"']+)["']""")
EXPECTED_TYPE = {".js": "javascript", ".css": "text/css", ".png": "image/png", ".json": "application/json"}


@pytest.fixture
async def http(tmp_path):
    container = build_container(sqlite_settings(tmp_path / "data"))
    try:
        transport = httpx.ASGITransport(app=create_app(container.services(run_projector=False), container.settings))
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
            yield client
    finally:
        container.close()


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
async def test_documentation_page_loads_only_its_own_assets(http, page):
    answer = await http.get(page)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    html = answer.text

    # No absolute URL at all in the page: nothing can point to another host.
    assert re.findall(r"https?://", html) == []
    references = REFERENCE.findall(html)
    kinds = {reference.rsplit(".", 1)[-1] for reference in references}
    assert "js" in kinds and "json" in kinds, references
    if page == "/docs":
        assert "css" in kinds, references

    for reference in references:
        url = urljoin(f"{BASE}{page}", reference)
        assert urlsplit(url).netloc == "mentorat", reference
        asset = await http.get(url)
        assert asset.status_code == 200, reference
        expected = EXPECTED_TYPE["." + reference.rsplit(".", 1)[-1]]
        assert expected in asset.headers["content-type"], (reference, asset.headers["content-type"])
        assert len(asset.content) > 100, reference
