"""Brings the view database to the latest schema with the Alembic revisions in `migrations/`.

A view database made before migrations existed has the first revision's tables but no version table:
it is stamped at revision 0001, then upgraded like any other.
"""

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, inspect, text

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "view_schema_version"  # the database may be shared (the event store's PostgreSQL): not "alembic_version"
FIRST_REVISION = "0001"
# Postgres advisory lock key: processes starting together migrate one after the other.
_MIGRATION_LOCK = 0x6D656E746F726174


def upgrade(conn: Connection, revision: str = "head") -> None:
    """Upgrades inside the caller's transaction (so the schema and what follows commit together)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
    config = _config(conn)
    tables = set(inspect(conn).get_table_names())
    if VERSION_TABLE not in tables and "view_tracking" in tables:
        command.stamp(config, FIRST_REVISION)
    command.upgrade(config, revision)


def downgrade(conn: Connection, revision: str) -> None:
    """Back to an older revision, inside the caller's transaction (benchmarks compare a schema with its past)."""
    command.downgrade(_config(conn), revision)


def only_view_tables(name: str | None, type_: str, _parents: dict) -> bool:
    """For autogenerate: the database may hold other tables (the event store's); compare only the views'."""
    from projections.tables import metadata

    return type_ != "table" or name in metadata.tables


def current(conn: Connection) -> str | None:
    row = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).first() \
        if inspect(conn).has_table(VERSION_TABLE) else None
    return row[0] if row else None


def _config(conn: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    return config
