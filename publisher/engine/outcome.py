"""Recording an attempt's outcome: one transaction per delivery, audited, alerts raised."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlmodel import Session

from connectors.base import PublishResult
from publisher.engine.bulkhead import Opened
from publisher.engine.txn import write_scope
from publisher.models import Channel, Delivery, DeliveryStatus, Post
from publisher.services.accounts import alerts
from publisher.services.publishing import channels as channels_svc
from publisher.services.publishing import deliveries as deliveries_svc
from publisher.timeutil import utcnow

log = logging.getLogger(__name__)
D = DeliveryStatus
_CLEAR_LEASE = {"lease_owner": None, "lease_until": None}


def _owned(delivery: Delivery | None, owner: str) -> bool:
    return delivery is not None and delivery.status == D.SENDING and delivery.lease_owner == owner


def _params(session: Session, delivery: Delivery) -> dict[str, Any]:
    channel = session.get(Channel, delivery.channel_id)
    post = session.get(Post, delivery.post_id)
    return {
        "org_id": post.org_id if post else None,
        "channel": channel.name if channel else str(delivery.channel_id),
        "post_id": delivery.post_id,
        "delivery_id": delivery.id,
    }


def record_sent(
    delivery_id: int,
    owner: str,
    result: PublishResult | None,
    *,
    reason: str,
    external_id: str | None = None,
    url: str | None = None,
    error_kind: str | None = None,
) -> bool:
    """sending -> sent (also unconfirmed -> sent when our late answer proves it). Returns
    False if the delivery is no longer ours and not in a state a success may settle."""
    with write_scope() as session:
        delivery = session.get(Delivery, delivery_id)
        if delivery is None:
            return False
        if not _owned(delivery, owner) and delivery.status != D.UNCONFIRMED:
            log.warning(
                "delivery %s published but now %s (owner %s)",
                delivery_id,
                delivery.status,
                delivery.lease_owner,
            )
            return False
        deliveries_svc.transition(
            session,
            delivery,
            D.SENT,
            f"worker:{owner}",
            reason=reason,
            external_id=(result.external_id if result else external_id) or delivery.external_id,
            url=(result.url if result else url) or delivery.url,
            sent_at=utcnow(),
            error_kind=error_kind,
            last_error=None,
            **_CLEAR_LEASE,
        )
    return True


def record_retry(
    delivery_id: int,
    owner: str,
    at: datetime,
    *,
    error_kind: str | None,
    detail: str,
) -> bool:
    """sending -> pending, to be claimed again no earlier than ``at``."""
    with write_scope() as session:
        delivery = session.get(Delivery, delivery_id)
        if not _owned(delivery, owner):
            return False
        assert delivery is not None
        deliveries_svc.transition(
            session,
            delivery,
            D.PENDING,
            f"worker:{owner}",
            reason=detail,
            next_attempt_at=at,
            error_kind=error_kind,
            last_error=detail[:2000],
            **_CLEAR_LEASE,
        )
    return True


def record_unsent(delivery_id: int, owner: str, *, detail: str) -> bool:
    """sending -> pending at once, the attempt given back, for a delivery whose platform
    call never started (no pre-call mark, :mod:`publisher.engine.marker`). Its error kind is
    kept (an earlier ambiguous attempt is still looked up before re-sending). False if the
    row is not ours or carries a mark (then the call may have happened)."""
    with write_scope() as session:
        delivery = session.get(Delivery, delivery_id)
        if not _owned(delivery, owner):
            return False
        assert delivery is not None
        if delivery.request_started_at is not None:
            return False
        deliveries_svc.transition(
            session,
            delivery,
            D.PENDING,
            f"worker:{owner}",
            reason=detail,
            next_attempt_at=utcnow(),
            attempts=max(0, delivery.attempts - 1),
            last_error=detail[:2000],
            **_CLEAR_LEASE,
        )
    return True


def record_unconfirmed(
    delivery_id: int, owner: str, *, error_kind: str | None, detail: str
) -> bool:
    """sending -> unconfirmed + an alert asking an editor to check the platform."""
    return _settle(
        delivery_id,
        owner,
        D.UNCONFIRMED,
        error_kind=error_kind,
        detail=detail,
        alert=("unconfirmed", "alert.delivery_unconfirmed"),
    )


def record_failed(
    delivery_id: int,
    owner: str,
    *,
    error_kind: str | None,
    detail: str,
    flag: bool = False,
    message_key: str = "alert.delivery_failed",
) -> bool:
    """sending -> failed + an alert; ``flag`` also flags the channel's credentials."""
    return _settle(
        delivery_id,
        owner,
        D.FAILED,
        error_kind=error_kind,
        detail=detail,
        alert=("delivery_failed", message_key),
        flag=flag,
    )


def _settle(
    delivery_id: int,
    owner: str,
    to: str,
    *,
    error_kind: str | None,
    detail: str,
    alert: tuple[str, str],
    flag: bool = False,
) -> bool:
    """Move an owned ``sending`` delivery to a final state and raise its alert, in one
    transaction; False when the delivery is no longer ours (lease lost)."""
    with write_scope() as session:
        delivery = session.get(Delivery, delivery_id)
        if not _owned(delivery, owner):
            return False
        assert delivery is not None
        deliveries_svc.transition(
            session,
            delivery,
            to,
            f"worker:{owner}",
            reason=detail,
            error_kind=error_kind,
            last_error=detail[:2000],
            **_CLEAR_LEASE,
        )
        p = _params(session, delivery)
        if flag:
            channel = session.get(Channel, delivery.channel_id)
            assert channel is not None
            channels_svc.flag_channel(session, channel, detail, f"worker:{owner}")
        kind, message_key = alert
        alerts.raise_alert(
            session,
            kind,
            message_key,
            org_id=p.pop("org_id"),
            severity="error",
            object_type="delivery",
            object_id=delivery.id,
            detail=detail[:200],
            **p,
        )
    return True


def record_breaker_open(opened: Opened) -> None:
    """Alert: a channel's endpoint keeps failing or hanging, its deliveries are held back
    (still ``pending``, not failed) and one will probe it after ``cooldown`` seconds. One open
    alert per channel: a breaker opening again adds nothing until a person resolves it.
    (The worker's :class:`~publisher.engine.bulkhead.Guard` calls it.)"""
    channel_id, failures, cooldown = opened.channel_id, opened.failures, opened.cooldown
    with write_scope() as session:
        channel = session.get(Channel, channel_id)
        if channel is None:
            return
        alerts.raise_alert(
            session,
            "channel_breaker",
            "alert.channel_breaker_open",
            org_id=channel.org_id,
            object_type="channel",
            object_id=channel_id,
            channel=channel.name,
            failures=failures,
            seconds=round(cooldown),
        )
