"""A claimed delivery whose media is not rendered yet: put it back, and alert.

Called by the executor when :func:`publisher.services.studio.versions.ready_media` raises
:class:`MediaNotReady`. Within the missed-delivery grace the delivery goes back to
``pending`` (its attempt not counted, so the missed sweep still owns it past the grace) and is
looked at again ``HOLD_SECONDS`` later; an alert names the renders it waits for. Past the
grace it fails: nothing is ever published with missing media.
"""

from __future__ import annotations

from datetime import timedelta

from publisher.config import get_settings
from publisher.db import session_scope
from publisher.models import Channel, Delivery, DeliveryStatus, Post
from publisher.services.accounts import alerts
from publisher.services.publishing import deliveries as deliveries_svc
from publisher.services.studio.versions import MediaNotReady
from publisher.timeutil import fmt_local, utcnow

D = DeliveryStatus
HOLD_SECONDS = 30.0
WAITING = "waiting_media"


def hold_for_media(
    delivery_id: int, owner: str, exc: MediaNotReady, *, hold_seconds: float = HOLD_SECONDS
) -> str:
    """Return a delivery we claimed to ``pending`` until its media is ready (or fail it past
    the grace); returns ``waiting_media``, ``failed`` or ``lost`` (not ours any more)."""
    now = utcnow()
    grace = timedelta(seconds=get_settings().missed_grace_seconds)
    with session_scope() as session:
        delivery = session.get(Delivery, delivery_id)
        if delivery is None or delivery.status != D.SENDING or delivery.lease_owner != owner:
            return "lost"
        channel = session.get(Channel, delivery.channel_id)
        name = channel.name if channel else str(delivery.channel_id)
        refs = exc.refs()
        detail = f"media not ready: {exc.labels('en')}"[:2000]
        post = session.get(Post, delivery.post_id)
        post_org = post.org_id if post is not None else None
        if now > delivery.due_at + grace:
            deliveries_svc.transition(
                session,
                delivery,
                D.FAILED,
                f"worker:{owner}",
                reason=detail,
                error_kind="media",
                last_error=detail,
                lease_owner=None,
                lease_until=None,
            )
            alerts.raise_alert(
                session,
                "media_not_ready",
                "renders.alert.media_gave_up",
                org_id=post_org,
                severity="error",
                object_type="delivery",
                object_id=delivery.id,
                dedupe=False,
                post=delivery.post_id,
                channel=name,
                **refs,  # type: ignore[arg-type]
            )
            return D.FAILED
        deliveries_svc.transition(
            session,
            delivery,
            D.PENDING,
            f"worker:{owner}",
            reason=detail,
            # Not an attempt: nothing was sent. Keeps the missed sweep in charge after the grace.
            attempts=max(0, delivery.attempts - 1),
            next_attempt_at=now + timedelta(seconds=hold_seconds),
            error_kind=WAITING,
            last_error=detail,
            lease_owner=None,
            lease_until=None,
        )
        alerts.raise_alert(
            session,
            "media_not_ready",
            "renders.alert.media_not_ready",
            org_id=post_org,
            object_type="delivery",
            object_id=delivery.id,
            post=delivery.post_id,
            channel=name,
            **refs,  # type: ignore[arg-type]
            until=fmt_local(delivery.due_at + grace),
        )
    return WAITING
