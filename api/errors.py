"""Every refusal as one HTTP answer: the status chosen by the error's kind, here and nowhere else.

Body, for every 4xx and 503: `{"code", "message", "params", "field", "errors"}` — `message` rendered from the
catalogues in the language of `Accept-Language` (French by default); `errors` lists every field at fault for
a 422 (the first is repeated at the top). Input is never echoed back.

No request gets a 500: a database that fails during a request (the event store or the views: a restart, a lost
connection, a full pool) is a 503 with Retry-After — for a command, "it may have been recorded: resend it with
the same Idempotency-Key" (`command_interrupted`); any other exception is logged with its traceback and answered
503 `service_unavailable` (the bug still shows in the logs).
"""

import functools
import html
import re
import sqlite3
from typing import Any

import eventsourcing.persistence
import psycopg
import sqlalchemy.exc
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import i18n
from api.access_schemas import UNION_TAGS
from application.errors import ServiceError
from domain.errors import DomainError

log = structlog.get_logger("mentorat.api")
# What the store (eventsourcing over SQLite or psycopg) and the views (SQLAlchemy) raise when their database fails.
DATABASE_ERRORS: tuple[type[Exception], ...] = (
    eventsourcing.persistence.PersistenceError,
    sqlalchemy.exc.DBAPIError,
    sqlalchemy.exc.TimeoutError,  # no pooled connection in time
    psycopg.Error,
    sqlite3.Error,
)
COMMAND_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
TOKEN_REFUSALS = frozenset({"authentication_required", "token_invalid"})
RETRY_AFTER_SECONDS = 5

STATUS_BY_KIND = {
    "invalid": 422,
    "conflict": 409,
    "not_found": 404,
    "forbidden": 403,
    "unauthenticated": 401,
    "too_large": 413,
    "saturated": 429,
    "pending": 503,
    "unavailable": 503,
}


def language_of(request: Request) -> str:
    return i18n.negotiate(request.headers.get("accept-language"))


def error_item(code: str, params: dict[str, Any] | None, field: str | None, language: str) -> dict[str, Any]:
    return {"code": code, "message": i18n.render(code, params, language), "params": params or {}, "field": field}


def error_response(request: Request, status: int, code: str, *, field: str | None = None,
                   params: dict[str, Any] | None = None, errors: list[dict[str, Any]] | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    language = language_of(request)
    body = error_item(code, params, field, language)
    body["errors"] = errors if errors is not None else ([dict(body)] if status == 422 else [])
    return JSONResponse(body, status_code=status, headers=headers)


def response_for(request: Request, error: DomainError) -> JSONResponse:
    status = STATUS_BY_KIND.get(error.kind, 409)
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, ServiceError) else None
    if error.code in TOKEN_REFUSALS:  # RFC 6750: the challenge, for a missing or bad token only
        headers = {"WWW-Authenticate": "Bearer"}
    return error_response(request, status, error.code, field=error.field, params=error.params, headers=headers)


def unavailable_response(request: Request) -> JSONResponse:
    """503: a command may have been recorded before the failure (resend it with the same key); a read may retry."""
    code = "command_interrupted" if request.method in COMMAND_METHODS else "service_unavailable"
    return error_response(request, 503, code, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def field_of(loc: tuple | list) -> str:
    """('body', 'actions', 0, 'title') -> 'actions.0.title'; ('header', 'idempotency-key') -> 'Idempotency-Key';
    ('body', 'scope', 'coordinator', 'programmes') -> 'scope.programmes' (a union's tag is no field)."""
    where, *path = list(loc) or ["body"]
    if where == "body" and path:
        path = [part for index, part in enumerate(path) if not (part in UNION_TAGS and (index == 0 or
                                                                                      path[index - 1] == "scope"))]
    if where == "header" and path:
        return "-".join(part.capitalize() for part in str(path[0]).split("-"))
    return ".".join(str(part) for part in path) if path else str(where)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def refused(request: Request, error: DomainError) -> JSONResponse:
        return response_for(request, error)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        language = language_of(request)
        errors = [
            error_item(f"invalid.{item.get('type', 'value')}", _safe_params(item.get("ctx")),
                       "body" if item.get("type") == "json_invalid" else field_of(_located(item)), language)
            for item in error.errors()
        ]
        first = errors[0] if errors else error_item("invalid.value", None, None, language)
        return error_response(request, 422, first["code"], field=first["field"], params=first["params"], errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        code = error.detail if isinstance(error.detail, str) and " " not in error.detail else f"http.{error.status_code}"
        headers = getattr(error, "headers", None)
        if error.status_code == 405 and (documented := allowed_methods(request)):
            headers = {**(headers or {}), "Allow": ", ".join(documented)}
        return error_response(request, error.status_code, code, headers=headers)

    async def database_failed(request: Request, error: Exception) -> JSONResponse:
        log.error("database_unavailable", method=request.method, path=request.url.path,
                  error_type=type(error).__name__, exc_info=error)
        return unavailable_response(request)

    for error_type in DATABASE_ERRORS:
        app.add_exception_handler(error_type, database_failed)


def allowed_methods(request: Request) -> list[str]:
    """Every method the API documents at this path (routes of one path may be declared apart: GET and PATCH)."""
    path = request.url.path
    return sorted({method.upper() for template, operations in request.app.openapi()["paths"].items()
                   if _template(template).fullmatch(path) for method in operations})


@functools.cache
def _template(path: str) -> re.Pattern[str]:
    """/mentors/{person_id} -> a pattern matching /mentors/<one segment>."""
    return re.compile(re.sub(r"\\{[^}]*\\}", "[^/]+", re.escape(path)))


class LastResort:
    """Any exception nothing else answered (a route's or a guard's): logged with its traceback, and a 503 rather
    than a bare 500. Installed by api.middleware, outside every guard."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception as error:
            log.error("unexpected_error", method=scope["method"], path=scope["path"],
                      error_type=type(error).__name__, exc_info=error)
            if started:  # the answer is on its way: nothing else can be said
                raise
            request = Request(scope)
            headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
            if scope["path"].startswith("/app/"):  # a page: a page, however plain
                text = html.escape(i18n.render("service_unavailable", None, language_of(request)))
                answer = HTMLResponse(f"<!doctype html><title>Mentorat</title><p role=alert>{text}</p>", 503,
                                      headers=headers)
            else:
                answer = error_response(request, 503, "service_unavailable", headers=headers)
            await answer(scope, receive, send)


def _located(item: dict) -> tuple:
    """A tagged union's wrong or missing tag is the fault of its discriminator field (`role`), not of the body."""
    if item.get("type") in ("union_tag_invalid", "union_tag_not_found"):
        return (*item["loc"], str((item.get("ctx") or {}).get("discriminator", "")).strip("'"))
    return item["loc"]


# Pydantic's own English explanation (and, for a custom validator, maybe the input; a union's tag is the input):
# not a param of ours.
_PROSE_CONTEXT = frozenset({"error", "reason", "tag", "discriminator"})


def _safe_params(ctx: dict | None) -> dict[str, Any]:
    """Pydantic's context (limits such as max_length), without exceptions, prose or echoed input."""
    params = {key: value for key, value in (ctx or {}).items()
              if key not in _PROSE_CONTEXT and isinstance(value, (int, float, str, bool))
              and not (isinstance(value, str) and len(value) > 200)}
    if isinstance(params.get("expected_tags"), str):
        params["expected"] = params.pop("expected_tags")
    if isinstance(params.get("expected"), str):
        params["expected"] = _choices(params["expected"])
    return params


def _choices(expected: str) -> str:
    """Pydantic's "'in_person' or 'video'" as "in_person, video": no English word inside a French message."""
    quoted = re.findall(r"'([^']*)'", expected)
    return ", ".join(quoted) if quoted else expected
