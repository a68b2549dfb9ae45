"""Who is acting: the one place a request's principal is decided (authentication plugs in here).

Today the principal is read from the `X-Actor` header, which is trusted only where the settings allow it
(`trust_actor_header`, development only). Without a trusted way to know who acts, a command is refused
with 401. The principal is the actor of the facts a command records.
"""

import re
from dataclasses import dataclass
from typing import Annotated

from fastapi import Header, Request

from domain.errors import DomainError, InvalidInput
from domain.facts import Actor

# A development request that does not say who acts.
ANONYMOUS = Actor("staff", "anonymous")
# Who may act through the header ("system" is the service's own, never a caller's); the id: visible ASCII
# characters but ':' (a header carries no more reliably). The OpenAPI gives the same pattern, as format "actor".
ACTOR_PATTERN = r"^(staff|mentor|mentee|integration):[!-9;-~]{1,64}$"
ACTOR_FORMAT = "actor"
_ACTOR = re.compile(ACTOR_PATTERN)
_RESERVED = re.compile(r"^system:")


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


async def resolve_principal(request: Request, x_actor: Annotated[str | None, Header(
        description="Qui agit : 'staff:<id>', 'mentor:<id>', 'mentee:<id>' ou 'integration:<nom>' "
                    "(en développement seulement).",
        json_schema_extra={"format": ACTOR_FORMAT, "pattern": ACTOR_PATTERN},
        examples=["staff:claire"])] = None) -> Principal:
    """The request's principal, resolved once per request (FastAPI caches a dependency within a request)."""
    if not request.app.state.settings.trust_actor_header:
        raise Unauthenticated("authentication_required")
    if x_actor is None:
        return Principal(ANONYMOUS.kind, ANONYMOUS.id)
    if _RESERVED.match(x_actor):
        raise InvalidInput("actor_reserved", field="X-Actor")
    if not _ACTOR.fullmatch(x_actor):
        raise InvalidInput("actor_invalid", field="X-Actor")
    actor = Actor.parse(x_actor)
    return Principal(actor.kind, actor.id)
