"""What the application offers its edges (the HTTP API, pages, background jobs): one object, built by the
composition root (`mentorat.bootstrap`), so no edge builds or reaches into the infrastructure itself."""

from collections.abc import Callable
from dataclasses import dataclass, field

from temporalio.converter import PayloadCodec

from application.accounts import AccountService
from application.binomes import BinomeCommands, BinomeQueries
from application.data_reads import PersonalDataReads
from application.integrations import IntegrationService
from application.matching import MatchingService
from application.organisations import OrganisationService
from application.partner_webhooks import WebhookDispatcher
from application.persons import PersonService
from application.programmes import ProgrammeService
from application.results import ResultsService
from application.sessions import SessionService
from application.system import SystemStatus
from application.tokens import TokenService


@dataclass
class Services:
    persons: PersonService
    binomes: BinomeCommands
    binome_queries: BinomeQueries
    system: SystemStatus
    programmes: ProgrammeService
    accounts: AccountService
    tokens: TokenService
    integrations: IntegrationService
    data_reads: PersonalDataReads
    organisations: OrganisationService
    sessions: SessionService
    matching: MatchingService
    results: ResultsService
    # Delivers the ISPs' feeds to their webhooks (in the background, with the projector).
    partner_webhooks: WebhookDispatcher
    # Decrypts Temporal payloads for staff (the Temporal UI's codec endpoint).
    payload_codec: PayloadCodec
    # Background work that lives as long as the edge serving them (the read-view projector in the API).
    on_start: list[Callable[[], None]] = field(default_factory=list)
    on_stop: list[Callable[[], None]] = field(default_factory=list)
