"""Keyset paging: each list's indexes hold its whole order, the row's id last, so a page seeks its first row
instead of counting its way there; a binôme's sort key (`proposed_at`) is never NULL (NULL compares as
unknown, and would drop the row from every page after the first).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# (table, index): its columns before this revision, and after it.
INDEXES = {
    ("binomes", "binomes_by_stage"): (["stage", "proposed_at"], ["stage", "proposed_at", "binome_id"]),
    ("binomes", "binomes_by_programme"): (["programme_id", "proposed_at"],
                                          ["programme_id", "proposed_at", "binome_id"]),
    ("staff_tasks", "staff_tasks_by_since"): (["since"], ["since", "task_id"]),
    ("staff_tasks", "staff_tasks_by_programme"): (["programme_id", "since"], ["programme_id", "since", "task_id"]),
    ("persons", "persons_by_role"): (["role", "name"], ["role", "name", "person_id"]),
    ("persons", "persons_by_programme"): (["programme_id", "role", "name"],
                                          ["programme_id", "role", "name", "person_id"]),
}
NEW_INDEXES = {
    ("binomes", "binomes_by_proposal"): ["proposed_at", "binome_id"],
    ("binomes", "binomes_by_mentor"): ["mentor_id"],
    ("staff_tasks", "staff_tasks_by_kind"): ["kind", "since", "task_id"],
}


def upgrade() -> None:
    # Only a binôme whose first fact was not its proposal could have none: it sorts last, as before on SQLite.
    op.execute("UPDATE binomes SET proposed_at = '' WHERE proposed_at IS NULL")
    with op.batch_alter_table("binomes") as table:
        table.alter_column("proposed_at", existing_type=sa.Text, nullable=False)
    for (table, name), (_, columns) in INDEXES.items():
        op.drop_index(name, table)
        op.create_index(name, table, columns)
    for (table, name), columns in NEW_INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for (table, name) in NEW_INDEXES:
        op.drop_index(name, table)
    for (table, name), (columns, _) in INDEXES.items():
        op.drop_index(name, table)
        op.create_index(name, table, columns)
    with op.batch_alter_table("binomes") as table:
        table.alter_column("proposed_at", existing_type=sa.Text, nullable=True)
    op.execute("UPDATE binomes SET proposed_at = NULL WHERE proposed_at = ''")
