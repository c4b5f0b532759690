"""faqanswer (the office's knowledge base) and faqquery (questions asked, to learn from)

Revision ID: 0018_faq
Revises: 0017_channel_hours
Create Date: 2026-12-06 13:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from publisher.models import UTCDateTime

revision = "0018_faq"
down_revision = "0017_channel_hours"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "faqanswer",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("org_id", sa.Integer(), sa.ForeignKey("organisation.id"), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("question", sa.String(500), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("variants", sa.JSON(), nullable=False),
        sa.Column("source_url", sa.String(2000), nullable=False),
        sa.Column("theme", sa.String(20), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("post_id", sa.Integer(), sa.ForeignKey("post.id"), nullable=True),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("user.id"), nullable=True),
        sa.Column("content_by", sa.Integer(), sa.ForeignKey("user.id"), nullable=True),
        sa.Column("content_label", sa.String(120), nullable=False),
        sa.Column("reviewed_by", sa.Integer(), sa.ForeignKey("user.id"), nullable=True),
        sa.Column("reviewed_at", UTCDateTime(), nullable=True),
        sa.Column("review_comment", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_faqanswer_org_id", "faqanswer", ["org_id"])
    op.create_index("ix_faqanswer_status", "faqanswer", ["status"])
    op.create_index("ix_faqanswer_post_id", "faqanswer", ["post_id"])
    op.create_table(
        "faqquery",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("org_id", sa.Integer(), sa.ForeignKey("organisation.id"), nullable=True),
        sa.Column("channel_id", sa.Integer(), sa.ForeignKey("channel.id"), nullable=True),
        sa.Column("text", sa.String(500), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("answer_id", sa.Integer(), sa.ForeignKey("faqanswer.id"), nullable=True),
        sa.Column("helpful", sa.Boolean(), nullable=True),
        sa.Column("asked_at", UTCDateTime(), nullable=False),
        sa.Column("feedback_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_faqquery_org_asked", "faqquery", ["org_id", "asked_at"])
    op.create_index("ix_faqquery_channel_id", "faqquery", ["channel_id"])
    op.create_index("ix_faqquery_answer_id", "faqquery", ["answer_id"])


def downgrade() -> None:
    op.drop_table("faqquery")
    op.drop_table("faqanswer")
