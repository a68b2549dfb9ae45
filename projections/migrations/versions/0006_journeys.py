"""The journeys before the binôme: each person's step (and since when), a mentor's background and pause, a mentee's
referring adviser, the matching profile, and the version of the person's stream the row shows. The persons view
is filled again from the store (facts registered before journeys read as ready mentors and selected mentees).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COLUMNS = ("step", "step_since", "background", "adviser", "paused_until", "profile", "version")


def upgrade() -> None:
    _refill_persons()
    with op.batch_alter_table("persons") as table:
        table.add_column(sa.Column("step", sa.Text, nullable=False, server_default=""))
        table.add_column(sa.Column("step_since", sa.Text, nullable=False, server_default=""))
        table.add_column(sa.Column("background", sa.Text))
        table.add_column(sa.Column("adviser", sa.Text))
        table.add_column(sa.Column("paused_until", sa.Text))
        table.add_column(sa.Column("profile", sa.Text, nullable=False, server_default="{}"))
        table.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="0"))
    op.create_index("persons_by_step", "persons", ["role", "step", "step_since", "person_id"])


def downgrade() -> None:
    _refill_persons()
    op.drop_index("persons_by_step", "persons")
    with op.batch_alter_table("persons") as table:
        for column in COLUMNS:
            table.drop_column(column)


def _refill_persons() -> None:
    # The projector fills the view again from zero: every row gets its columns from the facts.
    op.execute("DELETE FROM persons")
    op.execute("UPDATE view_tracking SET position = 0 WHERE view = 'persons'")
    op.execute("DELETE FROM parked_facts WHERE projection = 'persons'")
