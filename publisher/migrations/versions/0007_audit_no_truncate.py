"""audit log: PostgreSQL refuses TRUNCATE of auditevent too (statement trigger)

Revision ID: 0007_audit_no_truncate
Revises: 0006_stats_kind_day
Create Date: 2026-11-29 10:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0007_audit_no_truncate"
down_revision = "0006_stats_kind_day"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Row triggers (0001) do not fire on TRUNCATE. SQLite has no TRUNCATE: its
    # "DELETE FROM auditevent" (the truncate optimisation) still fires the DELETE trigger.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER auditevent_no_truncate BEFORE TRUNCATE ON auditevent "
            "FOR EACH STATEMENT EXECUTE FUNCTION auditevent_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS auditevent_no_truncate ON auditevent")
