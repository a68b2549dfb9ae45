"""Logging in and the account's own password: the only routes a one-time password's token may use."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response

from api import access_schemas as a
from api.deps import AccountsDep
from api.principal import CODEC_COOKIE, CODEC_PATH, any_principal
from domain.permissions import Permission, may
from domain.principals import Principal

router = APIRouter(prefix="/auth", tags=["connexion"])


def client_address(request: Request) -> str:
    """Who to count failed logins against (the proxy's X-Forwarded-For, when uvicorn is told to believe it)."""
    return request.client.host if request.client else "unknown"


@router.post("/token", response_model=a.TokenOut, summary="Se connecter : un jeton (OAuth2, mot de passe)",
             openapi_extra={"x-mentorat-public": True})
async def token(request: Request, response: Response, accounts: AccountsDep,
                username: Annotated[str, Form(min_length=1, max_length=64)],
                password: Annotated[str, Form(min_length=1, max_length=200)]) -> a.TokenOut:
    login = await accounts.login(username, password, client_address(request))
    tokens = request.app.state.services.tokens
    issued = tokens.issue(login.principal, password_change_only=login.must_change_password)
    if may(login.principal, Permission.PAYLOADS_DECODE) and not login.must_change_password:
        # Behind TLS the Temporal UI is another site than the API: the browser sends the cookie cross-site only
        # with SameSite=None (and Secure). CORS and the JSON body keep other sites' forms out of /codec.
        secure = request.url.scheme == "https"
        response.set_cookie(CODEC_COOKIE, issued, max_age=int(tokens.lifetime.total_seconds()), path=CODEC_PATH,
                            httponly=True, samesite="none" if secure else "lax", secure=secure)
    return a.TokenOut(access_token=issued, expires_in=int(tokens.lifetime.total_seconds()),
                      must_change_password=login.must_change_password)


@router.get("/me", response_model=a.PrincipalOut, summary="Qui suis-je : rôle et périmètre du jeton")
async def me(principal: Annotated[Principal, Depends(any_principal)]) -> a.PrincipalOut:
    return a.PrincipalOut(account_id=principal.id, role=principal.role.value, programmes=sorted(principal.programmes),
                          person_id=principal.person_id, organisation_id=principal.organisation_id)


@router.post("/password", status_code=204, summary="Changer son mot de passe (puis se reconnecter)")
async def change_password(request: Request, body: a.PasswordChangeIn, accounts: AccountsDep,
                          principal: Annotated[Principal, Depends(any_principal)]) -> Response:
    await accounts.change_own_password(principal, body.current_password, body.new_password, client_address(request))
    return Response(status_code=204)
