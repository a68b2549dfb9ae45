"""Request-scoped pieces shared by the routes: the application's services, the reader's language, the
Idempotency-Key. Who asks, and whether they may: api.principal.

They are `async` although none waits for anything: FastAPI runs a plain `def` dependency in a worker thread,
a hop that costs more than the dependency itself.
"""

from typing import Annotated
from uuid import UUID

import structlog
from fastapi import Depends, Header, Path, Request

import i18n
from application.accounts import AccountService
from application.binomes import BinomeCommands, BinomeQueries
from application.data_reads import PersonalDataReads
from application.integrations import IntegrationService
from application.organisations import OrganisationService
from application.matching import MatchingService
from application.sessions import SessionService
from application.persons import PersonService
from application.programmes import ProgrammeService
from application.services import Services
from application.system import SystemStatus
from workflows.types import workflow_id


def _services(request: Request) -> Services:
    return request.app.state.services


async def get_services(request: Request) -> Services:
    return _services(request)


async def get_persons(request: Request) -> PersonService:
    return _services(request).persons


async def get_binome_commands(request: Request) -> BinomeCommands:
    return _services(request).binomes


async def get_binome_queries(request: Request) -> BinomeQueries:
    return _services(request).binome_queries


async def get_programmes(request: Request) -> ProgrammeService:
    return _services(request).programmes


async def get_system(request: Request) -> SystemStatus:
    return _services(request).system


async def get_accounts(request: Request) -> AccountService:
    return _services(request).accounts


async def get_integrations(request: Request) -> IntegrationService:
    return _services(request).integrations


async def get_organisations(request: Request) -> OrganisationService:
    return _services(request).organisations


async def get_sessions(request: Request) -> SessionService:
    return _services(request).sessions


async def get_matching(request: Request) -> MatchingService:
    return _services(request).matching


async def get_data_reads(request: Request) -> PersonalDataReads:
    return _services(request).data_reads


async def get_language(accept_language: Annotated[str | None, Header(
    description="Langue des libellés et messages : fr (par défaut), nl ou en.")] = None) -> str:
    return i18n.negotiate(accept_language)


# Visible ASCII, spaces inside only (HTTP trims a header value, so a leading or trailing space never arrives).
IDEMPOTENCY_KEY = r"^[!-~](?:[ -~]*[!-~])?$"


async def get_idempotency_key(idempotency_key: Annotated[str | None, Header(
    min_length=1, max_length=200, pattern=IDEMPOTENCY_KEY, examples=["agenda-2025-03-04-rdv-118"],
    description="Même clé et même corps : la première réponse est renvoyée, rien de nouveau n'est enregistré.")] = None,
) -> str | None:
    return idempotency_key


async def bind_binome(binome_id: Annotated[UUID, Path(description="Identifiant du binôme")]) -> UUID:
    # Async on purpose: it runs in the request's own context, so the bound values reach the access log line.
    structlog.contextvars.bind_contextvars(binome_id=str(binome_id), workflow_id=workflow_id(binome_id))
    return binome_id


ServicesDep = Annotated[Services, Depends(get_services)]
PersonsDep = Annotated[PersonService, Depends(get_persons)]
BinomeCommandsDep = Annotated[BinomeCommands, Depends(get_binome_commands)]
BinomeQueriesDep = Annotated[BinomeQueries, Depends(get_binome_queries)]
SystemDep = Annotated[SystemStatus, Depends(get_system)]
ProgrammesDep = Annotated[ProgrammeService, Depends(get_programmes)]
AccountsDep = Annotated[AccountService, Depends(get_accounts)]
IntegrationsDep = Annotated[IntegrationService, Depends(get_integrations)]
OrganisationsDep = Annotated[OrganisationService, Depends(get_organisations)]
SessionsDep = Annotated[SessionService, Depends(get_sessions)]
MatchingDep = Annotated[MatchingService, Depends(get_matching)]
DataReadsDep = Annotated[PersonalDataReads, Depends(get_data_reads)]
LanguageDep = Annotated[str, Depends(get_language)]
IdempotencyKeyDep = Annotated[str | None, Depends(get_idempotency_key)]
BinomeIdDep = Annotated[UUID, Depends(bind_binome)]
