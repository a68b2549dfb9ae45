"""Logging in and out, a one-time password changed at the first login, the programme worked in, the language.

The login form carries a token of its own (a cookie and the same value in the form: another site cannot read the
cookie to copy it), so no other site can log a browser into an account of its choosing.
"""

import asyncio
import secrets
from dataclasses import replace

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

import i18n
from api.routes.auth import client_address
from domain.errors import DomainError, Forbidden, InvalidInput
from web.guard import AnyViewer, Form, Language, web_sessions
from web.render import page, see_other
from web.session import COOKIE, LANGUAGE_COOKIE, LOGIN_CSRF_COOKIE, same_token, set_session

router = APIRouter()
YEAR = 365 * 24 * 3600


def safe_next(address: str | None) -> str:
    """Only an address of the pages themselves: a login link cannot send the browser to another site."""
    if address and address.startswith("/app/") and not address.startswith("//") and "\\" not in address:
        return address
    return "/app/"


def _login_page(request: Request, next_path: str, status: int = 200, error: DomainError | None = None,
                username: str = "", change_password: bool = False) -> HTMLResponse:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
    answer = page(request, "login.html", status=status, next_path=safe_next(next_path), login_csrf=token,
                  error=error, username=username, change_password=change_password)
    answer.set_cookie(LOGIN_CSRF_COOKIE, token, path="/app", httponly=True, samesite="lax",
                      secure=request.url.scheme == "https")
    return answer


@router.get("/login")
async def login_form(request: Request, language: Language, next: str = "/app/") -> HTMLResponse:
    return _login_page(request, next)


@router.post("/login")
async def login(request: Request, language: Language) -> Response:
    form = await request.form()
    next_path = safe_next(str(form.get("next") or ""))
    if not same_token(form.get("csrf_token"), request.cookies.get(LOGIN_CSRF_COOKIE) or ""):
        return _login_page(request, next_path, 403, Forbidden("web.form_expired"))
    username, password = _text(form, "username", 64), _text(form, "password", 200)
    accounts = request.app.state.services.accounts
    try:
        if not username or not password:
            raise InvalidInput("web.login_incomplete", field="username" if not username else "password")
        login = await accounts.login(username, password, client_address(request))
        if login.must_change_password:
            new_password = _text(form, "new_password", 200)
            if not new_password:
                return _login_page(request, next_path, username=username, change_password=True)
            await accounts.change_own_password(login.principal, password, new_password, client_address(request))
            login = await accounts.login(username, new_password, client_address(request))
    except DomainError as error:
        status = {"invalid": 422, "saturated": 429, "unauthenticated": 401}.get(error.kind, 409)
        return _login_page(request, next_path, status, error, username,
                           change_password=bool(form.get("new_password")))
    sessions = web_sessions(request)
    account = await asyncio.to_thread(accounts.state_by_id, login.principal.id)
    session = sessions.start(login.principal, username, account.password_hash)
    answer = see_other(next_path)
    set_session(answer, sessions, session, secure=request.url.scheme == "https")
    answer.delete_cookie(LOGIN_CSRF_COOKIE, path="/app")
    return answer


def _text(form: FormData, name: str, longest: int) -> str:
    value = form.get(name)
    return value[:longest] if isinstance(value, str) else ""


@router.post("/logout")
async def logout(form: Form) -> RedirectResponse:
    answer = see_other("/app/login")
    answer.delete_cookie(COOKIE, path="/app")
    return answer


@router.post("/programme")
async def choose_programme(request: Request, who: AnyViewer, form: Form) -> RedirectResponse:
    chosen = str(form.get("programme_id") or "") or None
    if chosen is not None and not who.principal.sees_programme(chosen):
        raise Forbidden("web.programme_not_yours")
    answer = see_other(safe_next(str(form.get("next") or "")))
    set_session(answer, web_sessions(request), replace(who.session, programme_id=chosen),
                secure=request.url.scheme == "https")
    return answer


@router.post("/language")
async def choose_language(request: Request) -> RedirectResponse:
    """Remembered in the browser for a year; also on the login page (its own form token)."""
    form = await request.form()
    expected = _session_csrf(request) or request.cookies.get(LOGIN_CSRF_COOKIE) or ""
    if not same_token(form.get("csrf_token"), expected):
        raise Forbidden("web.form_expired")
    language = str(form.get("language") or "")
    if language not in i18n.LANGUAGES:
        raise InvalidInput("web.language_unknown", field="language")
    answer = see_other(safe_next(str(form.get("next") or "")))
    answer.set_cookie(LANGUAGE_COOKIE, language, max_age=YEAR, path="/app", samesite="lax",
                      secure=request.url.scheme == "https")
    return answer


def _session_csrf(request: Request) -> str | None:
    cookie = request.cookies.get(COOKIE)
    session = web_sessions(request).decode(cookie) if cookie else None
    return session.csrf if session else None

