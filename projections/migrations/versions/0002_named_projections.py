"""Named projections: each view keeps its own position; facts a projection cannot apply are parked.

The staff-task projection gets its own copy of each binôme's state (it may stand at another position than
the binôme rows). Existing views carry over: every projection starts at the old "main" position, and the
staff-task states are copied from the binôme rows written at that same position.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

PROJECTIONS = ("binomes", "staff_tasks", "persons")


def upgrade() -> None:
    op.create_table(
        "staff_task_binomes",
        sa.Column("binome_id", sa.Text, primary_key=True),
        sa.Column("mentee_id", sa.Text),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
    )
    op.create_index("staff_task_binomes_by_mentee", "staff_task_binomes", ["mentee_id"])
    op.create_table(
        "parked_facts",
        sa.Column("projection", sa.Text, primary_key=True),
        sa.Column("notification_id", sa.BigInteger, primary_key=True),
        sa.Column("stream_id", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("fact_type", sa.Text, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("parked_at", sa.Text, nullable=False),
    )
    op.create_index("parked_facts_by_stream", "parked_facts", ["projection", "stream_id"])
    op.execute("INSERT INTO staff_task_binomes (binome_id, mentee_id, version, state) "
               "SELECT binome_id, mentee_id, version, state FROM binomes")
    for name in PROJECTIONS:
        op.execute(sa.text("INSERT INTO view_tracking (view, position) "
                           "SELECT :name, position FROM view_tracking WHERE view = 'main'").bindparams(name=name))
    op.execute("DELETE FROM view_tracking WHERE view = 'main'")


def downgrade() -> None:
    # The single position must not be ahead of any view: take the smallest.
    op.execute("INSERT INTO view_tracking (view, position) SELECT 'main', lowest FROM "
               "(SELECT MIN(position) AS lowest FROM view_tracking) AS views WHERE lowest IS NOT NULL")
    op.execute("DELETE FROM view_tracking WHERE view <> 'main'")
    op.drop_table("parked_facts")
    op.drop_table("staff_task_binomes")
