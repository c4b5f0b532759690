"""A manager's optional second sign-off (the organisation's setting, the editor's first
approval kept on the post) and notifications (each user's contacts and choices, the outbox).

Revision ID: 0015_signoff_notify
Revises: 0014_brand_kit
Create Date: 2026-12-06 13:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import publisher.models

_TS = publisher.models.UTCDateTime


revision = "0015_signoff_notify"
down_revision = "0014_brand_kit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "organisation",
        sa.Column("requires_signoff", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("post", sa.Column("first_approved_by", sa.Integer(), nullable=True))
    op.add_column("post", sa.Column("first_approved_at", _TS(timezone=True), nullable=True))
    op.create_table(
        "notifycontact",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user.id"), primary_key=True),
        sa.Column("email", sa.String(length=254), nullable=False, server_default=""),
        sa.Column("telegram_chat_id", sa.String(length=40), nullable=False, server_default=""),
        sa.Column("telegram_name", sa.String(length=120), nullable=False, server_default=""),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("link_code_hash", sa.String(length=64), nullable=True),
        sa.Column("link_code_expires_at", _TS(timezone=True), nullable=True),
        sa.Column("updated_at", _TS(timezone=True), nullable=False),
    )
    op.create_index("ix_notifycontact_link_code_hash", "notifycontact", ["link_code_hash"])
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user.id"), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False, server_default=""),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("next_at", _TS(timezone=True), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=False, server_default=""),
        sa.Column("created_at", _TS(timezone=True), nullable=False),
        sa.Column("sent_at", _TS(timezone=True), nullable=True),
        sa.UniqueConstraint("dedupe_key"),
    )
    for column in ("user_id", "org_id", "status", "next_at"):
        op.create_index(f"ix_notification_{column}", "notification", [column])


def downgrade() -> None:
    op.drop_table("notification")
    op.drop_index("ix_notifycontact_link_code_hash", table_name="notifycontact")
    op.drop_table("notifycontact")
    with op.batch_alter_table("post", recreate="never") as batch_op:
        batch_op.drop_column("first_approved_at")
        batch_op.drop_column("first_approved_by")
    with op.batch_alter_table("organisation", recreate="never") as batch_op:
        batch_op.drop_column("requires_signoff")
