"""scrub credentials that leaked into rows before connectors.failures existed

Revision ID: 0010_scrub_leaked_tokens
Revises: 0009_stats_post
Create Date: 2026-12-06 07:30:00

Before every connector error went through :mod:`connectors.failures`, a client library's
error text (a Graph URL with ``access_token=``, a Bot API path with the bot token, an answer
echoing the request) was stored as it was: in ``channel.health_detail``, in alert
``params``, in ``delivery.last_error`` and in the audit log (``channel.flag`` events), and so
in every backup. This revision removes, from those columns of every row, each credential any
channel holds (decrypted from the vault with the configured secret key, in every encoding
the scrubber knows) and every token shape (``access_token=``, ``token=``, ``/bot<token>/``,
``Authorization:`` values, ``secret_key``, ``appsecret_proof``...).

The audit log is append-only: triggers refuse UPDATE and DELETE (and TRUNCATE on
PostgreSQL). Leaving a token in it would keep the secret in every future backup, so the
rows are scrubbed anyway, in a controlled way: inside this migration's single transaction
the UPDATE trigger is lifted (SQLite: dropped and re-created with the same definition;
PostgreSQL: ``ALTER TABLE ... DISABLE/ENABLE TRIGGER``, which also holds an exclusive lock
on the table so nothing else writes to it meanwhile), only the ``before``/``after`` values
that held a secret are rewritten (the replaced text reads ``[redacted]``), the trigger is
restored before the transaction ends, and an ``audit.scrub`` event recording which rows
were touched is appended. If anything fails, the whole transaction — trigger changes
included — rolls back. Nothing is deleted.

Without a secret key (or with one that does not open a channel's credentials) the exact
values of that channel cannot be known; the token shapes are still removed and a warning is
logged. Downgrading does nothing: removed secrets are not put back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op

from publisher.models import UTCDateTime
from publisher.timeutil import utcnow

revision = "0010_scrub_leaked_tokens"
down_revision = "0009_stats_post"
branch_labels = None
depends_on = None

log = logging.getLogger(__name__)
BATCH = 500

SQLITE_UPDATE_TRIGGER = (
    "CREATE TRIGGER auditevent_no_update BEFORE UPDATE ON auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END"
)


def upgrade() -> None:
    from connectors.failures import Scrubber

    bind = op.get_bind()
    scrub = Scrubber(_vault_secrets(bind))
    _scrub_text(bind, "channel", "health_detail", scrub)
    _scrub_text(bind, "delivery", "last_error", scrub)
    _scrub_json(bind, "alert", ("params",), scrub)
    changed = _scrub_audit(bind, scrub)
    if changed:
        log.warning("scrubbed leaked credentials from %d audit log rows", len(changed))


def downgrade() -> None:
    """Nothing to undo: scrubbed secrets are not restored."""


# -- secrets ----------------------------------------------------------------------------------
def _vault_secrets(bind: sa.Connection) -> list[str]:
    """Every credential value of every channel, decrypted with the configured key."""
    rows = bind.execute(
        sa.text("SELECT id, credentials_encrypted FROM channel WHERE credentials_encrypted <> ''")
    ).all()
    if not rows:
        return []
    from publisher.errors import PublisherError
    from publisher.security import decrypt_credentials, load_secret

    load_secret.cache_clear()
    if not load_secret():
        log.warning("no secret key: leaked credentials are removed by their shape only")
        return []
    values: list[str] = []
    for channel_id, encrypted in rows:
        try:
            credentials = decrypt_credentials(encrypted)
        except PublisherError:
            log.warning("channel %s: credentials do not open with this key", channel_id)
            continue
        values.extend(v for v in credentials.values() if isinstance(v, str) and v)
    return values


# -- columns ----------------------------------------------------------------------------------
def _pages(bind: sa.Connection, table: sa.TableClause, *columns: str) -> Any:
    """Rows of ``table`` (id + columns) in id order, a page at a time."""
    last = 0
    cols = [table.c.id, *(table.c[c] for c in columns)]
    while True:
        rows = bind.execute(
            sa.select(*cols).where(table.c.id > last).order_by(table.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def _scrub_text(
    bind: sa.Connection, name: str, column: str, scrub: Callable[[str], str]
) -> list[int]:
    table = sa.table(name, sa.column("id", sa.Integer), sa.column(column, sa.Text))
    changed: list[tuple[int, str]] = []
    for row_id, value in _pages(bind, table, column):
        if isinstance(value, str) and value:
            clean = scrub(value)
            if clean != value:
                changed.append((row_id, clean))
    for row_id, clean in changed:
        bind.execute(table.update().where(table.c.id == row_id).values({column: clean}))
    return [row_id for row_id, _ in changed]


def _clean(value: Any, scrub: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {k: _clean(v, scrub) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v, scrub) for v in value]
    return value


def _changed_json(
    bind: sa.Connection,
    table: sa.TableClause,
    columns: tuple[str, ...],
    scrub: Callable[[str], str],
) -> list[tuple[int, dict[str, Any]]]:
    changed: list[tuple[int, dict[str, Any]]] = []
    for row in _pages(bind, table, *columns):
        row_id, values = row[0], row[1:]
        updates = {
            column: _clean(value, scrub)
            for column, value in zip(columns, values, strict=True)
            if value is not None and _clean(value, scrub) != value
        }
        if updates:
            changed.append((row_id, updates))
    return changed


def _scrub_json(
    bind: sa.Connection, name: str, columns: tuple[str, ...], scrub: Callable[[str], str]
) -> list[int]:
    table = sa.table(name, sa.column("id", sa.Integer), *(sa.column(c, sa.JSON) for c in columns))
    changed = _changed_json(bind, table, columns, scrub)
    for row_id, updates in changed:
        bind.execute(table.update().where(table.c.id == row_id).values(updates))
    return [row_id for row_id, _ in changed]


def _scrub_audit(bind: sa.Connection, scrub: Callable[[str], str]) -> list[int]:
    table = sa.table(
        "auditevent",
        sa.column("id", sa.Integer),
        sa.column("at", UTCDateTime(timezone=True)),
        sa.column("actor_label", sa.String),
        sa.column("action", sa.String),
        sa.column("object_type", sa.String),
        sa.column("before", sa.JSON),
        sa.column("after", sa.JSON),
    )
    changed = _changed_json(bind, table, ("before", "after"), scrub)
    if not changed:
        return []
    dialect = bind.dialect.name
    # Lift the append-only guard for this transaction only (see the module docstring).
    if dialect == "sqlite":
        bind.execute(sa.text("DROP TRIGGER IF EXISTS auditevent_no_update"))
    elif dialect == "postgresql":
        bind.execute(sa.text("ALTER TABLE auditevent DISABLE TRIGGER auditevent_no_change"))
    for row_id, updates in changed:
        bind.execute(table.update().where(table.c.id == row_id).values(updates))
    if dialect == "sqlite":
        bind.execute(sa.text(SQLITE_UPDATE_TRIGGER))
    elif dialect == "postgresql":
        bind.execute(sa.text("ALTER TABLE auditevent ENABLE TRIGGER auditevent_no_change"))
    ids = [row_id for row_id, _ in changed]
    bind.execute(
        table.insert().values(
            at=utcnow(),
            actor_label=f"migration:{revision}",
            action="audit.scrub",
            object_type="auditevent",
            before={},
            after={"rows": ids, "reason": "leaked credentials replaced by [redacted]"},
        )
    )
    return ids
