"""Who is acting: the one place a request's principal is decided (authentication plugs in here).

Today the principal is read from the `X-Actor` header, which is trusted only where the settings allow it
(`trust_actor_header`, development only). Without a trusted way to know who acts, a command is refused
with 401. The principal is the actor of the facts a command records.
"""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Header, Request

from domain.errors import DomainError, InvalidInput
from domain.facts import Actor

# A development request that does not say who acts.
ANONYMOUS = Actor("staff", "anonymous")


class Unauthenticated(DomainError):
    """Nobody we can trust says who is acting (401)."""

    kind = "unauthenticated"


@dataclass(frozen=True)
class Principal:
    kind: str
    id: str

    @property
    def actor(self) -> Actor:
        return Actor(self.kind, self.id)


def resolve_principal(request: Request, x_actor: Annotated[str | None, Header(
        description="Qui agit : 'staff:<id>', 'mentor:<id>', 'mentee:<id>' ou 'integration:<nom>' "
                    "(en développement seulement).")] = None) -> Principal:
    """The request's principal, resolved once per request (FastAPI caches a dependency within a request)."""
    if not request.app.state.settings.trust_actor_header:
        raise Unauthenticated("authentication_required")
    if x_actor is None:
        return Principal(ANONYMOUS.kind, ANONYMOUS.id)
    try:
        actor = Actor.parse(x_actor)
    except ValueError:
        raise InvalidInput("actor_invalid", field="X-Actor") from None
    if actor.kind == "system":
        raise InvalidInput("actor_reserved", field="X-Actor")
    return Principal(actor.kind, actor.id)
