"""render jobs: one job per (organisation, recipe)

Revision ID: 0003_renders
Revises: 0002_stats
Create Date: 2026-11-28 16:15:00
"""

from __future__ import annotations

from alembic import op

revision = "0003_renders"
down_revision = "0002_stats"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Enqueueing the same recipe twice (a re-run plan, two executors' sweeps) must find the
    # existing job; the constraint makes that hold even for concurrent enqueuers.
    with op.batch_alter_table("renderjob", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_renderjob_org_recipe", ["org_id", "recipe_hash"])


def downgrade() -> None:
    with op.batch_alter_table("renderjob", schema=None) as batch_op:
        batch_op.drop_constraint("uq_renderjob_org_recipe", type_="unique")
