"""delivery.pace: claims take the slowest platforms' due rows first, by an index

Revision ID: 0020_delivery_pace
Revises: 0019_faq_bot
Create Date: 2026-12-07 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020_delivery_pace"
down_revision = "0019_faq_bot"
branch_labels = None
depends_on = None

#: The paces of the platforms when this revision was written
#: (``publisher.services.publishing.channels.paces``); any other kind: 9.
PACES = {"telegram": 0, "facebook": 1, "zalo_oa": 2, "grassroots": 3}


def upgrade() -> None:
    op.add_column(
        "delivery", sa.Column("pace", sa.Integer(), nullable=False, server_default="9")
    )
    for kind, pace in PACES.items():
        op.execute(
            sa.text(
                "UPDATE delivery SET pace = :pace WHERE channel_id IN"
                " (SELECT id FROM channel WHERE kind = :kind)"
            ).bindparams(pace=pace, kind=kind)
        )
    op.create_index("ix_delivery_pace", "delivery", ["status", "pace", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_delivery_pace", table_name="delivery")
    # In place (SQLite >= 3.35): other tables' rows refer to delivery, so the table is not
    # rebuilt (its drop would break their foreign keys).
    with op.batch_alter_table("delivery", recreate="never") as batch:
        batch.drop_column("pace")
