"""Who is at the browser, and whether their form is theirs: the pages' dependencies.

No session (or an expired one): the page answers with the login page's address (`LoginRequired`, a 303). Every
POST carries the session's form token (`csrf_token`), compared in constant time; the session cookie is also
SameSite=Lax, so another site's form never carries it.
"""

import asyncio
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from starlette.datastructures import FormData

import i18n
from domain.errors import Forbidden
from domain.permissions import Permission, require
from domain.principals import PAIR, PARTNERS, STAFF, Principal, Role
from web.session import COOKIE, LANGUAGE_COOKIE, WebSession, WebSessions, same_token


class LoginRequired(Exception):
    def __init__(self, next_path: str):
        super().__init__(next_path)
        self.next_path = next_path


def web_sessions(request: Request) -> WebSessions:
    return request.app.state.web_sessions


def login_address(next_path: str) -> str:
    return f"/app/login?next={quote(next_path, safe='/')}"


def chosen_language(request: Request) -> str:
    """The language the person chose (remembered in a cookie), else the browser's."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    return chosen if chosen in i18n.LANGUAGES else i18n.negotiate(request.headers.get("accept-language"))


async def page_language(request: Request) -> str:
    request.state.language = chosen_language(request)
    return request.state.language


async def web_session(request: Request, language: Annotated[str, Depends(page_language)]) -> WebSession:
    sessions = web_sessions(request)
    cookie = request.cookies.get(COOKIE)
    session = sessions.decode(cookie) if cookie else None
    if session is None:
        raise LoginRequired(_here(request))
    if sessions.stale(session):
        accounts = request.app.state.services.accounts
        account = await asyncio.to_thread(accounts.state_by_id, session.principal.id)
        if not account.exists or account.disabled or account.must_change_password \
                or sessions.password_stamp(account.password_hash) != session.password_stamp:
            raise LoginRequired(_here(request))
        session = sessions.refreshed(session, account.principal())
        # web.app.PageHeaders sets the cookie on whatever the page answers, for the rest of the session's life.
        request.state.renewed_session = (sessions.encode(session), sessions.seconds_left(session))
    request.state.web_session = session
    return session


def _here(request: Request) -> str:
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


@dataclass(frozen=True)
class Viewer:
    """Who reads a page, and in which language."""

    session: WebSession
    language: str

    @property
    def principal(self) -> Principal:
        return self.session.principal

    @property
    def programme_id(self) -> str | None:
        return self.session.programme_id


async def viewer(request: Request, session: Annotated[WebSession, Depends(web_session)],
                 language: Annotated[str, Depends(page_language)]) -> Viewer:
    principal = session.principal
    if principal.role in (Role.ADMINISTRATOR, Role.COORDINATOR):  # the header's programme choice, by name
        programmes = await request.app.state.services.programmes.all()
        request.state.programme_choices = sorted(
            ((programme.id, programme.name) for programme in programmes if principal.sees_programme(programme.id)),
            key=lambda choice: (choice[1].casefold(), choice[0]))
    return Viewer(session, language)


def programmes_to_work_in(request: Request, who: Viewer) -> list[tuple[str, str]]:
    """Where a staff member files something new (a person, a session): the programme chosen in the header, else
    every one they see; as (id, name), by name."""
    return [(programme_id, name) for programme_id, name in getattr(request.state, "programme_choices", None) or ()
            if who.programme_id in (None, programme_id)]


def staff_with(permission: Permission):
    """A staff page's dependency: the viewer, if their role has `permission` (the API's own rule)."""
    return _viewer_with(permission, STAFF, "web.staff_only")


def partner_with(permission: Permission):
    """A partner's own page: the viewer, if an ISP's or a company's user whose role has `permission`."""
    return _viewer_with(permission, PARTNERS, "web.partner_only")


def reader_with(permission: Permission):
    """A page for staff and partners alike: the viewer, if their role has `permission`; which organisation they
    may read is the service's scope (another partner's is not found)."""
    return _viewer_with(permission)


def _viewer_with(permission: Permission, roles: frozenset[Role] | None = None, refusal: str = ""):
    async def allowed(who: Annotated[Viewer, Depends(viewer)]) -> Viewer:
        if roles is not None and who.principal.role not in roles:
            raise Forbidden(refusal)
        require(who.principal, permission)
        return who

    return Depends(allowed)


async def pair_viewer(who: Annotated[Viewer, Depends(viewer)]) -> Viewer:
    if who.principal.role not in PAIR:
        raise Forbidden("web.pair_only")
    return who


async def checked_form(request: Request, session: Annotated[WebSession, Depends(web_session)]) -> FormData:
    """The posted form, if it carries this session's form token."""
    form = await request.form()
    if not same_token(form.get("csrf_token"), session.csrf):
        raise Forbidden("web.form_expired")
    return form


PairViewer = Annotated[Viewer, Depends(pair_viewer)]
AnyViewer = Annotated[Viewer, Depends(viewer)]
Form = Annotated[FormData, Depends(checked_form)]
Language = Annotated[str, Depends(page_language)]
