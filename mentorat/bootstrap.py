"""The composition root: builds the store, views, projector, Temporal client, worker and the application's
services (which the API is given) from one Settings.

Tests and tools call the same functions with other settings (another database, a test Temporal server).
"""

from dataclasses import dataclass

from temporalio.client import Client
from temporalio.worker import Worker

from application.accounts import AccountService
from application.binome_scope import BinomeScope
from application.binomes import BinomeCommands, BinomeQueries
from application.data_reads import PersonalDataReads
from application.integrations import IntegrationService
from application.login_guard import LoginGuard
from application.organisations import OrganisationService
from application.partner_webhooks import WebhookDispatcher
from application.matching import MatchingService
from application.sessions import SessionService
from application.persons import PersonService
from application.programmes import ProgrammeService
from application.results import ResultsService
from application.services import Services
from application.system import SystemStatus
from application.temporal_gateway import BinomeWorkflows
from application.tokens import TokenService
from eventstore import FactStore
from mentorat.database import ensure_database
from mentorat.local_secrets import with_local_secrets
from mentorat.payload_codec import EncryptionCodec, data_converter, parse_keys
from mentorat.sealing import Sealer
from mentorat.settings import Settings
from projections.candidates import CandidateReads
from projections.database import ViewDatabase, postgres_views, sqlite_views
from projections.projector import Projector
from projections.results_reads import ResultReads
from projections.queries import Views
from projections.webhook_progress import WebhookProgress
from worker.worker import build_worker
from workflows.types import WorkflowOptions


@dataclass
class Container:
    settings: Settings
    store: FactStore
    view_db: ViewDatabase
    views: Views
    projector: Projector
    temporal: Client | None = None

    @property
    def workflow_options(self) -> WorkflowOptions:
        return WorkflowOptions(
            append_timeout_seconds=self.settings.append_timeout_seconds,
            continue_as_new_after_events=self.settings.continue_as_new_after_events,
        )

    def services(self, run_projector: bool | None = None) -> Services:
        return build_services(self, run_projector)

    def close(self) -> None:
        self.projector.stop()
        self.view_db.close()
        self.store.close()


def build_store(settings: Settings) -> FactStore:
    if settings.event_store == "postgres":
        return FactStore.postgres(settings.postgres_host, settings.postgres_port, settings.postgres_db,
                                  settings.postgres_user, settings.postgres_password, settings.postgres_pool_size)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return FactStore.sqlite(str(settings.sqlite_events_path))


def build_view_db(settings: Settings) -> ViewDatabase:
    if settings.event_store == "postgres":
        return postgres_views(settings.postgres_host, settings.postgres_port, settings.postgres_db,
                              settings.postgres_user, settings.postgres_password, settings.postgres_pool_size)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return sqlite_views(settings.sqlite_views_path)


def build_container(settings: Settings, temporal: Client | None = None) -> Container:
    settings = with_local_secrets(settings)
    ensure_database(settings)
    store = build_store(settings)
    view_db = build_view_db(settings)
    projector = Projector(store, view_db, poll_seconds=settings.projection_poll_seconds,
                          notified_poll_seconds=settings.projection_notified_poll_seconds)
    projector.setup()
    ProgrammeService(store).ensure_default()
    return Container(settings, store, view_db, Views(view_db), projector, temporal=temporal)


def build_services(container: Container, run_projector: bool | None = None,
                   workflows: BinomeWorkflows | None = None) -> Services:
    """The application's services over this container; the projector runs with them unless told otherwise. The
    binômes' workflows run on the container's Temporal, unless another runner is given (the demo's)."""
    settings = container.settings
    workflows = workflows or BinomeWorkflows(container.temporal, settings)
    follow = settings.run_projector if run_projector is None else run_projector
    programmes = ProgrammeService(container.store, container.views, container.projector,
                                  settings.read_your_writes_seconds)
    keys = parse_keys(settings.data_keys.get_secret_value())
    reads = PersonalDataReads(container.store, container.views)
    scope = BinomeScope(container.views, container.store)
    sealer = Sealer(keys)
    webhook_progress = WebhookProgress(container.view_db)
    organisations = OrganisationService(container.store, container.views, container.projector,
                                        settings.read_your_writes_seconds, reads, sealer, webhook_progress,
                                        settings.partner_webhook_private_addresses)
    webhooks = WebhookDispatcher(webhook_progress, container.views, sealer, settings.partner_webhook_timeout_seconds,
                                 settings.partner_webhook_poll_seconds, settings.partner_webhook_private_addresses)
    binomes = BinomeCommands(workflows, container.store, container.views, container.projector, settings,
                             programmes=programmes, workflow_options=lambda: container.workflow_options, scope=scope)
    matching = MatchingService(CandidateReads(container.view_db), programmes, container.store, binomes, reads)
    return Services(
        persons=PersonService(container.store, container.views, container.projector,
                              settings.read_your_writes_seconds, programmes, reads, organisations),
        binomes=binomes,
        binome_queries=BinomeQueries(container.views, container.store, scope, reads, programmes),
        system=SystemStatus(container.store, container.projector, workflows),
        programmes=programmes,
        accounts=AccountService(container.store, LoginGuard(settings.login_attempts_per_account,
                                                             settings.login_attempts_per_address),
                                container.views, container.projector, settings.read_your_writes_seconds,
                                organisations),
        tokens=TokenService(settings.token_secret.get_secret_value(), settings.token_minutes),
        integrations=IntegrationService(container.store, sealer, settings.webhook_tolerance_seconds),
        data_reads=reads,
        organisations=organisations,
        sessions=SessionService(container.store, container.views, container.projector,
                                settings.read_your_writes_seconds, programmes, reads),
        matching=matching,
        results=ResultsService(ResultReads(container.view_db), reads),
        payload_codec=EncryptionCodec(keys),
        partner_webhooks=webhooks,
        on_start=[container.projector.start, webhooks.start, matching.warm_up] if follow else [],
        on_stop=[webhooks.stop, container.projector.stop] if follow else [],
    )


async def connect_temporal(settings: Settings, address: str | None = None, lazy: bool = False) -> Client:
    """With `lazy`, nothing is dialled before the first call: the API starts (and says so in /health) while
    Temporal is unreachable, and reconnects at the first call that finds it back."""
    return await Client.connect(address or settings.temporal_address, namespace=settings.temporal_namespace,
                                lazy=lazy, data_converter=data_converter(parse_keys(settings.data_keys.get_secret_value())))


def with_payload_codec(client: Client, settings: Settings) -> Client:
    """`client` (connected elsewhere: a test server) encrypting payloads as `connect_temporal`'s do."""
    return Client(**{**client.config(),
                     "data_converter": data_converter(parse_keys(settings.data_keys.get_secret_value()))})


def build_temporal_worker(container: Container, **worker_options) -> Worker:
    return build_worker(container.temporal, container.store, container.settings.task_queue, **worker_options)
