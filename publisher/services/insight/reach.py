"""Reach of the grassroots loudspeaker systems: which communes played which bulletin.

Two ways in, one record: an ``InboundEvent`` of kind ``played`` about the bulletin's
delivery, with the commune in its payload.

* A signed callback from the system: ``POST /inbound/<channel>`` with ``{"event":
  "played", "event_id", "delivery": <idempotency key or external id>, "commune": <slug>,
  "timestamp": <ms>}``, HMAC-signed with the channel's secret
  (:meth:`connectors.grassroots.GrassrootsConnector.verify_inbound`); a replay outside five
  minutes fails its signature check, inside it the unique event id stores it once.
* A manual confirmation by an officer (:func:`confirm_played`): idempotent per delivery and
  commune.

:func:`coverage` counts the communes (organisations of kind ``commune``) that played at
least one bulletin in a period, as a share of all communes: the «hệ thống thông tin cơ sở»
criterion towards the plan's 80% target.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from publisher.errors import InvalidInput, NotFound
from publisher.models import Channel, Delivery, DeliveryStatus, InboundEvent, Organisation, Post
from publisher.services.accounts import audit
from publisher.services.accounts.actor import Actor
from publisher.services.insight.periods import Period
from publisher.timeutil import utcnow

PLAYED = "played"
GRASSROOTS = "grassroots"
COMMUNE = "commune"


@dataclass(frozen=True)
class Coverage:
    reached: int
    communes: int

    @property
    def percent(self) -> float:
        return round(100.0 * self.reached / self.communes, 1) if self.communes else 0.0


def communes(session: Session) -> list[Organisation]:
    """Every commune-level unit, by name."""
    return list(
        session.exec(
            select(Organisation).where(Organisation.kind == COMMUNE).order_by(Organisation.name)
        )
    )


def bulletin_deliveries(session: Session, actor: Actor, limit: int = 50) -> list[dict[str, Any]]:
    """Sent deliveries to grassroots channels the actor sees, newest first, with the communes
    that confirmed playing each."""
    actor.require("post.view")
    stmt = (
        select(Delivery, Post, Channel)
        .join(Post, col(Post.id) == col(Delivery.post_id))
        .join(Channel, col(Channel.id) == col(Delivery.channel_id))
        .where(Channel.kind == GRASSROOTS, Delivery.status == DeliveryStatus.SENT)
        .order_by(col(Delivery.id).desc())
        .limit(limit)
    )
    if not actor.all_orgs:
        stmt = stmt.where(Post.org_id == actor.org_id)
    out = []
    for delivery, post, channel in session.exec(stmt):
        played = session.exec(
            select(InboundEvent).where(
                InboundEvent.delivery_id == delivery.id, InboundEvent.kind == PLAYED
            )
        ).all()
        out.append(
            {
                "delivery_id": delivery.id,
                "post_id": post.id,
                "title": post.title,
                "channel": channel.name,
                "sent_at": delivery.sent_at,
                "communes": sorted({str(e.payload.get("commune") or "") for e in played}),
            }
        )
    return out


def confirm_played(
    session: Session,
    actor: Actor,
    delivery_id: int,
    commune: str,
    *,
    at: datetime | None = None,
) -> bool:
    """Record that ``commune`` (a commune unit's slug) played the bulletin of delivery
    ``delivery_id``. Returns False when it was recorded already. Raises PermissionDenied,
    NotFound (delivery, commune), InvalidInput (not a sent grassroots bulletin)."""
    actor.require("reach.confirm")
    delivery = session.get(Delivery, delivery_id)
    post = session.get(Post, delivery.post_id) if delivery else None
    if delivery is None or post is None or not actor.sees(post.org_id):
        raise NotFound("error.delivery_not_found", id=delivery_id)
    channel = session.get(Channel, delivery.channel_id)
    if channel is None or channel.kind != GRASSROOTS or delivery.status != DeliveryStatus.SENT:
        raise InvalidInput("error.reach_not_bulletin", id=delivery_id)
    unit = session.exec(
        select(Organisation).where(Organisation.slug == commune, Organisation.kind == COMMUNE)
    ).first()
    if unit is None:
        raise InvalidInput("error.reach_commune")
    event_id = f"{channel.id}:manual:{delivery_id}:{unit.slug}"
    if session.exec(select(InboundEvent).where(InboundEvent.event_id == event_id)).first():
        return False
    now = utcnow()
    session.add(
        InboundEvent(
            event_id=event_id,
            channel_id=channel.id,
            delivery_id=delivery_id,
            kind=PLAYED,
            occurred_at=at or now,
            received_at=now,
            payload={"commune": unit.slug, "manual": True, "by": actor.label},
        )
    )
    session.flush()
    audit.record(
        session,
        actor,
        "reach.played",
        "delivery",
        delivery_id,
        org_id=post.org_id,
        after={"commune": unit.slug},
    )
    return True


def coverage(session: Session, period: Period, units: Sequence[int] | None = None) -> Coverage:
    """Communes that played a bulletin in ``period`` out of all communes (``units``: only
    these organisations count, as reached and as communes)."""
    all_communes = communes(session)
    if units is not None:
        allowed = set(units)
        all_communes = [c for c in all_communes if c.id in allowed]
    slugs = {c.slug for c in all_communes}
    played = session.exec(
        select(InboundEvent.payload).where(
            InboundEvent.kind == PLAYED,
            col(InboundEvent.occurred_at) >= period.start_utc,
            col(InboundEvent.occurred_at) < period.end_utc,
        )
    ).all()
    reached = {str(p.get("commune") or "") for p in played if isinstance(p, dict)} & slugs
    return Coverage(len(reached), len(slugs))


def played_count(session: Session, since: datetime) -> int:
    """Played confirmations since ``since`` (health and statistics)."""
    return int(
        session.exec(
            select(func.count())
            .select_from(InboundEvent)
            .where(InboundEvent.kind == PLAYED, col(InboundEvent.occurred_at) >= since)
        ).one()
    )
