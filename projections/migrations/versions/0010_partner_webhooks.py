"""An ISP's webhook: its URL and sealed secret on the organisation's row (no webhook was ever set before this
version, so no row needs filling), and how far each webhook has delivered its feed (kept across rebuilds).

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for name in ("webhook_url", "webhook_secret_id", "webhook_sealed_secret"):
        op.add_column("organisations", sa.Column(name, sa.Text))
    op.create_table(
        "partner_webhook_progress",
        sa.Column("organisation_id", sa.Text, primary_key=True),
        sa.Column("delivered_position", sa.BigInteger, nullable=False),
        sa.Column("delivered", sa.Integer, nullable=False),
        sa.Column("last_delivered_at", sa.Text),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("failing_since", sa.Text),
        sa.Column("last_status", sa.Integer),
        sa.Column("last_error", sa.Text),
        sa.Column("next_try_at", sa.Text),
    )


def downgrade() -> None:
    op.drop_table("partner_webhook_progress")
    with op.batch_alter_table("organisations") as batch:
        for name in ("webhook_url", "webhook_secret_id", "webhook_sealed_secret"):
            batch.drop_column(name)
