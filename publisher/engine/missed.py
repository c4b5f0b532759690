"""Deliveries that fell due while no worker ran.

Within the grace (``settings.missed_grace_seconds``, 6 h by default) they are simply due and
the executors publish them at once. Beyond it they are marked ``missed`` and alerted: an
office must decide whether a post about 10/10 still makes sense on 11/10, the engine must not.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from publisher.engine.txn import write_scope
from publisher.models import Channel, Delivery, DeliveryStatus, Post
from publisher.services.accounts import alerts
from publisher.services.publishing import deliveries as deliveries_svc
from publisher.timeutil import fmt_local, utcnow

D = DeliveryStatus


def sweep_missed(owner: str, *, grace_seconds: float, limit: int = 500) -> int:
    """Mark never-attempted pending deliveries older than the grace as missed; returns how
    many. Each is audited and raises one alert. Raises database errors only."""
    now = utcnow()
    cutoff = now - timedelta(seconds=grace_seconds)
    count = 0
    with write_scope() as session:
        rows = session.exec(
            select(Delivery)
            .where(
                col(Delivery.status) == D.PENDING,
                col(Delivery.attempts) == 0,
                col(Delivery.due_at) < cutoff,
            )
            .order_by(col(Delivery.due_at))
            .limit(limit)
        ).all()
        for delivery in rows:
            late = now - delivery.due_at
            deliveries_svc.transition(
                session,
                delivery,
                D.MISSED,
                f"worker:{owner}",
                reason=f"due {delivery.due_at.isoformat()}, {int(late.total_seconds())} s ago; "
                f"grace {int(grace_seconds)} s",
            )
            post = session.get(Post, delivery.post_id)
            channel = session.get(Channel, delivery.channel_id)
            alerts.raise_alert(
                session,
                "missed",
                "alert.delivery_missed",
                org_id=post.org_id if post else None,
                severity="error",
                object_type="delivery",
                object_id=delivery.id,
                channel=channel.name if channel else str(delivery.channel_id),
                post_id=delivery.post_id,
                delivery_id=delivery.id,
                due=fmt_local(delivery.due_at),
                hours=round(grace_seconds / 3600, 1),
            )
            count += 1
    return count
