"""The append-only audit log (the database refuses UPDATE/DELETE on it)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from publisher.models import AuditEvent
from publisher.services.actor import Actor
from publisher.timeutil import utcnow


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
    if isinstance(actor, Actor):
        label, actor_id = actor.label or f"role:{actor.role}", actor.user_id
    else:
        label, actor_id = actor, None
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
