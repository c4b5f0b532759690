"""uisession: web interface logins that survive a browser reload (hashed tokens)

Revision ID: 0008_ui_sessions
Revises: 0007_audit_no_truncate
Create Date: 2026-11-29 10:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import publisher.models

revision = "0008_ui_sessions"
down_revision = "0007_audit_no_truncate"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "uisession",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", publisher.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", publisher.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", publisher.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", publisher.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("uisession", schema=None) as batch_op:
        batch_op.create_index("ix_uisession_user_id", ["user_id"], unique=False)
        batch_op.create_index("ix_uisession_expires_at", ["expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("uisession", schema=None) as batch_op:
        batch_op.drop_index("ix_uisession_expires_at")
        batch_op.drop_index("ix_uisession_user_id")
    op.drop_table("uisession")
