"""Settings for the real thing on a test store: SQLite in a temporary folder, or a fresh PostgreSQL database."""

from datetime import timedelta
from pathlib import Path

from mentorat.settings import Settings
from tests.support.postgres import HOST, PORT, USER

# Tests look at the views right after writing: the follower polls often (keyword arguments override it).
# The webhook tests' partner listens on this machine: allowed here, refused in a deployment by default.
QUICK_POLL = {"projection_poll_seconds": 0.05, "partner_webhook_poll_seconds": 0.05,
              "partner_webhook_private_addresses": True}


def sqlite_settings(data_dir: Path, **overrides) -> Settings:
    return Settings(_env_file=None, data_dir=data_dir, event_store="sqlite", **{**QUICK_POLL, **overrides})


def postgres_settings(dbname: str, data_dir: Path, **overrides) -> Settings:
    return Settings(_env_file=None, data_dir=data_dir, event_store="postgres", postgres_host=HOST, postgres_port=PORT,
                    postgres_user=USER, postgres_db=dbname, postgres_pool_size=4, **{**QUICK_POLL, **overrides})


# The SDK waits 5 s for a dev server to start by default: too short on a busy machine (CI saw it fail).
DEV_SERVER_STARTUP = timedelta(seconds=60)
