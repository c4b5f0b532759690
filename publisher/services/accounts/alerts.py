"""Alerts: things a person must look at (failures, unconfirmed posts, tokens, reports due)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from publisher.errors import NotFound
from publisher.models import Alert
from publisher.services.accounts import audit
from publisher.services.accounts.actor import Actor
from publisher.timeutil import utcnow


def raise_alert(
    session: Session,
    kind: str,
    message_key: str,
    *,
    org_id: int | None = None,
    severity: str = "warning",
    object_type: str | None = None,
    object_id: int | None = None,
    dedupe: bool = True,
    **params: Any,
) -> Alert:
    """Add an alert in the caller's transaction; an identical open alert is not repeated."""
    if dedupe and object_type is not None:
        existing = session.exec(
            select(Alert).where(
                Alert.kind == kind,
                Alert.object_type == object_type,
                Alert.object_id == object_id,
                col(Alert.resolved_at).is_(None),
            )
        ).first()
        if existing is not None:
            return existing
    alert = Alert(
        org_id=org_id,
        kind=kind,
        severity=severity,
        message_key=message_key,
        params={k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in params.items()},
        object_type=object_type,
        object_id=object_id,
    )
    session.add(alert)
    session.flush()
    # The people the alert concerns, by Telegram and email, queued in this transaction.
    from publisher.services.accounts import notifications

    notifications.from_alert(session, alert)
    for hook in _hooks:
        hook(alert)
    return alert


#: Called with each new alert (the worker registers the admin Telegram notifier here).
_hooks: list[Any] = []


def add_hook(hook: Any) -> None:
    _hooks.append(hook)


def list_alerts(
    session: Session, actor: Actor, *, open_only: bool = True, limit: int = 200
) -> list[Alert]:
    actor.require("alert.view")
    stmt = select(Alert).order_by(col(Alert.id).desc()).limit(limit)
    if open_only:
        stmt = stmt.where(col(Alert.resolved_at).is_(None))
    if not actor.all_orgs:
        stmt = stmt.where(Alert.org_id == actor.org_id)
    return list(session.exec(stmt))


def resolve(session: Session, actor: Actor, alert_id: int) -> Alert:
    actor.require("alert.resolve")
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise NotFound("error.alert_not_found", id=alert_id)
    actor.require_org(alert.org_id)
    alert.resolved_at = utcnow()
    alert.resolved_by = actor.user_id
    session.add(alert)
    audit.record(session, actor, "alert.resolve", "alert", alert.id, org_id=alert.org_id)
    return alert


def open_objects(session: Session, kind: str, object_type: str) -> set[int]:
    """Ids of the objects of ``object_type`` with an open alert of ``kind``."""
    rows = session.exec(
        select(Alert.object_id).where(
            Alert.kind == kind,
            Alert.object_type == object_type,
            col(Alert.resolved_at).is_(None),
        )
    )
    return {i for i in rows if i is not None}


def resolve_open(
    session: Session,
    kind: str,
    *,
    object_type: str,
    object_id: int | None,
    actor: Actor | str,
) -> list[Alert]:
    """Resolve the open alerts of ``kind`` about one object because their cause ended by
    itself (a FAQ bot polls again): no person resolved them, so ``resolved_by`` stays empty;
    each is audited as ``alert.resolve`` by ``actor``. Returns them (none: nothing written)."""
    found = list(
        session.exec(
            select(Alert).where(
                Alert.kind == kind,
                Alert.object_type == object_type,
                Alert.object_id == object_id,
                col(Alert.resolved_at).is_(None),
            )
        )
    )
    for alert in found:
        alert.resolved_at = utcnow()
        session.add(alert)
        audit.record(
            session,
            actor,
            "alert.resolve",
            "alert",
            alert.id,
            org_id=alert.org_id,
            after={"automatic": True},
        )
    return found
