"""Staff tasks again from the store: a refused proposal now asks the staff for the mentee's next suggestions
(`suggestions_ready`), and a proposal ended without a binôme names its mentee (`person_id`). The projection starts
from zero (the projector fills it from the store).

Revision ID: 0011
Revises: 0010
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _start_again()


def downgrade() -> None:
    # The older code's tasks, from zero too.
    _start_again()


def _start_again() -> None:
    op.execute("DELETE FROM staff_tasks")
    op.execute("DELETE FROM staff_task_binomes")
    # Facts set aside by it are applied again from zero: nothing stays parked behind them.
    op.execute("DELETE FROM parked_facts WHERE projection = 'staff_tasks'")
    op.execute("UPDATE view_tracking SET position = 0 WHERE view = 'staff_tasks'")
