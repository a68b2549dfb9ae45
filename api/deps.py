"""Request-scoped pieces shared by the routes: the container, who acts, the reader's language, the Idempotency-Key."""

from typing import Annotated
from uuid import UUID

import structlog
from fastapi import Depends, Header, Path, Request

import i18n
from api.gateway import CommandGateway
from api.principal import Principal, resolve_principal
from domain.facts import Actor
from mentorat.bootstrap import Container
from workflows.types import workflow_id


def get_container(request: Request) -> Container:
    return request.app.state.container


def get_gateway(request: Request) -> CommandGateway:
    return request.app.state.gateway


def get_actor(principal: Annotated[Principal, Depends(resolve_principal)]) -> Actor:
    """The actor of the facts a command records: the request's principal."""
    return principal.actor


def get_language(accept_language: Annotated[str | None, Header(
    description="Langue des libellés et messages : fr (par défaut), nl ou en.")] = None) -> str:
    return i18n.negotiate(accept_language)


def get_idempotency_key(idempotency_key: Annotated[str | None, Header(
    min_length=1, max_length=200,
    description="Même clé et même corps : la première réponse est renvoyée, rien de nouveau n'est enregistré.")] = None,
) -> str | None:
    return idempotency_key


async def bind_binome(binome_id: Annotated[UUID, Path(description="Identifiant du binôme")]) -> UUID:
    # Async on purpose: it runs in the request's own context, so the bound values reach the access log line.
    structlog.contextvars.bind_contextvars(binome_id=str(binome_id), workflow_id=workflow_id(binome_id))
    return binome_id


ContainerDep = Annotated[Container, Depends(get_container)]
GatewayDep = Annotated[CommandGateway, Depends(get_gateway)]
ActorDep = Annotated[Actor, Depends(get_actor)]
LanguageDep = Annotated[str, Depends(get_language)]
IdempotencyKeyDep = Annotated[str | None, Depends(get_idempotency_key)]
BinomeIdDep = Annotated[UUID, Depends(bind_binome)]
