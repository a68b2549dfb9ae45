"""The view database: one SQLAlchemy engine (SQLite file or PostgreSQL via psycopg 3), write and read transactions.

SQLite: WAL (readers never block the projector), a busy timeout, and writers take the write lock up front
(`BEGIN IMMEDIATE`: no lock-upgrade deadlock between two writers). PostgreSQL: pooled connections that sat
idle are pinged before use (eventstore/idle_check.py), so after a server restart dead ones are replaced instead
of handed out.
"""

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Insert, Table, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL
from sqlalchemy.exc import InvalidatePoolError

from eventstore.idle_check import WhenIdle

BUSY_TIMEOUT_SECONDS = 30


class ViewDatabase:
    def __init__(self, engine: Engine):
        self.engine = engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction: committed at the end of the block, rolled back if it raises."""
        with self.engine.connect() as conn:
            conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """One read transaction (a consistent snapshot on SQLite's WAL)."""
        with self.engine.connect() as conn:
            conn.execution_options(sqlite_begin="DEFERRED")
            with conn.begin():
                yield conn

    def close(self) -> None:
        self.engine.dispose()


def sqlite_views(path: Path | str) -> ViewDatabase:
    engine = create_engine(f"sqlite:///{path}",
                           connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        # The driver must not open transactions on its own: the "begin" hook below does (SQLAlchemy's recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql(f"BEGIN {conn.get_execution_options().get('sqlite_begin', 'DEFERRED')}")

    return ViewDatabase(engine)


def postgres_views(host: str, port: int, dbname: str, user: str, password: str, pool_size: int = 10) -> ViewDatabase:
    url = URL.create("postgresql+psycopg", username=user, password=password or None, host=host, port=port,
                     database=dbname)
    engine = create_engine(url, pool_size=pool_size, max_overflow=pool_size)
    when_idle = WhenIdle()

    @event.listens_for(engine, "connect")
    def _connected(dbapi_connection, _record) -> None:
        when_idle.due(dbapi_connection)  # a fresh connection needs no ping

    @event.listens_for(engine, "checkout")
    def _handed_out(dbapi_connection, _record, _proxy) -> None:
        if not when_idle.due(dbapi_connection):
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            if not engine.dialect.is_disconnect(error, dbapi_connection, None):
                raise
            # As SQLAlchemy's own pre-ping does: this connection and every older one are replaced.
            raise InvalidatePoolError(f"pooled connection failed its ping: {error}") from error

    return ViewDatabase(engine)


def upsert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Inserts `rows` (every column given), or updates the rows with the same primary key, in one statement."""
    if rows:
        conn.execute(_upsert(conn.dialect.name, table), rows)


@functools.cache
def _upsert(dialect: str, table: Table) -> Insert:
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    key = [column.name for column in table.primary_key.columns]
    return statement.on_conflict_do_update(
        index_elements=key, set_={c.name: statement.excluded[c.name] for c in table.columns if c.name not in key})
