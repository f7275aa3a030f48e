"""one open absence per citizen

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 12:10:32.411311
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Duplicates can only come from the race this index closes: keep the newest episode open.
    op.execute(
        "UPDATE absence SET closed_at = reported_at WHERE closed_at IS NULL AND id NOT IN "
        "(SELECT MAX(id) FROM absence WHERE closed_at IS NULL GROUP BY citizen_id)"
    )
    with op.batch_alter_table("absence", schema=None) as batch_op:
        batch_op.create_index(
            "uq_absence_open_per_citizen",
            ["citizen_id"],
            unique=True,
            sqlite_where=sa.text("closed_at IS NULL"),
            postgresql_where=sa.text("closed_at IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("absence", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_absence_open_per_citizen",
            sqlite_where=sa.text("closed_at IS NULL"),
            postgresql_where=sa.text("closed_at IS NULL"),
        )
