"""engagementlatest.is_first_kind and local_day (cheaper platform and time breakdowns)

Revision ID: 0006_stats_kind_day
Revises: 0005_stats_first
Create Date: 2026-11-28 16:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_stats_kind_day"
down_revision = "0005_stats_first"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("engagementlatest", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_first_kind", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("local_day", sa.Date(), nullable=True))
    # Rows written before: recomputed by services.engagement.sync_facts(refresh=True).


def downgrade() -> None:
    with op.batch_alter_table("engagementlatest", schema=None) as batch_op:
        batch_op.drop_column("local_day")
        batch_op.drop_column("is_first_kind")
