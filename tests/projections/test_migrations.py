"""The view schema is managed by Alembic: revision 0001 is the first version's schema, a views database made
by that version is recognised, stamped and upgraded in place, and the metadata matches the revisions."""

import json
import shutil
import sqlite3
from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, create_engine, insert, inspect, text

from domain.state import LEGACY_REASONS
from eventstore import FactStore
from mentorat.bootstrap import build_container, build_store, build_view_db
from projections import schema, tracking
from projections.queries import Views
from projections.tables import metadata
from tests.fixtures import make_v1_data as v1
from tests.projections.recording import T0, record_binome, register, snapshot, time_passes
from tests.support.settings import sqlite_settings

FIXTURE = v1.HERE
V1_TABLES = ("view_tracking", "binomes", "staff_tasks", "persons")
# Migrations start from nothing, or from the first version's tables.
pytestmark = pytest.mark.blank_database
LATEST = "0012"


def _v1_ddl() -> list[str]:
    """The statements the first version ran (it ran the same SQL on SQLite and PostgreSQL)."""
    with sqlite3.connect(FIXTURE / "views.sqlite") as conn:
        rows = conn.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type DESC, name").fetchall()
    return [sql for (sql,) in rows]


def _describe(conn) -> dict:
    """Tables, columns (type, nullability, default), primary keys and indexes, as the database reports them."""
    inspector = inspect(conn)
    described = {}
    for table in sorted(set(inspector.get_table_names()) - {schema.VERSION_TABLE}):
        columns = [(c["name"], str(c["type"]), c["nullable"], str(c["default"]) if c["default"] else None)
                   for c in inspector.get_columns(table)]
        indexes = sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                         for i in inspector.get_indexes(table))
        described[table] = (columns, inspector.get_pk_constraint(table)["constrained_columns"], indexes)
    return described


def _differences(conn) -> list:
    """What Alembic's autogenerate would change to reach `tables.py`, except one known, harmless thing: the
    first version's text keys are nullable on SQLite (no NOT NULL in its DDL); the code never writes NULL keys."""
    keys = {(table.name, column.name) for table in metadata.tables.values() for column in table.primary_key}
    return [diff for diff in compare_metadata(MigrationContext.configure(conn, opts={
                "version_table": schema.VERSION_TABLE, "include_name": schema.only_view_tables}), metadata)
            if not (isinstance(diff, list) and diff[0][0] == "modify_nullable" and diff[0][2:4] in keys)]


def _drop_all(conn) -> None:
    for table in inspect(conn).get_table_names():
        conn.execute(text(f"DROP TABLE {table}"))


def test_revision_0001_is_the_first_versions_schema(settings_for):
    db = build_view_db(settings_for())
    try:
        with db.write() as conn:
            for statement in _v1_ddl():
                conn.execute(text(statement))
            first_version = _describe(conn)
            _drop_all(conn)
            schema.upgrade(conn, "0001")
            assert _describe(conn) == first_version
            assert sorted(first_version) == sorted(V1_TABLES)
    finally:
        db.close()


def test_the_table_metadata_is_what_the_revisions_create_and_downgrades_go_back(settings_for):
    db = build_view_db(settings_for())
    try:
        with db.write() as conn:
            schema.upgrade(conn)
            assert schema.current(conn) == LATEST
            assert _differences(conn) == []
            latest = _describe(conn)
            tracking.ensure(conn, ["binomes", "staff_tasks", "persons"])
            conn.execute(text("UPDATE view_tracking SET position = 5 WHERE view = 'binomes'"))
            conn.execute(text("UPDATE view_tracking SET position = 4 WHERE view <> 'binomes'"))
            schema.upgrade(conn, "0001")  # upgrading to an older revision is a no-op...
            assert schema.current(conn) == LATEST
        with db.write() as conn:
            schema.downgrade(conn, "0001")  # ...a downgrade goes back
            assert sorted(_describe(conn)) == sorted(V1_TABLES)
            # The one position of the first version must not be ahead of any view, and going back past 0003
            # (tasks as codes) restarts the staff tasks from zero.
            assert conn.execute(text("SELECT view, position FROM view_tracking")).all() == [("main", 0)]
            schema.upgrade(conn)
            assert _describe(conn) == latest
    finally:
        db.close()


def test_revision_0004_keeps_a_binome_with_no_proposal_date_and_pages_it_last(settings_for):
    db = build_view_db(settings_for())
    try:
        with db.write() as conn:
            schema.upgrade(conn, "0003")
            conn.execute(text("INSERT INTO binomes (binome_id, stage, version, proposed_at, state) VALUES "
                              "('undated', 'proposed', 1, NULL, '{}'), "
                              "('dated', 'proposed', 1, '2026-01-05T09:00:00.000000Z', '{}')"))
            schema.upgrade(conn)
        views = Views(db)
        first = views.binomes(None, None, None, None, 1)
        last = views.binomes(None, None, None, None, 1, after=first.next_after)
        assert [row.binome_id for row in first.items + last.items] == ["dated", "undated"]
        assert (first.total, last.total, last.next_after) == (2, None, None)
    finally:
        db.close()


def _copy_of_v1_data(settings, store_kind: str):
    """The fixture's data directory, as the first version left it, on this test's store."""
    if store_kind == "sqlite":
        shutil.copytree(FIXTURE, settings.data_dir)
        return
    # PostgreSQL: the same facts in the same log order, the first version's tables with the same rows.
    source = FactStore.sqlite(str(FIXTURE / "events.sqlite"))
    target = build_store(settings)
    for recorded in source.read_log(0, 1000):
        target.append(recorded.stream_id, [recorded.fact])
    assert target.last_log_position() == source.last_log_position()
    source.close()
    target.close()
    old = create_engine(f"sqlite:///{FIXTURE / 'views.sqlite'}")
    tables = MetaData()
    tables.reflect(old)
    db = build_view_db(settings)
    with old.connect() as reading, db.write() as writing:
        for statement in _v1_ddl():
            writing.execute(text(statement))
        for name in V1_TABLES:
            rows = [dict(row._mapping) for row in reading.execute(tables.tables[name].select())]
            writing.execute(insert(tables.tables[name]), rows)
    db.close()
    old.dispose()


def _answers(views) -> dict:
    return _as_first_version(json.loads(json.dumps(v1.answers(views))))


# A person's fields added since the first version: programmes, partners, journeys.
PERSON_FIELDS_SINCE = {"programme_id", "capacity", "organisation_id", "step", "step_since", "background", "adviser",
                       "paused_until", "profile", "version"}

# A programme's settings added since: the journeys before the binôme, matching.
PROGRAMME_FIELDS_SINCE = {"journey_step_days", "selection_criteria", "interview_questions", "matching_criteria"}


def _as_first_version(answers):
    """What the first version's reads had too: a task's text (label then, params now) and its person or session
    (their tasks are new), a person's programme, capacity and organisation, and a page's next key (added since)
    left out, and a binôme's command ids (the views no longer keep them)."""
    if isinstance(answers, list):
        return [_as_first_version(item) for item in answers]
    if not isinstance(answers, dict):
        return answers
    added = {"label", "params", "person_id", "session_id"} if "task_id" in answers \
        else PERSON_FIELDS_SINCE if "person_id" in answers \
        else {"next_after"} if "items" in answers \
        else {"commands"} if "binome_id" in answers and "stage" in answers else set()
    if "proposal_response_days" in answers:  # a programme's settings, as a binôme keeps them
        added = PROGRAMME_FIELDS_SINCE
    kept = {key: _as_first_version(value) for key, value in answers.items() if key not in added}
    if "ended_reason" in kept:  # the expiry's reason was prose, it is a code now
        kept["ended_reason"] = LEGACY_REASONS.get(kept["ended_reason"], kept["ended_reason"])
    return kept


def test_views_made_by_the_first_version_are_upgraded_in_place(settings_for, store_kind):
    settings = settings_for()
    _copy_of_v1_data(settings, store_kind)
    container = build_container(settings)
    try:
        expected = _as_first_version(json.loads((FIXTURE / "answers.json").read_text()))
        with container.view_db.read() as conn:
            assert schema.current(conn) == LATEST
        # Tasks and reasons became codes (0003): those projections start again; accounts and the read log are new
        # (0005); the persons are filled again with their journeys (0006); partners and hours are new (0007), the
        # partners' feed (0008) and sessions (0009).
        assert {s.name: (s.position, s.parked) for s in container.projector.status()} == {
            "programmes": (0, 0), "persons": (0, 0), "accounts": (0, 0), "personal_data_reads": (0, 0),
            "organisations": (0, 0), "mentor_hours": (0, 0), "partner_feed": (0, 0), "sessions": (0, 0),
            "results": (0, 0), "staff_tasks": (0, 0), "binomes": (0, 0)}
        # The log again for those two (7 facts), and the default programme created at start: nothing applied twice.
        assert container.projector.catch_up() == 8
        assert _answers(container.views) == expected

        # New facts keep projecting, onto the upgraded rows.
        store = container.store
        register(store, "mentor", "Chloé")
        time_passes(store, v1.ACCEPTED, T0 + timedelta(days=40))  # nothing more is due: no fact
        again = record_binome(store, [("ProposeMentee", {"mentor_id": str(v1.MENTOR), "mentee_id": str(v1.MENTEE)})],
                              start=T0 + timedelta(days=40))
        assert container.projector.catch_up() == 2
        tasks = {(t.binome_id, t.kind) for t in container.views.tasks(None, None, 10).items}
        # Proposing the mentee again closed the expired proposal's task (state carried into the new table).
        assert tasks == {(str(v1.ACCEPTED), "first_meeting_overdue")}
        assert container.views.persons("mentor", 10).total == 2
        assert container.views.binome_version(str(again)) == 1

        upgraded = snapshot(container.views)
        container.projector.rebuild()
        assert snapshot(container.views) == upgraded
    finally:
        container.close()


def test_a_fresh_views_database_starts_at_the_latest_revision(tmp_path):
    container = build_container(sqlite_settings(tmp_path / "data"))
    try:
        with container.view_db.read() as conn:
            assert schema.current(conn) == LATEST
        assert container.projector.position() == 0
    finally:
        container.close()
    # A second start finds it up to date and changes nothing.
    again = build_container(sqlite_settings(tmp_path / "data"))
    again.close()
