"""The staff's browser session: a signed cookie (HS256, PyJWT) holding who is logged in, the programme they chose
and the form token (CSRF) of the session.

A bearer token of the API is not a session, nor the other way round: another audience and a key derived for the
pages only. The cookie says who the principal is for at most `refresh_after` (the API token's lifetime): after
that the account is read again, so a disabled account or a changed scope takes effect within minutes while the
session itself lasts the working day (`web_session_hours`).
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

import jwt

from domain.principals import Principal, Role

COOKIE = "mentorat_session"
LANGUAGE_COOKIE = "mentorat_lang"
LOGIN_CSRF_COOKIE = "mentorat_login_csrf"
COOKIE_PATH = "/app"  # the pages only: no API route ever receives it
ALGORITHM = "HS256"
AUDIENCE = "mentorat-web"


@dataclass(frozen=True)
class WebSession:
    principal: Principal
    username: str
    # The form token every POST of this session carries (compared in web.guard).
    csrf: str
    # The programme the person works in now (None: all they may see).
    programme_id: str | None
    started_at: datetime
    # When the principal was last read from the account.
    checked_at: datetime
    # The account's password when the session began, as a keyed digest: a new password ends the other sessions.
    password_stamp: str = ""


class WebSessions:
    def __init__(self, secret: str, hours: int, refresh_after: timedelta):
        # A key of its own: nothing signed for the API verifies here.
        self._key = hmac.new(secret.encode(), b"mentorat web session", hashlib.sha256).hexdigest()
        self.lifetime = timedelta(hours=hours)
        self.refresh_after = refresh_after

    def start(self, principal: Principal, username: str, password_hash: str = "",
              now: datetime | None = None) -> WebSession:
        now = now or datetime.now(timezone.utc)
        programmes = sorted(principal.programmes)
        chosen = programmes[0] if len(programmes) == 1 else None
        return WebSession(principal, username, secrets.token_urlsafe(24), chosen, now, now,
                          self.password_stamp(password_hash))

    def password_stamp(self, password_hash: str) -> str:
        """A digest of the password's hash under this service's key: it says whether the password changed, and
        reveals nothing of it to whoever reads the cookie."""
        return hmac.new(self._key.encode(), password_hash.encode(), hashlib.sha256).hexdigest()[:16]

    def encode(self, session: WebSession) -> str:
        p = session.principal
        claims = {"aud": AUDIENCE, "sub": p.id, "role": p.role.value, "programmes": sorted(p.programmes),
                  "person_id": p.person_id, "organisation_id": p.organisation_id, "username": session.username,
                  "csrf": session.csrf, "programme_id": session.programme_id,
                  "iat": session.started_at, "exp": session.started_at + self.lifetime,
                  "checked_at": int(session.checked_at.timestamp()), "pw": session.password_stamp}
        return jwt.encode(claims, self._key, algorithm=ALGORITHM)

    def decode(self, cookie: str) -> WebSession | None:
        """The session a cookie holds; None if it is not ours, was tampered with or has expired."""
        try:
            claims = jwt.decode(cookie, self._key, algorithms=[ALGORITHM], audience=AUDIENCE,
                                options={"require": ["exp", "iat", "sub", "role", "csrf"]})
            principal = Principal(Role(claims["role"]), str(claims["sub"]), frozenset(claims.get("programmes") or ()),
                                  claims.get("person_id"), claims.get("organisation_id"))
            return WebSession(principal, str(claims.get("username") or ""), str(claims["csrf"]),
                              claims.get("programme_id"), datetime.fromtimestamp(claims["iat"], timezone.utc),
                              datetime.fromtimestamp(int(claims.get("checked_at") or 0), timezone.utc),
                              str(claims.get("pw") or ""))
        except (jwt.PyJWTError, ValueError, TypeError, KeyError):
            return None

    def seconds_left(self, session: WebSession, now: datetime | None = None) -> int:
        return max(0, int((session.started_at + self.lifetime - (now or datetime.now(timezone.utc))).total_seconds()))

    def stale(self, session: WebSession, now: datetime | None = None) -> bool:
        return (now or datetime.now(timezone.utc)) - session.checked_at >= self.refresh_after

    def refreshed(self, session: WebSession, principal: Principal, now: datetime | None = None) -> WebSession:
        """The session with the account's principal as it stands now; a programme no longer in scope is dropped."""
        chosen = session.programme_id if session.programme_id is None or principal.sees_programme(
            session.programme_id) else None
        return replace(session, principal=principal, programme_id=chosen, checked_at=now or datetime.now(timezone.utc))


def session_cookie(value: str, max_age: int, secure: bool) -> str:
    """The Set-Cookie value of a session (HttpOnly, SameSite=Lax: another site's form never carries it)."""
    flags = "; Secure" if secure else ""
    return f"{COOKIE}={value}; Max-Age={max_age}; Path={COOKIE_PATH}; HttpOnly; SameSite=Lax{flags}"


def set_session(response, sessions: WebSessions, session: WebSession, secure: bool) -> None:
    """`response` logs the browser in as `session`, until the session ends."""
    response.headers.append("Set-Cookie", session_cookie(sessions.encode(session), sessions.seconds_left(session),
                                                         secure))


def same_token(given: str | None, expected: str) -> bool:
    return bool(given) and hmac.compare_digest(str(given).encode(), expected.encode())
