"""A manager's optional second sign-off: the organisation's setting and the editor's first
approval kept on the post.

Revision ID: 0015_signoff
Revises: 0014_brand_kit
Create Date: 2026-12-06 13:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import publisher.models

_TS = publisher.models.UTCDateTime


revision = "0015_signoff"
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


def downgrade() -> None:
    with op.batch_alter_table("post", recreate="never") as batch_op:
        batch_op.drop_column("first_approved_at")
        batch_op.drop_column("first_approved_by")
    with op.batch_alter_table("organisation", recreate="never") as batch_op:
        batch_op.drop_column("requires_signoff")
