"""delivery.request_started_at: the durable mark written right before a platform call

Revision ID: 0016_request_mark
Revises: 0015_signoff_notify
Create Date: 2026-12-06 13:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import publisher.models

revision = "0016_request_mark"
down_revision = "0015_signoff_notify"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "delivery",
        sa.Column(
            "request_started_at", publisher.models.UTCDateTime(timezone=True), nullable=True
        ),
    )
    # Rows sending while this runs were claimed by a worker that wrote no marks: they may
    # have been sent, so they count as marked (the ambiguous policy settles them).
    op.execute("UPDATE delivery SET request_started_at = updated_at WHERE status = 'sending'")


def downgrade() -> None:
    # In place (SQLite >= 3.35): other tables' rows refer to delivery.
    with op.batch_alter_table("delivery", recreate="never") as batch_op:
        batch_op.drop_column("request_started_at")
