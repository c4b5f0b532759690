"""A channel whose credentials fail: flagged, audited once, its unit alerted.

Its own module so that what refreshes tokens (:mod:`publisher.services.publishing.zalo_tokens`)
can flag a channel without importing :mod:`publisher.services.publishing.channels`, which
installs the token keepers.
"""

from __future__ import annotations

from sqlmodel import Session

from publisher.models import Channel, ChannelHealth
from publisher.services.accounts import alerts, audit
from publisher.services.accounts.actor import Actor
from publisher.timeutil import utcnow

__all__ = ["flag_channel"]


def flag_channel(session: Session, channel: Channel, detail: str, actor: Actor | str) -> None:
    """Mark a channel's credentials as failing (auth error) and alert its organisation."""
    already = channel.health == ChannelHealth.FLAGGED
    channel.health = ChannelHealth.FLAGGED
    channel.health_detail = detail[:500]
    channel.flagged_at = utcnow()
    session.add(channel)
    if not already:
        audit.record(
            session,
            actor,
            "channel.flag",
            "channel",
            channel.id,
            org_id=channel.org_id,
            after={"detail": detail[:500]},
        )
        alerts.raise_alert(
            session,
            "auth",
            "alert.channel_auth",
            org_id=channel.org_id,
            severity="error",
            object_type="channel",
            object_id=channel.id,
            channel=channel.name,
            detail=detail[:200],
        )
