"""The guards at the edge, one per concern, as plain ASGI middleware. Each refusal uses the API's error body.

A request meets them in this order: security headers on every answer, the last resort for any exception
(api.errors.LastResort: 503, never 500), the rate per client, the body's size, control characters in the URL
and headers, then a strict reading of the JSON body. They run before FastAPI reads
anything, so what they refuse never reaches a route, the store or a workflow.
"""

import json
import math
import re
import time
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI
from limits import parse_many
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import LastResort, error_response
from mentorat.settings import Settings

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
MAX_KEY_LENGTH = 200
INLINE_CHECK_BYTES = 64 * 1024
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # Unicode category Cc
_SURROGATE = re.compile("[\ud800-\udfff]")
_HEADER_CONTROL = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")  # tab is allowed in a header value


def install_middleware(app: FastAPI, settings: Settings) -> None:
    # Starlette runs the last one added first: this list reads from the innermost guard outwards.
    app.add_middleware(StrictJson)
    app.add_middleware(PlainHead)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    if settings.rate_limit.strip():
        app.add_middleware(RateLimit, rate=settings.rate_limit)
    app.add_middleware(LastResort)
    app.add_middleware(SecurityHeaders)


async def refuse(scope: Scope, receive: Receive, send: Send, status: int, code: str, **details: Any) -> None:
    await error_response(Request(scope), status, code, **details)(scope, receive, send)


def is_http(scope: Scope) -> bool:
    return scope["type"] == "http"


class SecurityHeaders:
    """`nosniff` on every answer; `no-store` unless the answer says otherwise, since most of them name people."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not is_http(scope):
            return await self.app(scope, receive, send)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(raw=list(message.get("headers", [])))
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Cache-Control", "no-store")
                message["headers"] = headers.raw
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RateLimit:
    """At most `rate` requests per client address (moving window, in memory): beyond it, 429 and Retry-After."""

    def __init__(self, app: ASGIApp, rate: str):
        self.app = app
        self.limits = parse_many(rate)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if is_http(scope):
            client = scope.get("client")
            address = client[0] if client else "unknown"
            for limit in self.limits:
                if not await self.limiter.hit(limit, address):
                    window = await self.limiter.get_window_stats(limit, address)
                    wait = max(1, math.ceil(window.reset_time - time.time()))
                    return await refuse(scope, receive, send, 429, "rate_limited", params={"retry_after": wait},
                                        headers={"Retry-After": str(wait)})
        await self.app(scope, receive, send)


class BodyLimit:
    """Bodies over `max_bytes` get a 413: by their Content-Length, or while they stream in (chunked).

    The body is read here, bounded, and handed on whole (Starlette's own limit answers in plain text).
    """

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not is_http(scope):
            return await self.app(scope, receive, send)
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            return await self._too_large(scope, receive, send)
        try:
            body = await read_body(receive, self.max_bytes)
        except BodyTooLarge:
            return await self._too_large(scope, receive, send)
        if body is not None:  # else the client left before its body ended: nobody to answer
            await self.app(scope, replay(body, receive), send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        await refuse(scope, receive, send, 413, "body_too_large", field="body",
                     params={"max_bytes": self.max_bytes})


class BodyTooLarge(Exception):
    pass


async def read_body(receive: Receive, max_bytes: int | None = None) -> bytes | None:
    """The whole request body, or None if the client left first; BodyTooLarge as soon as it passes max_bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if max_bytes is not None and size > max_bytes:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that gives `body` in one message, then whatever the client sends next (its disconnect)."""
    given = False

    async def again() -> Message:
        nonlocal given
        if given:
            return await receive()
        given = True
        return {"type": "http.request", "body": body, "more_body": False}

    return again


class PlainHead:
    """A path, query parameter or header value holding a control character is refused (422), naming it.

    HTTP servers already refuse most of them in headers (RFC 9110 allows only tab); in-process clients and
    percent-encoding do not, and PostgreSQL refuses NUL wherever it would be stored.
    """

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if is_http(scope):
            field = self._fault(scope)
            if field is not None:
                return await refuse(scope, receive, send, 422, "invalid.control_characters", field=field)
        await self.app(scope, receive, send)

    @staticmethod
    def _fault(scope: Scope) -> str | None:
        if _CONTROL.search(scope["path"]):
            return "path"
        # Decoded as Starlette decodes it, so what is checked is what a route gets.
        for name, value in parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True):
            if _CONTROL.search(value):
                return name if not _CONTROL.search(name) and len(name) <= MAX_KEY_LENGTH else "query"
            if _CONTROL.search(name):
                return "query"
        for name, value in scope.get("headers") or []:
            if _HEADER_CONTROL.search(value):
                return "-".join(part.capitalize() for part in name.decode("latin-1").split("-"))
        return None


class StrictJson:
    """A command's body must be JSON (else 415), well formed, UTF-8, and hold only what JSON can carry.

    Python's json module accepts NaN, Infinity and numbers that overflow to infinity, and decodes unpaired
    surrogates (`"\\ud800"`): all of them are refused here (422), with the path where they were found.
    Object keys are bounded and plain, so no error names a field with megabytes or control characters.
    """

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not is_http(scope) or scope["method"] not in BODY_METHODS:
            return await self.app(scope, receive, send)
        body = await read_body(receive)  # already bounded by BodyLimit
        if body is None:
            return
        if body and takes_form(scope["path"]):
            if not is_form(Headers(scope=scope).get("content-type")):
                return await refuse(scope, receive, send, 415, "unsupported_media_type", field="Content-Type",
                                    params={"expected": FORM})
        elif body:
            if not is_json(Headers(scope=scope).get("content-type")):
                return await refuse(scope, receive, send, 415, "unsupported_media_type", field="Content-Type",
                                    params={"expected": "application/json"})
            # A large body takes a while to check: off the event loop, so other requests keep being served.
            fault = json_fault(body) if len(body) <= INLINE_CHECK_BYTES else await run_in_threadpool(json_fault, body)
            if fault is not None:
                code, path = fault
                return await refuse(scope, receive, send, 422, f"invalid.{code}", field=path)
        await self.app(scope, replay(body, receive), send)


FORM = "application/x-www-form-urlencoded"
FORM_PATHS = frozenset({"/auth/token"})
# The web pages (web/) post HTML forms.
FORM_PREFIX = "/app/"


def takes_form(path: str) -> bool:
    """OAuth2's password flow posts a form (RFC 6749 §4.3), and so do the pages."""
    return path in FORM_PATHS or path.startswith(FORM_PREFIX)


def is_form(content_type: str | None) -> bool:
    return (content_type or "").split(";")[0].strip().lower() == FORM


def is_json(content_type: str | None) -> bool:
    if content_type is None:
        return True  # as FastAPI reads it
    media = content_type.split(";")[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


# Stand for numbers JSON cannot hold (NaN, Infinity; integers of thousands of digits), so the walk can say where.
_NOT_FINITE = object()
_TOO_BIG = object()
_INT64_MIN, _INT64_MAX = -(2 ** 63), 2 ** 63 - 1
# In the raw body: a run of 19 digits (an integer that may not fit in 64 bits), an escaped surrogate.
_SUSPECT = re.compile(rb"[0-9]{19}|\\u[dD][89a-fA-F]")


def json_fault(body: bytes) -> tuple[str, str] | None:
    """(code, field) of something in `body` that is not plain JSON, or None.

    The parse runs in C with cheap hooks; only a suspect body is walked to name where the fault is.
    """
    suspect = [bool(_SUSPECT.search(body))]

    def not_finite(_: str) -> object:
        suspect[0] = True
        return _NOT_FINITE

    def finite_float(text: str) -> float | object:
        value = float(text)
        return value if math.isfinite(value) else not_finite(text)

    def checked_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        if not suspect[0] and any(len(key) > MAX_KEY_LENGTH or _CONTROL.search(key) for key, _ in pairs):
            suspect[0] = True
        return dict(pairs)

    def parse(parse_int: Any = None) -> Any:
        return json.loads(text, parse_constant=not_finite, parse_float=finite_float, parse_int=parse_int,
                          object_pairs_hook=checked_keys)

    try:
        text = body.decode("utf-8")
        try:
            document = parse()
        except ValueError as error:
            if isinstance(error, (json.JSONDecodeError, UnicodeDecodeError)):
                raise
            # An integer of thousands of digits, which Python refuses to convert: again, marking it.
            document = parse(parse_int=lambda digits: int(digits) if len(digits) <= 20 else _TOO_BIG)
            suspect[0] = True
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        return "json_invalid", "body"
    return _first_fault(document) if suspect[0] else None


def _key_fault(key: str) -> str | None:
    if _SURROGATE.search(key):
        return "string_unicode"
    if _CONTROL.search(key):
        return "control_characters"
    return "key_too_long" if len(key) > MAX_KEY_LENGTH else None


def _scalar_fault(value: Any) -> str | None:
    if value is _NOT_FINITE:
        return "number_not_finite"
    kind = type(value)
    if value is _TOO_BIG or (kind is int and not _INT64_MIN <= value <= _INT64_MAX):
        return "number_out_of_range"
    if kind is str and _SURROGATE.search(value):
        return "string_unicode"
    return None


def _first_fault(document: Any) -> tuple[str, str] | None:
    """Walks the document (without recursion: it may be deep) to name where a fault is."""
    code = _scalar_fault(document)
    if code:
        return code, "body"
    pending: list[tuple[tuple[str, ...], Any]] = [((), document)] if type(document) in (dict, list) else []
    while pending:
        path, container = pending.pop()
        if type(container) is dict:
            for key in container:
                code = _key_fault(key)
                if code:
                    return code, ".".join(path) or "body"
            pairs = container.items()
        else:
            pairs = enumerate(container)
        nested = []
        for key, item in pairs:
            if type(item) is dict or type(item) is list:
                nested.append((path + (str(key),), item))
            elif code := _scalar_fault(item):
                return code, ".".join(path + (str(key),))
        pending.extend(reversed(nested))
    return None
