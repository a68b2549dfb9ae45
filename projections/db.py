"""A small SQL connection wrapper over SQLite or PostgreSQL, so view code is written once (`?` placeholders)."""

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


class ViewDatabase:
    dialect: str

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator["Tx"]:
        raise NotImplementedError

    def close(self) -> None:
        pass


class Tx:
    """One transaction: `execute` with `?` placeholders; rows come back as dicts."""

    def __init__(self, cursor: Any, placeholder: str):
        self._cursor = cursor
        self._placeholder = placeholder

    def execute(self, sql: str, params: tuple | list = ()) -> "Tx":
        if self._placeholder != "?":
            sql = sql.replace("?", self._placeholder)
        self._cursor.execute(sql, params)
        return self

    def one(self, sql: str, params: tuple | list = ()) -> dict | None:
        self.execute(sql, params)
        row = self._cursor.fetchone()
        return dict(row) if row is not None else None

    def all(self, sql: str, params: tuple | list = ()) -> list[dict]:
        self.execute(sql, params)
        return [dict(row) for row in self._cursor.fetchall()]


class SqliteViews(ViewDatabase):
    dialect = "sqlite"

    def __init__(self, path: Path | str):
        self._path = str(path)
        self._local = threading.local()

    def _connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self._path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[Tx]:
        conn = self._connection()
        # Writers take the write lock up front (no lock upgrade deadlock); readers don't block the projector.
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield Tx(conn.cursor(), "?")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


class PostgresViews(ViewDatabase):
    dialect = "postgres"

    def __init__(self, conninfo: str, pool_size: int = 10):
        from psycopg.rows import dict_row
        from psycopg_pool import ConnectionPool

        self._pool = ConnectionPool(conninfo, min_size=1, max_size=pool_size, kwargs={"row_factory": dict_row}, open=True)

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[Tx]:
        with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cursor:
            yield Tx(cursor, "%s")

    def close(self) -> None:
        self._pool.close()
