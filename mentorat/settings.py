"""Every setting of a Mentorat process, read from MENTORAT_* environment variables."""

from pathlib import Path
from typing import Literal

from psycopg.conninfo import make_conninfo
from limits import parse_many
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MENTORAT_", env_file=".env", extra="ignore")

    environment: Literal["development", "production"] = "development"
    data_dir: Path = Path("data")

    # Who may do what (api/principal.py, application/accounts.py). Empty secrets: in development they are made
    # once and kept in <data_dir>/secrets.json; production refuses to start without them.
    # Signs the bearer tokens (HS256): at least 32 characters.
    token_secret: SecretStr = SecretStr("")
    token_minutes: int = Field(15, ge=1, le=24 * 60)
    # The staff's web pages (web/): a session lasts this long from its login; the account is read again (disabled,
    # scope changed) each time the session's principal is older than `token_minutes`.
    web_session_hours: int = Field(10, ge=1, le=24 * 7)
    # The time zone of dates typed in the pages (when a meeting happened) and of the pages' dates.
    web_timezone: str = "Europe/Brussels"
    # Encrypts Temporal payloads and integrations' signing secrets: "<id>:<urlsafe base64 of 32 bytes>", comma
    # separated, the first one encrypting (mentorat/payload_codec.py; `mentorat new-key` makes one).
    data_keys: SecretStr = SecretStr("")
    # The first administrator, made at the first start; without a password one is made and printed once.
    admin_username: str = "admin"
    admin_password: SecretStr = SecretStr("")
    # Login attempts allowed per account (a success forgets them) and per client address (every attempt counts: an
    # office behind one address shares it), in limits' notation.
    login_attempts_per_account: str = "5/minute;20/hour"
    login_attempts_per_address: str = "60/minute"
    # Standard Webhooks: how far a delivery's webhook-timestamp may be from now.
    webhook_tolerance_seconds: int = Field(300, ge=1, le=300)  # the library allows five minutes at most
    # ISPs' webhooks: how often the dispatcher looks for events to deliver, and how long it waits for an answer.
    partner_webhook_poll_seconds: float = Field(5.0, gt=0, le=300)
    partner_webhook_timeout_seconds: float = Field(10.0, gt=0, le=60)
    # Development only: webhooks to this machine or a private network (else refused: a partner could make the
    # service call what lies behind its firewall).
    partner_webhook_private_addresses: bool = False
    # The Temporal UI's address, allowed to call the codec endpoint (CORS); empty: the dev server's UI.
    temporal_ui_origin: str = ""

    # The event store: SQLite (embedded default) or PostgreSQL.
    event_store: Literal["sqlite", "postgres"] = "sqlite"
    postgres_host: str = "127.0.0.1"
    postgres_port: int = 5432
    postgres_db: str = "mentorat"
    postgres_user: str = "mentorat"
    postgres_password: str = ""
    postgres_pool_size: int = 10

    # Temporal: empty address = start the local dev server (`mentorat serve` only).
    temporal_address: str = ""
    temporal_namespace: str = "default"
    task_queue: str = "mentorat"
    temporal_dev_port: int = 7233
    temporal_ui_port: int = 8233

    # `serve` runs the workers in this many processes of their own beside the API; 0 runs one in serve's process.
    worker_processes: int = Field(1, ge=0)

    api_host: str = "127.0.0.1"
    api_port: int = 8000
    # The reverse proxy (TLS) whose X-Forwarded-For/-Proto headers are believed (uvicorn's forwarded_allow_ips).
    forwarded_allow_ips: str = "127.0.0.1"
    # "auto": readable in a terminal, JSON lines otherwise.
    log_format: Literal["auto", "console", "json"] = "auto"
    log_level: str = "INFO"

    # Read views follow the store: on SQLite they look at its log this often; on PostgreSQL the store says when
    # facts are committed (LISTEN/NOTIFY), and they look this often besides, in case a notification was lost.
    projection_poll_seconds: float = 0.2
    projection_notified_poll_seconds: float = 5.0
    # A command's answer waits this long for its own facts to be visible.
    read_your_writes_seconds: float = 5.0
    run_projector: bool = True
    # A command with no answer by then gets a 503 (it may still be recorded: resend with the same key).
    command_timeout_seconds: float = 30.0

    # Guards at the edge: the largest request body, and the requests allowed per client address (limits'
    # notation: "1000/second", "50/second;2000/minute"; empty = no limit). The load benchmark's 16 clients all
    # come from 127.0.0.1, so the default leaves room for them.
    max_body_bytes: int = Field(1_048_576, gt=0)
    rate_limit: str = "1000/second"

    # Workflow tuning (carried in each workflow's input, so a change applies to new runs only).
    append_timeout_seconds: float = 5.0
    continue_as_new_after_events: int = 4000

    @field_validator("rate_limit", "login_attempts_per_account", "login_attempts_per_address")
    @classmethod
    def _readable_rate(cls, value: str) -> str:
        if value.strip():
            parse_many(value)  # raises ValueError on a rate it cannot read
        return value

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> "Settings":
        if self.environment == "production":
            if len(self.token_secret.get_secret_value()) < 32:
                raise ValueError("production needs MENTORAT_TOKEN_SECRET (32 characters or more)")
            if not self.data_keys.get_secret_value():
                raise ValueError("production needs MENTORAT_DATA_KEYS (`mentorat new-key` makes one)")
            if self.event_store != "postgres":
                raise ValueError("production needs MENTORAT_EVENT_STORE=postgres")
            if not self.temporal_address:
                raise ValueError("production needs MENTORAT_TEMPORAL_ADDRESS (a real Temporal cluster)")
            if not self.postgres_password:
                raise ValueError("production needs MENTORAT_POSTGRES_PASSWORD")
        return self

    @property
    def secrets_path(self) -> Path:
        return self.data_dir / "secrets.json"

    @property
    def sqlite_events_path(self) -> Path:
        return self.data_dir / "events.sqlite"

    @property
    def sqlite_views_path(self) -> Path:
        return self.data_dir / "views.sqlite"

    @property
    def temporal_dev_db_path(self) -> Path:
        return self.data_dir / "temporal.db"

    @property
    def postgres_conninfo(self) -> str:
        # make_conninfo quotes values, so a password with spaces or quotes stays one value.
        return make_conninfo(host=self.postgres_host, port=self.postgres_port, dbname=self.postgres_db,
                             user=self.postgres_user, password=self.postgres_password or None)
