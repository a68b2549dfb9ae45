"""Tokens for tests: minted with the service's own signing secret (the settings a container was built with), for
any principal, so a test acts as an administrator, a coordinator, a mentor… without logging in each time."""

from application.tokens import TokenService
from domain.principals import Principal, Role
from mentorat.settings import Settings

ADMIN = Principal(Role.ADMINISTRATOR, "test-admin")


def token_for(settings: Settings, principal: Principal = ADMIN, password_change_only: bool = False) -> str:
    tokens = TokenService(settings.token_secret.get_secret_value(), settings.token_minutes)
    return tokens.issue(principal, password_change_only=password_change_only)


def bearer(settings: Settings, principal: Principal = ADMIN, password_change_only: bool = False) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(settings, principal, password_change_only)}"}


def as_role(settings: Settings, role: str, ident: str = "x", **scope) -> dict[str, str]:
    """Headers acting as `role`: a mentor or mentee is the person `ident`, a partner the organisation `ident`, a
    coordinator the account `ident` of `programmes` (default: the default programme)."""
    kind = Role(role)
    if kind in (Role.MENTOR, Role.MENTEE):
        principal = Principal(kind, f"account-{ident}", person_id=ident)
    elif kind in (Role.ISP, Role.COMPANY):
        principal = Principal(kind, f"account-{ident}", organisation_id=ident)
    elif kind is Role.COORDINATOR:
        principal = Principal(kind, ident, frozenset(scope.get("programmes", ("default",))))
    else:
        principal = Principal(kind, ident)
    return bearer(settings, principal)
