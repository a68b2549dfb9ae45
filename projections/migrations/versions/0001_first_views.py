"""The views as their first version created them (one tracked position, "main", for all tables).

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # `nullable=True` on the keys: the first version wrote "TEXT PRIMARY KEY" with no NOT NULL (SQLite then
    # allows NULL keys; PostgreSQL implies NOT NULL), and this revision reproduces that schema exactly.
    op.create_table(
        "view_tracking",
        sa.Column("view", sa.Text, primary_key=True, nullable=True),
        sa.Column("position", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "binomes",
        sa.Column("binome_id", sa.Text, primary_key=True, nullable=True),
        sa.Column("stage", sa.Text, nullable=False),
        sa.Column("mentor_id", sa.Text),
        sa.Column("mentee_id", sa.Text),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("overdue", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("proposed_at", sa.Text),
        sa.Column("next_due_at", sa.Text),
        sa.Column("state", sa.Text, nullable=False),
    )
    op.create_index("binomes_by_stage", "binomes", ["stage", "proposed_at"])
    op.create_index("binomes_by_mentee", "binomes", ["mentee_id"])
    op.create_table(
        "staff_tasks",
        sa.Column("task_id", sa.Text, primary_key=True, nullable=True),
        sa.Column("binome_id", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("since", sa.Text, nullable=False),
        sa.Column("overdue_since", sa.Text),
    )
    op.create_index("staff_tasks_by_binome", "staff_tasks", ["binome_id"])
    op.create_index("staff_tasks_by_since", "staff_tasks", ["since"])
    op.create_table(
        "persons",
        sa.Column("person_id", sa.Text, primary_key=True, nullable=True),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("email", sa.Text),
        sa.Column("phone", sa.Text),
        sa.Column("languages", sa.Text, nullable=False),
        sa.Column("registered_at", sa.Text, nullable=False),
    )
    op.create_index("persons_by_role", "persons", ["role", "name"])


def downgrade() -> None:
    for table in ("persons", "staff_tasks", "binomes", "view_tracking"):
        op.drop_table(table)
