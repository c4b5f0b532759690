"""channel.refresh_expires_at (Zalo OA refresh tokens) and zalobroadcast (claim-time broadcasts)

Revision ID: 0012_zalo_tokens
Revises: 0011_four_eyes_logins
Create Date: 2026-12-06 10:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import publisher.models

revision = "0012_zalo_tokens"
down_revision = "0011_four_eyes_logins"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "channel",
        sa.Column("refresh_expires_at", publisher.models.UTCDateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "zalobroadcast",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("message_id", sa.String(length=120), nullable=True),
        sa.Column("created_at", publisher.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["channel_id"], ["channel.id"]),
        sa.ForeignKeyConstraint(["delivery_id"], ["delivery.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel_id", "day"),
        sa.UniqueConstraint("delivery_id"),
    )
    op.create_index("ix_zalobroadcast_channel_id", "zalobroadcast", ["channel_id"])


def downgrade() -> None:
    op.drop_index("ix_zalobroadcast_channel_id", table_name="zalobroadcast")
    op.drop_table("zalobroadcast")
    with op.batch_alter_table("channel", recreate="never") as batch_op:
        batch_op.drop_column("refresh_expires_at")
