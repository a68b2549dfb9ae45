"""On PostgreSQL the follower looks at the log when the store says facts were committed (LISTEN/NOTIFY), by any
process, long before its slow poll; a lost listening connection comes back by itself. A reader waiting for its
write is woken by the pass that shows it, not by checks at fixed intervals."""

import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from eventstore import FactStore
from mentorat.bootstrap import build_container
from tests.projections.recording import register
from tests.support.postgres import HOST, PORT, USER

ROOT = Path(__file__).resolve().parents[2]
SLOW_POLL = 30.0  # seconds: anything seen sooner was signalled


@pytest.fixture
def slow_polling(settings_for, task_queue):
    """A container whose follower looks at the log every 30 s unless told sooner; started."""
    container = build_container(settings_for(task_queue=task_queue, projection_poll_seconds=SLOW_POLL,
                                             projection_notified_poll_seconds=SLOW_POLL))
    container.projector.start()
    try:
        yield container
    finally:
        container.close()


@pytest.fixture
def on_postgres(store_kind):
    if store_kind != "postgres":
        pytest.skip("SQLite has no commit signal: its follower polls")


def _visible_within(container, person_id, seconds: float) -> float | None:
    """Seconds until the person is in the views, looking every 20 ms (and never waking the follower)."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if container.views.person(str(person_id)) is not None:
            return time.monotonic() - started
        time.sleep(0.02)
    return None


def _idle(container) -> None:
    """Once the follower listens and has looked at the log, it waits: the next look must be signalled."""
    deadline = time.monotonic() + 10
    while not (container.projector._commits and container.projector._commits.listening):
        assert time.monotonic() < deadline, "never listened"
        time.sleep(0.02)
    time.sleep(0.3)


def _register_in_another_process(settings) -> str:
    code = ("from eventstore import FactStore; from tests.projections.recording import register; "
            f"store = FactStore.postgres({HOST!r}, {PORT}, {settings.postgres_db!r}, {USER!r}, ''); "
            "print(register(store, 'mentor', 'Zoé')); store.close()")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          check=True)
    return done.stdout.strip().splitlines()[-1]


def _listening_backends(dbname: str) -> list[int]:
    with psycopg.connect(host=HOST, port=PORT, user=USER, dbname="postgres", autocommit=True) as admin:
        return [pid for (pid,) in admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND application_name = 'mentorat-commit-watch'",
            (dbname,))]


def _terminate(pids: list[int]) -> None:
    with psycopg.connect(host=HOST, port=PORT, user=USER, dbname="postgres", autocommit=True) as admin:
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


def test_a_fact_committed_by_another_process_reaches_the_views_long_before_the_poll(on_postgres, slow_polling):
    _idle(slow_polling)
    person_id = _register_in_another_process(slow_polling.settings)
    lag = _visible_within(slow_polling, person_id, 5)
    assert lag is not None and lag < 2, lag


def test_the_follower_survives_a_dropped_listening_connection_and_goes_on(on_postgres, slow_polling):
    settings = slow_polling.settings
    other = FactStore.postgres(HOST, PORT, settings.postgres_db, USER, "")  # its own connections, as the worker's
    try:
        _idle(slow_polling)
        [listener] = _listening_backends(settings.postgres_db)
        _terminate([listener])
        # Committed while nobody listens: seen once listening again.
        missed = register(other, "mentor", "Anne")
        assert _visible_within(slow_polling, missed, 5) is not None

        _idle(slow_polling)
        assert _listening_backends(settings.postgres_db) not in ([], [listener])  # a new session listens
        after = register(other, "mentor", "Bob")
        lag = _visible_within(slow_polling, after, 5)
        assert lag is not None and lag < 2, lag
        assert slow_polling.projector._thread.is_alive()
    finally:
        other.close()


def test_a_waiting_reader_is_woken_by_the_pass_that_shows_its_write(slow_polling):
    container = slow_polling
    person_id = register(container.store, "mentee", "Chloé")  # nobody signals it: the wait wakes the follower
    started = time.monotonic()
    assert container.projector.wait_until(lambda: container.views.person(str(person_id)) is not None, 10)
    assert time.monotonic() - started < 2


def test_a_waiting_reader_is_not_checked_again_until_a_pass_moves(slow_polling):
    checks = []

    def never() -> bool:
        checks.append(time.monotonic())
        return False

    deadline = time.monotonic() + 10
    while slow_polling.projector.position() < slow_polling.store.last_log_position():
        assert time.monotonic() < deadline, "the first pass never ended"
        time.sleep(0.02)
    time.sleep(0.1)  # the follower's first pass is done: nothing moves from now on
    started = time.monotonic()
    assert slow_polling.projector.wait_until(never, 1.0) is False
    assert 1.0 <= time.monotonic() - started < 1.5
    # Once at once, once more at the deadline; in between nothing moved, so nothing was checked.
    assert [round(at - started, 1) for at in checks] == [0.0, 1.0]


def test_a_reader_without_a_follower_of_its_own_sees_another_process_project(settings_for, task_queue):
    """`MENTORAT_RUN_PROJECTOR=false`: another process's follower applies the facts; no pass here wakes the reader,
    so it looks again every poll, not only at its deadline."""
    following = build_container(settings_for(task_queue=task_queue, projection_poll_seconds=0.05))
    reading = build_container(settings_for(task_queue=task_queue, projection_poll_seconds=0.05))
    following.projector.start()
    try:
        person_id = register(reading.store, "mentee", "Chloé")
        started = time.monotonic()
        assert reading.projector.wait_until(lambda: reading.views.person(str(person_id)) is not None, 10)
        assert time.monotonic() - started < 5
    finally:
        reading.close()
        following.close()
