"""organisation.brand_kit (official header, website, hashtag, source line, preset) and
mediaasset.alt_text

Revision ID: 0014_brand_kit
Revises: 0013_province
Create Date: 2026-12-06 10:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_brand_kit"
down_revision = "0013_province"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "organisation",
        sa.Column("brand_kit", sa.JSON(), nullable=False, server_default=sa.text("'{}'")),
    )
    op.add_column(
        "mediaasset", sa.Column("alt_text", sa.Text(), nullable=False, server_default="")
    )


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN in place (SQLite >= 3.35), as the other downgrades: a
    # recreated table would be dropped while other tables' rows still refer to it.
    with op.batch_alter_table("mediaasset", recreate="never") as batch_op:
        batch_op.drop_column("alt_text")
    with op.batch_alter_table("organisation", recreate="never") as batch_op:
        batch_op.drop_column("brand_kit")
