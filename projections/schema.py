"""The read views' tables. Dates are stored as fixed-format UTC text, so they sort as text."""

from projections.db import Tx

TABLES = ("view_tracking", "binomes", "staff_tasks", "persons")

SCHEMA = [
    "CREATE TABLE IF NOT EXISTS view_tracking (view TEXT PRIMARY KEY, position BIGINT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS binomes (
        binome_id TEXT PRIMARY KEY,
        stage TEXT NOT NULL,
        mentor_id TEXT,
        mentee_id TEXT,
        version INTEGER NOT NULL,
        overdue INTEGER NOT NULL DEFAULT 0,
        proposed_at TEXT,
        next_due_at TEXT,
        state TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS binomes_by_stage ON binomes (stage, proposed_at)",
    "CREATE INDEX IF NOT EXISTS binomes_by_mentee ON binomes (mentee_id)",
    """CREATE TABLE IF NOT EXISTS staff_tasks (
        task_id TEXT PRIMARY KEY,
        binome_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        params TEXT NOT NULL,
        since TEXT NOT NULL,
        overdue_since TEXT)""",
    "CREATE INDEX IF NOT EXISTS staff_tasks_by_binome ON staff_tasks (binome_id)",
    "CREATE INDEX IF NOT EXISTS staff_tasks_by_since ON staff_tasks (since)",
    """CREATE TABLE IF NOT EXISTS persons (
        person_id TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        name TEXT NOT NULL,
        email TEXT,
        phone TEXT,
        languages TEXT NOT NULL,
        registered_at TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS persons_by_role ON persons (role, name)",
]


def create(tx: Tx) -> None:
    for statement in SCHEMA:
        tx.execute(statement)


def drop(tx: Tx) -> None:
    for table in TABLES:
        tx.execute(f"DROP TABLE IF EXISTS {table}")
