"""engagementlatest carries the statistics dimensions (one row per sent delivery)

Revision ID: 0004_stats_facts
Revises: 0003_renders
Create Date: 2026-11-28 16:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import publisher.models

revision = "0004_stats_facts"
down_revision = "0003_renders"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("engagementlatest", schema=None) as batch_op:
        batch_op.alter_column(
            "collected_at",
            existing_type=publisher.models.UTCDateTime(timezone=True),
            nullable=True,
        )
        batch_op.add_column(
            sa.Column("sent_at", publisher.models.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("org_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("channel_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("post_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("kind", sa.String(length=20), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("campaign_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("campaign_year", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("content_type", sa.String(length=10), nullable=False,
                      server_default="text")
        )
        batch_op.create_index("ix_engagementlatest_sent_at", ["sent_at"], unique=False)
        batch_op.create_index("ix_engagementlatest_org_id", ["org_id"], unique=False)
    # Rows written before this revision get their dimensions from their delivery.
    op.execute(
        "UPDATE engagementlatest SET "
        "sent_at = (SELECT d.sent_at FROM delivery d WHERE d.id = engagementlatest.delivery_id), "
        "channel_id = (SELECT d.channel_id FROM delivery d "
        "WHERE d.id = engagementlatest.delivery_id), "
        "post_id = (SELECT d.post_id FROM delivery d WHERE d.id = engagementlatest.delivery_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("engagementlatest", schema=None) as batch_op:
        batch_op.drop_index("ix_engagementlatest_org_id")
        batch_op.drop_index("ix_engagementlatest_sent_at")
        for name in ("content_type", "campaign_year", "campaign_id", "kind", "post_id",
                     "channel_id", "org_id", "sent_at"):
            batch_op.drop_column(name)
