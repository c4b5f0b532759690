"""The append-only audit log (the database refuses UPDATE/DELETE on it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

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


#: Built once (the engine appends a batch per transaction).
_INSERT = insert(AuditEvent.__table__)  # type: ignore[attr-defined]


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
    session: Session,
    actor: Actor | str,
    events: Sequence[Event],
    *,
    at: datetime | None = None,
) -> None:
    """Append many events by one actor in the caller's transaction, as one multi-row INSERT
    (no ORM objects: the engine's batches write hundreds per transaction)."""
    if not events:
        return
    label, actor_id = _actor_fields(actor)
    at = at or utcnow()
    session.connection().execute(
        _INSERT,
        [
            {
                "at": at,
                "actor_id": actor_id,
                "actor_label": label,
                "org_id": e.org_id,
                "action": e.action,
                "object_type": e.object_type,
                "object_id": e.object_id,
                "before": _plain(e.before or {}),
                "after": _plain(e.after or {}),
            }
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
