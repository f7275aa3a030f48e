"""drop indexes another index covers

`ix_message_due (status, next_attempt_at)`: the dispatcher claims in deadline order from
`ix_message_deadline (status, deadline, id)`, which also serves every lookup by status.
`ix_wake_up_citizen_id`: `uq_wake_up_citizen_day (citizen_id, day)` starts with the same
column. Each message is written three times and each wake-up twice on a morning; every
write kept both of these up to date for nothing.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 15:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_index("ix_message_due")
    with op.batch_alter_table("wake_up", schema=None) as batch_op:
        batch_op.drop_index("ix_wake_up_citizen_id")


def downgrade() -> None:
    with op.batch_alter_table("wake_up", schema=None) as batch_op:
        batch_op.create_index("ix_wake_up_citizen_id", ["citizen_id"], unique=False)
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.create_index("ix_message_due", ["status", "next_attempt_at"], unique=False)
