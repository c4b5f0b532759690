"""engagementlatest.is_first: one row per publication counts the post

Revision ID: 0005_stats_first
Revises: 0004_stats_facts
Create Date: 2026-11-28 16:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_stats_first"
down_revision = "0004_stats_facts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("engagementlatest", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_first", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    # Existing rows: the lowest delivery of each post and occurrence counts the post.
    op.execute(
        "UPDATE engagementlatest SET is_first = (delivery_id IN (SELECT min(d.id) FROM "
        "delivery d JOIN engagementlatest l ON l.delivery_id = d.id "
        "GROUP BY d.post_id, d.occurrence))"
    )


def downgrade() -> None:
    with op.batch_alter_table("engagementlatest", schema=None) as batch_op:
        batch_op.drop_column("is_first")
