"""A fresh PostgreSQL database per use, on the local server (127.0.0.1:5432, trust auth), dropped afterwards."""

import contextlib
import os
import uuid
from collections.abc import Iterator

import psycopg

HOST = os.environ.get("MENTORAT_TEST_PG_HOST", "127.0.0.1")
PORT = int(os.environ.get("MENTORAT_TEST_PG_PORT", "5432"))
USER = os.environ.get("MENTORAT_TEST_PG_USER", "postgres")


def _admin() -> psycopg.Connection:
    return psycopg.connect(host=HOST, port=PORT, user=USER, dbname="postgres", autocommit=True)


@contextlib.contextmanager
def fresh_database(template: str | None = None) -> Iterator[str]:
    """A new database: empty, or a copy of `template` (PostgreSQL copies its files: faster than making the tables)."""
    name = f"mentorat_test_{uuid.uuid4().hex[:12]}"
    with _admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    try:
        yield name
    finally:
        with _admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
