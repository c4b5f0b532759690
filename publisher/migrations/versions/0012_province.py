"""The province: organisation parents, post themes and target groups, report requests and
submissions, criteria and manual activities.

Revision ID: 0012_province
Revises: 0011_four_eyes_logins
Create Date: 2026-12-06 10:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0012_province"
down_revision = "0011_four_eyes_logins"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("organisation", sa.Column("parent_id", sa.Integer(), nullable=True))
    op.create_index("ix_organisation_parent_id", "organisation", ["parent_id"])
    op.create_table(
        "posttag",
        sa.Column("post_id", sa.Integer(), sa.ForeignKey("post.id"), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("value", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("post_id", "kind", "value"),
    )
    op.create_index("ix_posttag_kind_value", "posttag", ["kind", "value"])


def downgrade() -> None:
    op.drop_index("ix_posttag_kind_value", table_name="posttag")
    op.drop_table("posttag")
    op.drop_index("ix_organisation_parent_id", table_name="organisation")
    with op.batch_alter_table("organisation", recreate="never") as batch_op:
        batch_op.drop_column("parent_id")
