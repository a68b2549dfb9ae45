"""Who may do what: accounts, the log of personal-data reads, and a person's partner organisation (the ISP that
referred a mentee, the company that employs a mentor). The two new projections start from zero (the projector
fills them from the store); persons registered before have no organisation.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("persons") as table:
        table.add_column(sa.Column("organisation_id", sa.Text))
    op.create_index("persons_by_organisation", "persons", ["organisation_id", "role", "name", "person_id"])
    op.create_table(
        "accounts",
        sa.Column("account_id", sa.Text, primary_key=True),
        sa.Column("username", sa.Text, nullable=False, unique=True),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("programmes", sa.Text, nullable=False),
        sa.Column("person_id", sa.Text),
        sa.Column("organisation_id", sa.Text),
        sa.Column("must_change_password", sa.Integer, nullable=False),
        sa.Column("disabled", sa.Integer, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "personal_data_reads",
        sa.Column("entry_id", sa.Text, primary_key=True),
        sa.Column("person_id", sa.Text, nullable=False),
        sa.Column("reader", sa.Text, nullable=False),
        sa.Column("what", sa.Text, nullable=False),
        sa.Column("read_at", sa.Text, nullable=False),
    )
    for name, columns in INDEXES.items():
        op.create_index(name, "personal_data_reads", columns)


INDEXES = {
    "personal_data_reads_by_time": ["read_at", "entry_id"],
    "personal_data_reads_by_person": ["person_id", "read_at", "entry_id"],
    "personal_data_reads_by_reader": ["reader", "read_at", "entry_id"],
}


def downgrade() -> None:
    # Their positions go with their tables, and the persons lose their organisation: an upgrade again fills all
    # three from zero (the facts still hold the organisations).
    op.execute("DELETE FROM view_tracking WHERE view IN ('accounts', 'personal_data_reads', 'persons')")
    op.execute("DELETE FROM parked_facts WHERE projection IN ('accounts', 'personal_data_reads', 'persons')")
    op.execute("DELETE FROM persons")
    op.drop_table("personal_data_reads")
    op.drop_table("accounts")
    op.drop_index("persons_by_organisation", "persons")
    with op.batch_alter_table("persons") as table:
        table.drop_column("organisation_id")
