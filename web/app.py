"""The staff's web application, served by the API's own FastAPI application under /app.

Pages are rendered on the server (Jinja2); a little JavaScript (web/static/app.js) records a task's form without
leaving the list, and every form also works without it. Static files are served from this package: nothing is
loaded from another site. A refusal on a page is a page in the reader's language with the API's status; no page
answers 500.
"""

from datetime import timedelta
from pathlib import Path

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import DATABASE_ERRORS, RETRY_AFTER_SECONDS, STATUS_BY_KIND
from domain.errors import DomainError
from mentorat.settings import Settings
from web.guard import LoginRequired, chosen_language, login_address
from web.pages import (account, admin, binomes, dashboard, home, matching, me, organisations, partners, people,
                       person_records, programme_lists, reports, sessions, tasks)
from web.render import page
from web.session import COOKIE, WebSessions, session_cookie

PREFIX = "/app"
STATIC = Path(__file__).parent / "static"
log = structlog.get_logger("mentorat.web")
# Scripts, styles and images from this application only; inline styles for the charts' SVG.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


def install_web(app: FastAPI, settings: Settings) -> None:
    app.state.web_sessions = WebSessions(settings.token_secret.get_secret_value(), settings.web_session_hours,
                                         timedelta(minutes=settings.token_minutes))
    # person_records before people: its `/mentors/new` is not a person's id.
    for module in (account, home, me, tasks, binomes, matching, dashboard, reports, sessions, organisations, partners,
                   admin, programme_lists, person_records, people):
        app.include_router(module.router, prefix=PREFIX, include_in_schema=False)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse(f"{PREFIX}/", status_code=307)

    _answer_pages_with_pages(app)
    app.add_middleware(PageHeaders)


def is_page(request: Request) -> bool:
    return is_page_path(request.url.path)


def is_page_path(path: str) -> bool:
    return path == PREFIX or path.startswith(f"{PREFIX}/")


def _answer_pages_with_pages(app: FastAPI) -> None:
    """The API's handlers answer JSON; under /app the same refusals are pages (a login first, when nobody is)."""
    json_answers = dict(app.exception_handlers)

    def both(error_type: type[Exception], on_page):
        json_answer = json_answers[error_type]

        async def handler(request: Request, error: Exception):
            return await on_page(request, error) if is_page(request) else await json_answer(request, error)
        app.add_exception_handler(error_type, handler)

    async def refused(request: Request, error: DomainError):
        if error.kind == "unauthenticated":
            return RedirectResponse(login_address(request.url.path), status_code=303)
        # The service cannot answer now (pending, saturated, a dependency down): say when to try again.
        retry = getattr(error, "retry_after", None)
        return error_page(request, STATUS_BY_KIND.get(error.kind, 409), error.code, error.params,
                          {"Retry-After": str(retry)} if retry else None)

    async def invalid(request: Request, error: RequestValidationError):
        return error_page(request, 422, "web.address_invalid", {})

    async def http_error(request: Request, error: StarletteHTTPException):
        return error_page(request, error.status_code, f"http.{error.status_code}", {})

    async def database_failed(request: Request, error: Exception):
        log.error("database_unavailable", path=request.url.path, error_type=type(error).__name__, exc_info=error)
        code = "command_interrupted" if request.method == "POST" else "service_unavailable"
        return error_page(request, 503, code, {}, {"Retry-After": str(RETRY_AFTER_SECONDS)})

    both(DomainError, refused)
    both(RequestValidationError, invalid)
    both(StarletteHTTPException, http_error)
    for error_type in DATABASE_ERRORS:
        both(error_type, database_failed)

    @app.exception_handler(LoginRequired)
    async def login_first(request: Request, error: LoginRequired) -> RedirectResponse:
        answer = RedirectResponse(login_address(error.next_path), status_code=303)
        answer.delete_cookie(COOKIE, path=PREFIX)
        return answer


def error_page(request: Request, status: int, code: str, params: dict, headers: dict | None = None):
    if not hasattr(request.state, "language"):  # refused before the page's own dependencies ran
        request.state.language = chosen_language(request)
    answer = page(request, "error.html", status=status, code=code, params=params)
    answer.headers.update(headers or {})
    return answer


class PageHeaders:
    """Under /app: the content security policy, and the session cookie when the page renewed it."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_page_path(scope["path"]):
            return await self.app(scope, receive, send)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(raw=list(message.get("headers", [])))
                headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Referrer-Policy", "same-origin")
                renewed = scope.get("state", {}).get("renewed_session")
                # A page that set the session itself (a logout, a programme chosen) has the last word.
                if renewed and not any(v.startswith(f"{COOKIE}=") for v in headers.getlist("set-cookie")):
                    headers.append("Set-Cookie", session_cookie(*renewed, secure=scope["scheme"] == "https"))
                message["headers"] = headers.raw
            await send(message)

        await self.app(scope, receive, with_headers)

