"""engagementpost: one row per post (engagement over all its deliveries, publication span)

Revision ID: 0009_stats_post
Revises: 0008_ui_sessions
Create Date: 2026-11-29 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import publisher.models

revision = "0009_stats_post"
down_revision = "0008_ui_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "engagementpost",
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("engagement", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("first_sent_at", publisher.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_sent_at", publisher.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["post_id"], ["post.id"]),
        sa.PrimaryKeyConstraint("post_id"),
    )
    op.create_index("ix_engagementpost_org_id", "engagementpost", ["org_id"])
    op.create_index("ix_engagementpost_rank", "engagementpost", ["engagement", "post_id"])
    op.create_index(
        "ix_engagementpost_span", "engagementpost", ["first_sent_at", "last_sent_at"]
    )
    op.create_index("ix_engagementlatest_post_id", "engagementlatest", ["post_id"])
    # Every post that already has statistics rows gets its row (same sums as
    # services.engagement.refresh_posts).
    op.execute(
        "INSERT INTO engagementpost (post_id, org_id, engagement, first_sent_at, last_sent_at) "
        "SELECT post_id, max(org_id), sum(coalesce(reactions, 0) + coalesce(comments, 0) "
        "+ coalesce(shares, 0) + coalesce(clicks, 0)), min(sent_at), max(sent_at) "
        "FROM engagementlatest WHERE post_id IS NOT NULL GROUP BY post_id"
    )


def downgrade() -> None:
    op.drop_index("ix_engagementlatest_post_id", table_name="engagementlatest")
    op.drop_table("engagementpost")
