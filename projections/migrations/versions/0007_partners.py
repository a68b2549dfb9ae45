"""Partner organisations (companies with their agreements, ISPs) and the hours mentors gave with the company that
employed them then, for the companies' skills-sponsorship reports. Both projections start from zero (the projector fills them from the store).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("organisation_id", sa.Text, primary_key=True),
        sa.Column("stream_id", sa.Text, nullable=False, unique=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("agreements", sa.Text, nullable=False),
        sa.Column("registered_at", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("organisations_by_name", "organisations", ["name", "organisation_id"])
    op.create_index("organisations_by_kind", "organisations", ["kind", "name", "organisation_id"])
    op.create_table(
        "mentor_hours",
        sa.Column("entry_id", sa.Text, primary_key=True),
        sa.Column("mentor_id", sa.Text, nullable=False),
        sa.Column("organisation_id", sa.Text),
        sa.Column("activity", sa.Text, nullable=False),
        sa.Column("occurred_at", sa.Text, nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
    )
    op.create_index("mentor_hours_by_organisation", "mentor_hours", ["organisation_id", "mentor_id"])
    op.create_table(
        "mentor_hours_mentors",
        sa.Column("person_id", sa.Text, primary_key=True),
        sa.Column("organisation_id", sa.Text),
    )
    op.create_table(
        "mentor_hours_binomes",
        sa.Column("binome_id", sa.Text, primary_key=True),
        sa.Column("mentor_id", sa.Text, nullable=False),
        sa.Column("closure_minutes", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    # Their positions go with their tables: an upgrade again fills them from zero.
    op.execute("DELETE FROM view_tracking WHERE view IN ('organisations', 'mentor_hours')")
    op.execute("DELETE FROM parked_facts WHERE projection IN ('organisations', 'mentor_hours')")
    op.drop_table("mentor_hours_mentors")
    op.drop_table("mentor_hours_binomes")
    op.drop_table("mentor_hours")
    op.drop_table("organisations")
