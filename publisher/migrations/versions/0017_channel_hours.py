"""channel.posting_hours: a channel's time-of-day rules (allowed hours, days, best times)

Revision ID: 0017_channel_hours
Revises: 0016_request_mark
Create Date: 2026-12-06 13:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_channel_hours"
down_revision = "0016_request_mark"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "channel",
        sa.Column("posting_hours", sa.JSON(), nullable=False, server_default=sa.text("'{}'")),
    )


def downgrade() -> None:
    with op.batch_alter_table("channel", recreate="never") as batch_op:
        batch_op.drop_column("posting_hours")
