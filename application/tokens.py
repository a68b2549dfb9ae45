"""Bearer tokens: short-lived, signed (HS256, PyJWT), carrying the principal's role and scope, so a request is
authorised without a database read. Disabling an account or changing its scope takes effect when its current
token expires (`MENTORAT_TOKEN_MINUTES`, 15 by default)."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import jwt

from domain.principals import Principal, Role

ALGORITHM = "HS256"
# API processes on several hosts: a token issued by one is good on another whose clock is a little behind.
CLOCK_SKEW_SECONDS = 10
AUDIENCE = ISSUER = "mentorat"


class InvalidToken(Exception):
    """Not a token of ours, tampered with, or expired."""


@dataclass(frozen=True)
class Token:
    principal: Principal
    # Issued to an account whose password someone else chose: good only to change it.
    password_change_only: bool = False


class TokenService:
    def __init__(self, secret: str, minutes: int):
        if len(secret) < 32:
            raise ValueError("the token secret needs 32 characters or more")
        self._secret = secret
        self.lifetime = timedelta(minutes=minutes)

    def issue(self, principal: Principal, password_change_only: bool = False,
              now: datetime | None = None) -> str:
        issued = now or datetime.now(timezone.utc)
        claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": principal.id, "iat": issued, "exp": issued + self.lifetime,
                  "jti": uuid.uuid4().hex, "role": principal.role.value, "programmes": sorted(principal.programmes),
                  "person_id": principal.person_id, "organisation_id": principal.organisation_id}
        if password_change_only:
            claims["password_change_only"] = True
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def verify(self, token: str) -> Token:
        try:
            claims = jwt.decode(token, self._secret, algorithms=[ALGORITHM], audience=AUDIENCE, issuer=ISSUER,
                                leeway=CLOCK_SKEW_SECONDS, options={"require": ["exp", "iat", "sub", "role"]})
            role = Role(claims["role"])
        except (jwt.PyJWTError, ValueError, TypeError) as error:
            raise InvalidToken(type(error).__name__) from None
        if role is Role.INTEGRATION:
            raise InvalidToken("integrations sign their deliveries")
        principal = Principal(role, str(claims["sub"]), frozenset(claims.get("programmes") or ()),
                              claims.get("person_id"), claims.get("organisation_id"))
        return Token(principal, bool(claims.get("password_change_only")))
