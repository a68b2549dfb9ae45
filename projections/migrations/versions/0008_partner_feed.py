"""The ISP partners' feed: each referred mentee's progress, in the order of the store's log. The projection starts
from zero (the projector fills it from the store).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "partner_feed",
        sa.Column("entry_id", sa.Text, primary_key=True),
        sa.Column("position", sa.BigInteger, nullable=False),
        sa.Column("organisation_id", sa.Text, nullable=False),
        sa.Column("mentee_id", sa.Text, nullable=False),
        sa.Column("binome_id", sa.Text),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("occurred_at", sa.Text, nullable=False),
    )
    op.create_index("partner_feed_by_organisation", "partner_feed", ["organisation_id", "position"])
    op.create_table(
        "partner_feed_mentees",
        sa.Column("person_id", sa.Text, primary_key=True),
        sa.Column("organisation_id", sa.Text),
    )
    op.create_table(
        "partner_feed_binomes",
        sa.Column("binome_id", sa.Text, primary_key=True),
        sa.Column("mentee_id", sa.Text, nullable=False),
        sa.Column("validated_sides", sa.Text, nullable=False),
    )


def downgrade() -> None:
    # Its position goes with its tables: an upgrade again fills them from zero.
    op.execute("DELETE FROM view_tracking WHERE view = 'partner_feed'")
    op.execute("DELETE FROM parked_facts WHERE projection = 'partner_feed'")
    op.drop_table("partner_feed_binomes")
    op.drop_table("partner_feed_mentees")
    op.drop_table("partner_feed")
