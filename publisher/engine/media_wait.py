"""A claimed delivery whose media is not rendered yet: queue what is missing, put it back.

Called by the executor with :class:`publisher.engine.outgoing.MediaPending`. In one
transaction:

- the channel versions not queued yet are queued now (render jobs, idempotent, due at the
  delivery's time): the render queue is the only route by which media is fitted;
- within the missed-delivery grace the delivery goes back to ``pending`` (its attempt not
  counted, so the missed sweep still owns it past the grace), due again ``HOLD_SECONDS``
  later — or at once when the renders it waits for finished meanwhile. A render that
  finishes later makes it due at once
  (:func:`publisher.services.publishing.versions.wake_waiting`): the hold is only the
  longest wait between two looks;
- an alert names the renders it waits for, unless the only thing missing is what this hold
  has just queued (a post approved moments before its time: a normal, short wait);
- past the grace it fails: nothing is ever published with missing media.
"""

from __future__ import annotations

from datetime import timedelta

from publisher.config import get_settings
from publisher.db import session_scope
from publisher.engine.outgoing import MediaPending
from publisher.models import Channel, Delivery, DeliveryStatus, Post
from publisher.services.accounts import alerts
from publisher.services.publishing import deliveries as deliveries_svc
from publisher.services.statuses import MEDIA_WAITING as WAITING
from publisher.timeutil import fmt_local, utcnow

D = DeliveryStatus
#: The longest wait between two looks at a held delivery's media.
HOLD_SECONDS = 30.0


def hold_for_media(pending: MediaPending, owner: str, *, hold_seconds: float = HOLD_SECONDS) -> str:
    """Return a delivery we claimed to ``pending`` until its media is ready (or fail it past
    the grace); returns ``waiting_media``, ``failed`` or ``lost`` (not ours any more)."""
    # Imported here, not at start: the render stack is heavy and a plain post never needs it.
    from publisher.services.publishing import versions as prepare_svc

    now = utcnow()
    grace = timedelta(seconds=get_settings().missed_grace_seconds)
    with session_scope() as session:
        delivery = session.get(Delivery, pending.delivery_id)
        if delivery is None or delivery.status != D.SENDING or delivery.lease_owner != owner:
            return "lost"
        channel = session.get(Channel, delivery.channel_id)
        post = session.get(Post, delivery.post_id)
        name = channel.name if channel else str(delivery.channel_id)
        post_org = post.org_id if post is not None else None
        waiting = pending.waiting
        if now > delivery.due_at + grace:
            detail = f"media not ready: {waiting.labels('en')}"[:2000]
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
                **waiting.refs(),  # type: ignore[arg-type]
            )
            return D.FAILED
        queued_now: set[int] = set()
        due = now + timedelta(seconds=hold_seconds)
        if post is not None and channel is not None:
            queued_now = {
                j.id
                for j in prepare_svc.ensure_versions(
                    session, post, channel, deadline=delivery.due_at
                )
                if j.id is not None
            }
            state = prepare_svc.settled_media(session, post, channel)
            if isinstance(state, prepare_svc.NotReady):
                waiting = state
            else:
                due = now  # finished since the post was built: look again at once
        detail = f"media not ready: {waiting.labels('en')}"[:2000]
        deliveries_svc.transition(
            session,
            delivery,
            D.PENDING,
            f"worker:{owner}",
            reason=detail,
            # Not an attempt: nothing was sent. Keeps the missed sweep in charge after the grace.
            attempts=max(0, delivery.attempts - 1),
            next_attempt_at=due,
            error_kind=WAITING,
            last_error=detail,
            lease_owner=None,
            lease_until=None,
        )
        if due > now and (waiting.unqueued or not set(waiting.job_ids) <= queued_now):
            alerts.raise_alert(
                session,
                "media_not_ready",
                "renders.alert.media_not_ready",
                org_id=post_org,
                object_type="delivery",
                object_id=delivery.id,
                post=delivery.post_id,
                channel=name,
                **waiting.refs(),  # type: ignore[arg-type]
                until=fmt_local(delivery.due_at + grace),
            )
    return WAITING
