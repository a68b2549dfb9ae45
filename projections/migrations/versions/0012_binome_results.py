"""The programme's results: one row per binôme (projection "results"), filled from the store by the projector.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "binome_results",
        sa.Column("binome_id", sa.Text, primary_key=True),
        sa.Column("programme_id", sa.Text, nullable=False),
        *(sa.Column(name, sa.Text) for name in ("mentor_id", "mentee_id", "proposed_at", "started_at", "exit_kind",
                                                 "exit_at", "outcome", "stopped_by", "completed_at")),
        *(sa.Column(name, sa.Integer, nullable=False, server_default=sa.text("0"))
          for name in ("meetings", "months_checked", "months_met", "contacts_on_time")),
        sa.Column("contacts_late", sa.Text, nullable=False, server_default="{}"),
    )
    op.create_index("binome_results_by_programme", "binome_results", ["programme_id", "started_at"])


def downgrade() -> None:
    op.execute("DELETE FROM view_tracking WHERE view = 'results'")
    op.execute("DELETE FROM parked_facts WHERE projection = 'results'")
    op.drop_table("binome_results")
