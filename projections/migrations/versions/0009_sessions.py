"""Sessions (information sessions, trainings, presentations, community meetings) with their registrations and
attendance. The projection starts from zero (the projector fills it from the store).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sessions",
        sa.Column("session_id", sa.Text, primary_key=True),
        sa.Column("programme_id", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("starts_at", sa.Text, nullable=False),
        sa.Column("duration_minutes", sa.Integer, nullable=False),
        sa.Column("place", sa.Text, nullable=False),
        sa.Column("video_link", sa.Text, nullable=False),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("seats_taken", sa.Integer, nullable=False),
        sa.Column("waiting", sa.Integer, nullable=False),
        sa.Column("attended", sa.Integer),
        sa.Column("scheduled_at", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("sessions_by_start", "sessions", ["starts_at", "session_id"])
    op.create_index("sessions_by_programme", "sessions", ["programme_id", "starts_at", "session_id"])
    op.create_table(
        "session_registrations",
        sa.Column("session_id", sa.Text, primary_key=True),
        sa.Column("person_id", sa.Text, primary_key=True),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("registered_position", sa.Integer, nullable=False),
        sa.Column("registered_at", sa.Text, nullable=False),
        sa.Column("attended", sa.Integer),
    )
    op.create_index("session_registrations_by_person", "session_registrations", ["person_id", "session_id"])


def downgrade() -> None:
    # Its position goes with its tables: an upgrade again fills them from zero.
    op.execute("DELETE FROM view_tracking WHERE view = 'sessions'")
    op.execute("DELETE FROM parked_facts WHERE projection = 'sessions'")
    op.drop_table("session_registrations")
    op.drop_table("sessions")
