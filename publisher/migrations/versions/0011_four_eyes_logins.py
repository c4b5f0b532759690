"""post.content_by/content_label/content_at (four eyes) and loginthrottle (per user and source)

Revision ID: 0011_four_eyes_logins
Revises: 0010_scrub_leaked_tokens
Create Date: 2026-12-06 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import publisher.models

revision = "0011_four_eyes_logins"
down_revision = "0010_scrub_leaked_tokens"
branch_labels = None
depends_on = None

_LATEST_CONTENT_EVENT = (
    "SELECT a.{field} FROM auditevent a WHERE a.object_type = 'post' "
    "AND a.object_id = post.id AND a.action IN ('post.create', 'post.update') "
    "ORDER BY a.id DESC LIMIT 1"
)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    # SQLite: no foreign key on the new column (adding or dropping one would rebuild the post
    # table, which the other tables' foreign keys refuse); PostgreSQL gets it.
    op.add_column("post", sa.Column("content_by", sa.Integer(), nullable=True))
    if not sqlite:
        op.create_foreign_key("post_content_by_fkey", "post", "user", ["content_by"], ["id"])
    op.add_column(
        "post",
        sa.Column("content_label", sa.String(length=120), nullable=False, server_default=""),
    )
    op.add_column(
        "post",
        sa.Column("content_at", publisher.models.UTCDateTime(timezone=True), nullable=True),
    )
    # Backfill: the last create/update in the audit log wrote the content (an older update
    # may only have moved the time; counting it refuses an approval rather than allowing one).
    op.execute(
        "UPDATE post SET "
        f"content_by = ({_LATEST_CONTENT_EVENT.format(field='actor_id')}), "
        f"content_label = COALESCE(({_LATEST_CONTENT_EVENT.format(field='actor_label')}), ''), "
        f"content_at = ({_LATEST_CONTENT_EVENT.format(field='at')})"
    )
    # No event (a database older than its audit log): the author wrote it.
    op.execute(
        "UPDATE post SET content_by = author_id, content_at = created_at, content_label = "
        "COALESCE((SELECT 'user:' || u.username FROM \"user\" u WHERE u.id = post.author_id), '') "
        "WHERE content_at IS NULL"
    )

    op.create_table(
        "loginthrottle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("source", sa.String(length=120), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("blocked_until", publisher.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_failed_at", publisher.models.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username", "source"),
    )
    op.create_index("ix_loginthrottle_last_failed_at", "loginthrottle", ["last_failed_at"])


def downgrade() -> None:
    op.drop_index("ix_loginthrottle_last_failed_at", table_name="loginthrottle")
    op.drop_table("loginthrottle")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("post_content_by_fkey", "post", type_="foreignkey")
    with op.batch_alter_table("post", recreate="never") as batch_op:
        batch_op.drop_column("content_at")
        batch_op.drop_column("content_label")
        batch_op.drop_column("content_by")
