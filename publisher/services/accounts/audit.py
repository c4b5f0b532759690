"""The append-only audit log (the database refuses UPDATE/DELETE on it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from publisher.dbraw import Raw
from publisher.models import AuditEvent
from publisher.services.accounts.actor import Actor
from publisher.timeutil import utcnow


@dataclass(frozen=True)
class Event:
    """One event of :func:`record_many`."""

    action: str
    object_type: str
    object_id: int | None
    org_id: int | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


_TABLE = AuditEvent.__table__.name  # type: ignore[attr-defined]


def _actor_fields(actor: Actor | str) -> tuple[str, int | None]:
    if isinstance(actor, Actor):
        return actor.label or f"role:{actor.role}", actor.user_id
    return actor, None


def record(
    session: Session,
    actor: Actor | str,
    action: str,
    object_type: str,
    object_id: int | None,
    *,
    org_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction (so it commits or rolls back with it)."""
    label, actor_id = _actor_fields(actor)
    event = AuditEvent(
        at=utcnow(),
        actor_id=actor_id,
        actor_label=label,
        org_id=org_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=_plain(before or {}),
        after=_plain(after or {}),
    )
    session.add(event)
    return event


def record_many(
    session: Session | Raw,
    actor: Actor | str,
    events: Sequence[Event],
    *,
    at: datetime | None = None,
) -> None:
    """Append many events by one actor in the caller's transaction, as one INSERT run per
    row on the DBAPI cursor (:mod:`publisher.dbraw`; no ORM objects: the engine's batches
    write hundreds per transaction)."""
    if not events:
        return
    label, actor_id = _actor_fields(actor)
    at = at or utcnow()
    raw = session if isinstance(session, Raw) else Raw(session.connection())
    js = raw.json_mark()
    raw.executemany(
        f"INSERT INTO {_TABLE} (at, actor_id, actor_label, org_id, action, object_type,"
        f' object_id, "before", "after") VALUES (?, ?, ?, ?, ?, ?, ?, {js}, {js})',
        [
            (
                at,
                actor_id,
                label,
                e.org_id,
                e.action,
                e.object_type,
                e.object_id,
                raw.json(_plain(e.before or {})),
                raw.json(_plain(e.after or {})),
            )
            for e in events
        ],
    )


def history(session: Session, object_type: str, object_id: int) -> list[AuditEvent]:
    stmt = (
        select(AuditEvent)
        .where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
        .order_by(col(AuditEvent.id))
    )
    return list(session.exec(stmt))


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if hasattr(value, "isoformat"):
            out[key] = value.isoformat()
        else:
            out[key] = value
    return out
