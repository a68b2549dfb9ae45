"""Who asks: the one place a request's principal is decided, from its bearer token (`POST /auth/token`).

No token, or one that is not ours, tampered with or expired: 401 with `WWW-Authenticate: Bearer`. A token issued
for a one-time password is good only to change it (403 `password_change_required` elsewhere). What the principal
may then do is asked route by route (`allowed`, domain.permissions) and row by row by the services
(domain.visibility, domain.access). Integrations do not hold tokens: they sign their deliveries
(api/routes/integrations.py).
"""

from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import OAuth2PasswordBearer

from application.tokens import InvalidToken, Token
from domain.errors import Forbidden, Unauthenticated
from domain.permissions import Permission, require
from domain.principals import Principal

# The session cookie carries the same token, for the Temporal UI's codec endpoint only (its path): no other route
# reads a cookie, so none can be called by a cross-site form.
CODEC_COOKIE, CODEC_PATH = "mentorat_codec", "/codec"
# OAuth2's password flow, so /docs' "Authorize" asks for a username and a password and sends the token it gets.
# auto_error=False: a missing token is our 401 with our body. Each permission is a scope the document declares.
bearer = OAuth2PasswordBearer(tokenUrl="auth/token", auto_error=False, scopes={
    permission.value: permission.value for permission in Permission},
    description="Se connecter avec son nom d'utilisateur et son mot de passe (POST /auth/token) ; les « scopes » "
                "sont les permissions que chaque route demande, pas à choisir : le rôle du compte les donne.")


async def current_token(request: Request, token: Annotated[str | None, Depends(bearer)]) -> Token:
    if not token:
        raise Unauthenticated("authentication_required")
    return _verified(request, token)


def _verified(request: Request, token: str) -> Token:
    try:
        return request.app.state.services.tokens.verify(token)
    except InvalidToken:
        raise Unauthenticated("token_invalid") from None


async def codec_principal(request: Request, bearer_token: Annotated[str | None, Depends(bearer)]) -> Principal:
    """The Temporal UI's codec calls: a bearer token, or the cookie set at login for that path only (the UI sends
    it when "include cross-origin credentials" is on)."""
    given = bearer_token or request.cookies.get(CODEC_COOKIE)
    if not given:
        raise Unauthenticated("authentication_required")
    token = _verified(request, given)
    if token.password_change_only:
        raise Forbidden("password_change_required")
    require(token.principal, Permission.PAYLOADS_DECODE)
    return token.principal


async def any_principal(token: Annotated[Token, Depends(current_token)]) -> Principal:
    """The principal of a token good for the routes of the account itself (its password, who it is)."""
    return token.principal


async def resolve_principal(token: Annotated[Token, Depends(current_token)]) -> Principal:
    if token.password_change_only:
        raise Forbidden("password_change_required")
    return token.principal


def allowed(permission: Permission):
    """A route's dependency: the principal, if its role has `permission` (403 otherwise, before any lookup).

    A `Security` dependency: the OpenAPI names the permission as the scope of the operation's OAuth2 requirement,
    which the documentation of errors (api/openapi.py) and the route × role tests read."""
    async def principal_with(principal: Annotated[Principal, Depends(resolve_principal)]) -> Principal:
        require(principal, permission)
        return principal

    return Security(principal_with, scopes=[permission.value])
