"""faqhandover: questions the FAQ bot handed over to the staff inbox

Revision ID: 0019_faq_bot
Revises: 0018_faq
Create Date: 2026-12-06 13:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import publisher.models

revision = "0019_faq_bot"
down_revision = "0018_faq"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "faqhandover",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.Column("replied_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", publisher.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("replied_at", publisher.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["channel_id"], ["channel.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_faqhandover_org_id", "faqhandover", ["org_id"])
    op.create_index("ix_faqhandover_channel_id", "faqhandover", ["channel_id"])
    op.create_index("ix_faqhandover_status", "faqhandover", ["status"])
    op.create_index("ix_faqhandover_created_at", "faqhandover", ["created_at"])


def downgrade() -> None:
    for column in ("created_at", "status", "channel_id", "org_id"):
        op.drop_index(f"ix_faqhandover_{column}", table_name="faqhandover")
    op.drop_table("faqhandover")
