"""engagement latest table and statistics indexes

Revision ID: 0002_stats
Revises: 0001
Create Date: 2026-11-28 15:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import publisher.models

revision = "0002_stats"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "engagementlatest",
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("collected_at", publisher.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reactions", sa.Integer(), nullable=True),
        sa.Column("comments", sa.Integer(), nullable=True),
        sa.Column("shares", sa.Integer(), nullable=True),
        sa.Column("views", sa.Integer(), nullable=True),
        sa.Column("clicks", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["delivery_id"], ["delivery.id"]),
        sa.PrimaryKeyConstraint("delivery_id"),
    )
    # Statistics filter deliveries by publication time and status.
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.create_index("ix_delivery_sent_at", ["sent_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_index("ix_delivery_sent_at")
    op.drop_table("engagementlatest")
