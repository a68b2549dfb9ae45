"""Builds the FastAPI application around the application's services (built by mentorat.bootstrap)."""

import re
import time
import uuid
from contextlib import asynccontextmanager
from typing import Protocol

import structlog
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi_offline import FastAPIOffline

from api.errors import install_error_handlers
from api.middleware import install_middleware
from api.openapi import install_openapi
from api.routes import (accounts, audit, auth, binome_commands, binome_reads, codec, integrations, journeys,
                        matching, organisations, persons, programmes, sessions, system)
from application.services import Services
from mentorat.settings import Settings
from web.app import install_web

access_log = structlog.get_logger("mentorat.api")
# A caller's X-Request-ID is kept only if it is plain and short (it goes into every log line and back out).
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


class ProvidesServices(Protocol):
    """What the composition root hands over when it is not the services themselves (its container)."""

    def services(self) -> Services: ...


def create_app(source: Services | ProvidesServices, settings: Settings | None = None) -> FastAPI:
    """`settings` tunes the edge (limits, who may say who acts); a container brings its own."""
    services = source if isinstance(source, Services) else source.services()
    settings = settings or getattr(source, "settings", None) or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        for start in services.on_start:
            start()
        try:
            yield
        finally:
            for stop in services.on_stop:
                stop()

    # /docs and /redoc load their scripts and styles from this application, not from a CDN.
    app = FastAPIOffline(
        title="Mentorat",
        description="Mentorat pour l'emploi : binômes mentor / mentee, de la proposition à l'évaluation.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.services = services
    app.state.settings = settings
    install_error_handlers(app)
    for module in (auth, accounts, programmes, organisations, persons, journeys, sessions, matching, binome_commands,
                   binome_reads, integrations, audit, codec, system):
        app.include_router(module.router)
    install_web(app, settings)
    install_middleware(app, settings)
    # The Temporal UI calls the codec endpoint from its own origin, with the staff's cookie.
    app.add_middleware(CORSMiddleware, allow_origins=[temporal_ui_origin(settings)], allow_credentials=True,
                       allow_methods=["POST"], allow_headers=["Authorization", "Content-Type", "X-Namespace"])
    app.add_middleware(RequestContext)
    install_openapi(app)
    return app


def temporal_ui_origin(settings: Settings) -> str:
    return settings.temporal_ui_origin or f"http://127.0.0.1:{settings.temporal_ui_port}"


class RequestContext:
    """Binds a request_id for every log line of the request and writes one access line at its end."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = given if SAFE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        status = {"code": 500}
        started = time.perf_counter()

        async def send_with_id(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            access_log.info("request", method=scope["method"], path=scope["path"], status=status["code"],
                            duration_ms=round((time.perf_counter() - started) * 1000, 1))
            structlog.contextvars.clear_contextvars()
