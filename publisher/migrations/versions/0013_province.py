"""The province: organisation parents, post themes and target groups, report requests and
submissions, criteria and manual activities.

Revision ID: 0013_province
Revises: 0012_zalo_tokens
Create Date: 2026-12-06 10:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import publisher.models

_TS = publisher.models.UTCDateTime


revision = "0013_province"
down_revision = "0012_zalo_tokens"
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

    op.create_table(
        "reportrequest",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("province_id", sa.Integer(), sa.ForeignKey("organisation.id"), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False, server_default=""),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False, server_default=""),
        sa.Column("created_at", _TS(timezone=True), nullable=False),
        sa.Column("closed_at", _TS(timezone=True), nullable=True),
    )
    op.create_index("ix_reportrequest_province_id", "reportrequest", ["province_id"])
    op.create_table(
        "reportsubmission",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("request_id", sa.Integer(), sa.ForeignKey("reportrequest.id"), nullable=False),
        sa.Column("org_id", sa.Integer(), sa.ForeignKey("organisation.id"), nullable=False),
        sa.Column("submitted_at", _TS(timezone=True), nullable=True),
        sa.Column("submitted_by", sa.String(length=120), nullable=False, server_default=""),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("reminded_at", _TS(timezone=True), nullable=True),
        sa.UniqueConstraint("request_id", "org_id"),
    )
    op.create_index("ix_reportsubmission_request_id", "reportsubmission", ["request_id"])
    op.create_index("ix_reportsubmission_org_id", "reportsubmission", ["org_id"])
    op.create_table(
        "criterion",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False, server_default=""),
        sa.Column("measure", sa.String(length=20), nullable=False),
        sa.Column("scope", sa.String(length=10), nullable=False, server_default="unit"),
        sa.Column("activity_kind", sa.String(length=20), nullable=True),
        sa.Column("theme", sa.String(length=20), nullable=True),
        sa.Column("targets", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("created_at", _TS(timezone=True), nullable=False),
    )
    op.create_index("ix_criterion_key", "criterion", ["key"], unique=True)
    op.create_table(
        "activity",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("org_id", sa.Integer(), sa.ForeignKey("organisation.id"), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("audiences", sa.JSON(), nullable=False),
        sa.Column("link", sa.String(length=2000), nullable=True),
        sa.Column("created_by", sa.String(length=120), nullable=False, server_default=""),
        sa.Column("created_at", _TS(timezone=True), nullable=False),
    )
    op.create_index("ix_activity_org_id", "activity", ["org_id"])
    op.create_index("ix_activity_on_date", "activity", ["on_date"])


def downgrade() -> None:
    for table in ("activity", "criterion", "reportsubmission", "reportrequest"):
        op.drop_table(table)
    op.drop_index("ix_posttag_kind_value", table_name="posttag")
    op.drop_table("posttag")
    op.drop_index("ix_organisation_parent_id", table_name="organisation")
    with op.batch_alter_table("organisation", recreate="never") as batch_op:
        batch_op.drop_column("parent_id")
