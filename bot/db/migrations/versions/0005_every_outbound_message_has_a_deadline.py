"""every outbound message has a deadline

The dispatcher sends in (deadline, id) order straight from an index. Rows written before
deadlines existed get their due time as deadline, which is what they were sorted by.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 09:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "UPDATE message SET deadline = COALESCE(next_attempt_at, created_at) "
        "WHERE deadline IS NULL AND direction = 'out'"
    )
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_index("ix_message_deadline")
        batch_op.create_index("ix_message_deadline", ["status", "deadline", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_index("ix_message_deadline")
        batch_op.create_index("ix_message_deadline", ["status", "deadline"], unique=False)
