"""The PostgreSQL database of the event store and views: created when missing, or one clear line saying what to fix.

Without this check a missing database or an unreachable server surfaces as the connection pool's 30 s timeout
and a long traceback.
"""

import psycopg
from psycopg import errors, sql
from psycopg.conninfo import make_conninfo

from mentorat.settings import Settings

CONNECT_TIMEOUT_SECONDS = 5
MAINTENANCE_DB = "postgres"


class DatabaseSetupError(RuntimeError):
    """The database cannot be used or created; the message says what to create or fix (one line)."""


def ensure_database(settings: Settings) -> None:
    """Makes sure `settings.postgres_db` exists and accepts us; creates it when missing."""
    if settings.event_store != "postgres":
        return
    try:
        psycopg.connect(settings.postgres_conninfo, connect_timeout=CONNECT_TIMEOUT_SECONDS).close()
        return
    except psycopg.OperationalError as error:
        first_failure = error
    # libpq gives no SQLSTATE for a failed connection: ask the maintenance database whether ours exists.
    where = f"{settings.postgres_host}:{settings.postgres_port}"
    try:
        admin = psycopg.connect(make_conninfo(settings.postgres_conninfo, dbname=MAINTENANCE_DB),
                                connect_timeout=CONNECT_TIMEOUT_SECONDS, autocommit=True)
    except psycopg.OperationalError:
        raise DatabaseSetupError(
            f"PostgreSQL at {where}, database {settings.postgres_db!r}, user {settings.postgres_user!r}: "
            f"{_reason(first_failure)}. {_what_to_fix(first_failure)}") from None
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (settings.postgres_db,)).fetchone()
        if exists:
            raise DatabaseSetupError(
                f"PostgreSQL at {where}: database {settings.postgres_db!r} exists but user "
                f"{settings.postgres_user!r} cannot connect to it: {_reason(first_failure)}. "
                f"Grant it: GRANT CONNECT ON DATABASE {_quoted(admin, settings.postgres_db)} TO "
                f"{_quoted(admin, settings.postgres_user)};") from None
        try:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(settings.postgres_db)))
        except (errors.DuplicateDatabase, errors.UniqueViolation):
            pass  # another process created it at the same moment
        except errors.InsufficientPrivilege:
            raise DatabaseSetupError(
                f"PostgreSQL at {where}: database {settings.postgres_db!r} does not exist and user "
                f"{settings.postgres_user!r} may not create it. Create it as an administrator: "
                f"CREATE DATABASE {_quoted(admin, settings.postgres_db)} OWNER "
                f"{_quoted(admin, settings.postgres_user)};") from None


def _reason(error: psycopg.OperationalError) -> str:
    """The server's or the network's own words, on one line, without libpq's 'connection to … failed:' prefix."""
    first_line = str(error).strip().splitlines()[0]
    return first_line.rsplit("failed: ", 1)[-1].removeprefix("FATAL:").strip()


def _what_to_fix(error: psycopg.OperationalError) -> str:
    if "FATAL:" in str(error):  # the server answered and refused us
        return ("Fix MENTORAT_POSTGRES_USER / MENTORAT_POSTGRES_PASSWORD, or give that user access (the database is "
                f"created when missing if the user may connect to the {MAINTENANCE_DB!r} database and create one).")
    return "Start PostgreSQL, or fix MENTORAT_POSTGRES_HOST / MENTORAT_POSTGRES_PORT."


def _quoted(connection: psycopg.Connection, name: str) -> str:
    return sql.Identifier(name).as_string(connection)
