"""On PostgreSQL the database is created when missing; when it cannot be used, one line says what to fix, at once."""

import contextlib
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg.sql import SQL, Identifier

from mentorat.bootstrap import build_container
from mentorat.database import DatabaseSetupError, ensure_database
from tests.support.postgres import HOST, PORT, USER, fresh_database
from tests.support.settings import postgres_settings
from tests.test_serve import free_port

MENTORAT = Path(sys.executable).parent / "mentorat"


def admin() -> psycopg.Connection:
    return psycopg.connect(host=HOST, port=PORT, user=USER, dbname="postgres", autocommit=True)


def database_exists(name: str) -> bool:
    with admin() as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


@contextlib.contextmanager
def dropped_afterwards(name: str):
    try:
        yield name
    finally:
        with admin() as conn:
            conn.execute(SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(Identifier(name)))


@contextlib.contextmanager
def role_without_createdb():
    name = f"mentorat_nocreate_{uuid.uuid4().hex[:8]}"
    with admin() as conn:
        conn.execute(SQL("CREATE ROLE {} LOGIN NOCREATEDB").format(Identifier(name)))
    try:
        yield name
    finally:
        with admin() as conn:
            conn.execute(SQL("DROP ROLE IF EXISTS {}").format(Identifier(name)))


def test_a_missing_database_is_created_and_the_store_works_in_it(tmp_path):
    with dropped_afterwards(f"mentorat_setup_{uuid.uuid4().hex[:8]}") as name:
        assert not database_exists(name)
        container = build_container(postgres_settings(name, tmp_path / "data"))
        try:
            assert database_exists(name)
            assert container.store.last_log_position() == 1  # its tables exist and answer: the default programme
        finally:
            container.close()
        # A second start finds it and leaves it alone.
        build_container(postgres_settings(name, tmp_path / "data")).close()


def test_the_database_name_is_quoted_when_created(tmp_path):
    with dropped_afterwards(f'Mentorat "setup"; {uuid.uuid4().hex[:8]}') as name:
        ensure_database(postgres_settings(name, tmp_path / "data"))
        assert database_exists(name)


def test_a_server_that_is_not_there_fails_fast_with_what_to_fix(tmp_path):
    port = free_port()
    settings = postgres_settings("mentorat", tmp_path / "data").model_copy(update={"postgres_port": port})
    started = time.monotonic()
    with pytest.raises(DatabaseSetupError) as raised:
        ensure_database(settings)
    assert time.monotonic() - started < 10
    message = str(raised.value)
    assert f"127.0.0.1:{port}" in message and "Connection refused" in message
    assert "MENTORAT_POSTGRES_PORT" in message and "\n" not in message


def test_a_user_who_may_not_create_it_is_told_what_to_create(tmp_path):
    with role_without_createdb() as role, dropped_afterwards(f"mentorat_setup_{uuid.uuid4().hex[:8]}") as name:
        settings = postgres_settings(name, tmp_path / "data").model_copy(update={"postgres_user": role})
        with pytest.raises(DatabaseSetupError) as raised:
            ensure_database(settings)
        assert f'CREATE DATABASE "{name}" OWNER "{role}";' in str(raised.value)
        assert not database_exists(name)


def test_a_database_the_user_may_not_enter_is_named_with_the_grant_to_give(tmp_path):
    with role_without_createdb() as role, fresh_database() as name:
        with admin() as conn:
            conn.execute(SQL("REVOKE CONNECT ON DATABASE {} FROM PUBLIC").format(Identifier(name)))
        with pytest.raises(DatabaseSetupError) as raised:
            ensure_database(postgres_settings(name, tmp_path / "data").model_copy(update={"postgres_user": role}))
        assert f'GRANT CONNECT ON DATABASE "{name}" TO "{role}";' in str(raised.value)


@pytest.mark.slow
def test_the_command_stops_at_once_with_one_line(tmp_path):
    port = free_port()
    env = {**os.environ, "MENTORAT_EVENT_STORE": "postgres", "MENTORAT_POSTGRES_PORT": str(port),
           "MENTORAT_DATA_DIR": str(tmp_path / "data")}
    started = time.monotonic()
    done = subprocess.run([str(MENTORAT), "rebuild-views"], env=env, cwd=tmp_path, capture_output=True, text=True,
                          timeout=60)
    # Well under the connection pool's 30 s timeout (most of it is importing the application).
    assert time.monotonic() - started < 20
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr
    assert done.stderr.startswith("mentorat: PostgreSQL at ") and f":{port}" in done.stderr
