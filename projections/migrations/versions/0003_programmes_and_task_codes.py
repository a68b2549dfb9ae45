"""Programmes and codes: binômes, persons and tasks carry their programme; a task keeps its params (its text is
rendered per reader), not a French label; persons keep a mentor's capacity; programmes get their own view.

Task rows cannot be turned from a label into params, and binôme states folded before hold reasons as prose: the
staff-task and binôme projections start again from zero (the projector refills them from the store).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("binomes") as table:
        table.add_column(sa.Column("programme_id", sa.Text, nullable=False, server_default="default"))
    op.create_index("binomes_by_programme", "binomes", ["programme_id", "proposed_at"])
    with op.batch_alter_table("persons") as table:
        table.add_column(sa.Column("programme_id", sa.Text, nullable=False, server_default="default"))
        table.add_column(sa.Column("capacity", sa.Integer))
    op.create_index("persons_by_programme", "persons", ["programme_id", "role", "name"])
    # Mentors registered before capacities had the default one.
    op.execute("UPDATE persons SET capacity = 1 WHERE role = 'mentor'")
    op.drop_table("staff_tasks")
    op.create_table(
        "staff_tasks",
        sa.Column("task_id", sa.Text, primary_key=True),
        sa.Column("binome_id", sa.Text, nullable=False),
        sa.Column("programme_id", sa.Text, nullable=False, server_default="default"),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("params", sa.Text, nullable=False),
        sa.Column("since", sa.Text, nullable=False),
        sa.Column("overdue_since", sa.Text),
    )
    op.create_index("staff_tasks_by_binome", "staff_tasks", ["binome_id"])
    op.create_index("staff_tasks_by_since", "staff_tasks", ["since"])
    op.create_index("staff_tasks_by_programme", "staff_tasks", ["programme_id", "since"])
    op.execute("DELETE FROM staff_task_binomes")
    op.execute("DELETE FROM binomes")
    # Facts set aside by those two are applied again from zero: nothing stays parked behind them.
    op.execute("DELETE FROM parked_facts WHERE projection IN ('staff_tasks', 'binomes')")
    op.execute("UPDATE view_tracking SET position = 0 WHERE view IN ('staff_tasks', 'binomes')")
    op.create_table(
        "programmes",
        sa.Column("programme_id", sa.Text, primary_key=True),
        sa.Column("stream_id", sa.Text, nullable=False, unique=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("settings", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("programmes")
    op.drop_index("staff_tasks_by_programme", "staff_tasks")
    with op.batch_alter_table("staff_tasks") as table:
        table.drop_column("programme_id")
        table.alter_column("params", new_column_name="label")
    op.execute("UPDATE view_tracking SET position = 0 WHERE view = 'staff_tasks'")
    op.execute("DELETE FROM staff_tasks")
    op.execute("DELETE FROM staff_task_binomes")
    op.drop_index("persons_by_programme", "persons")
    with op.batch_alter_table("persons") as table:
        table.drop_column("capacity")
        table.drop_column("programme_id")
    op.drop_index("binomes_by_programme", "binomes")
    with op.batch_alter_table("binomes") as table:
        table.drop_column("programme_id")
