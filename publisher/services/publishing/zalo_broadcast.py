"""Broadcasts to followers decided when a delivery is claimed, not discovered by failing.

A connector that can broadcast (``connector.broadcasts()`` is true: a Zalo OA channel with
``broadcast`` on) gets, before it publishes, ``metadata["zalo_broadcast"]``: ``True`` (send)
or the catalogue key of the reason it must not (``zalo.broadcast.night``, ``.today``,
``.month``). The rules, on the injected clock, in Vietnam time:

* nothing from 22:00 to 06:00 (Zalo refuses promotional sends then: -234);
* at most one broadcast a day per channel (one row per channel and day: a unique key, so two
  executors cannot both take the day);
* at most the package's monthly count (basic 1, advanced 4, premium 6).

A reservation row (:class:`publisher.models.ZaloBroadcast`) is written in the claim's
transaction of this step, before anything is sent; :func:`settle` records what happened:
``sent`` (with the message id) and ``unknown`` (a timeout: never resent) keep counting, a
broadcast that was not sent frees its day. A worker killed after the reservation leaves it
``reserved``: it keeps counting (a broadcast may have gone out), which errs on the side of
never sending two.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from connectors.base import Connector, OutgoingPost, PublishResult
from publisher.db import session_scope
from publisher.models import ZaloBroadcast
from publisher.timeutil import get_clock

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NIGHT_START, NIGHT_END = 22, 6
MONTHLY = {"basic": 1, "advanced": 4, "premium": 6}
#: Statuses that count against the day and the month.
COUNTING = ("reserved", "sent", "unknown")


def broadcasts(connector: Connector) -> bool:
    """Whether the connector will broadcast after publishing (a Zalo OA with broadcast on)."""
    wants = getattr(connector, "broadcasts", None)
    return bool(callable(wants) and wants())


def reason_now(
    session: Session, channel_id: int, package: str, now: datetime, delivery_id: int
) -> str | None:
    """Why a broadcast may not be sent at ``now`` (a catalogue key), or None."""
    local = now.astimezone(VN)
    if local.hour >= NIGHT_START or local.hour < NIGHT_END:
        return "zalo.broadcast.night"
    rows = list(
        session.exec(
            select(ZaloBroadcast).where(
                ZaloBroadcast.channel_id == channel_id,
                col(ZaloBroadcast.status).in_(COUNTING),
                ZaloBroadcast.delivery_id != delivery_id,
            )
        )
    )
    if any(r.day == local.date() for r in rows):
        return "zalo.broadcast.today"
    month = sum(1 for r in rows if (r.day.year, r.day.month) == (local.year, local.month))
    if month >= MONTHLY.get(package, 1):
        return "zalo.broadcast.month"
    return None


def reserve(
    outgoing: OutgoingPost, connector: Connector, *, delivery_id: int, channel_id: int
) -> OutgoingPost:
    """``outgoing`` with the broadcast decision in its metadata (unchanged for a connector
    that does not broadcast). Writes the reservation when allowed. Raises database errors."""
    if not broadcasts(connector):
        return outgoing
    package = str(connector.config.settings.get("package") or "basic")
    now = get_clock().now()
    decision: Any
    try:
        with session_scope() as session:
            mine = session.exec(
                select(ZaloBroadcast).where(ZaloBroadcast.delivery_id == delivery_id)
            ).first()
            if mine is not None and mine.status != "reserved":
                decision = "zalo.broadcast.unknown"  # this delivery broadcast already
            else:
                decision = reason_now(session, channel_id, package, now, delivery_id) or True
                if decision is True and mine is None:
                    session.add(
                        ZaloBroadcast(
                            channel_id=channel_id,
                            delivery_id=delivery_id,
                            day=now.astimezone(VN).date(),
                        )
                    )
                    session.flush()
    except IntegrityError:  # another executor took the day between our read and write
        decision = "zalo.broadcast.today"
    return replace(outgoing, metadata={**outgoing.metadata, "zalo_broadcast": decision})


def settle(delivery_id: int, result: PublishResult | None) -> str | None:
    """Record what the publish did with the broadcast; returns its status (or None when
    nothing was reserved). A broadcast that was not sent tells the unit why (an alert with
    the reason's one line). Raises database errors."""
    broadcast = (result.raw.get("broadcast") if result is not None else None) or {}
    status = str(broadcast.get("status") or "")
    if status in ("skipped", "failed", "unknown"):
        _tell(delivery_id, status, str(broadcast.get("reason") or ""))
    with session_scope() as session:
        row = session.exec(
            select(ZaloBroadcast).where(ZaloBroadcast.delivery_id == delivery_id)
        ).first()
        if row is None or row.status != "reserved":
            return row.status if row is not None else None
        if status in ("sent", "unknown"):
            row.status = status
            row.message_id = str(broadcast.get("message_id") or "") or None
            session.add(row)
            return status
        session.delete(row)  # not sent: the day and the month are free again
    return None


def _tell(delivery_id: int, status: str, reason: str) -> None:
    """An alert on the delivery: why its article went out without a broadcast."""
    from publisher.i18n import catalogue
    from publisher.models import Channel, Delivery
    from publisher.services.accounts import alerts

    key = reason if reason in catalogue() else "zalo.broadcast.failed"
    if status == "unknown":
        key = "zalo.broadcast.unknown"
    with session_scope() as session:
        delivery = session.get(Delivery, delivery_id)
        channel = session.get(Channel, delivery.channel_id) if delivery else None
        if delivery is None or channel is None:
            return
        alerts.raise_alert(
            session,
            "broadcast",
            key,
            org_id=channel.org_id,
            severity="info" if status == "skipped" else "warning",
            object_type="delivery",
            object_id=delivery_id,
            channel=channel.name,
        )


def count(session: Session, channel_id: int) -> int:
    """Broadcasts of a channel that count (statistics)."""
    return int(
        session.exec(
            select(func.count())
            .select_from(ZaloBroadcast)
            .where(ZaloBroadcast.channel_id == channel_id, col(ZaloBroadcast.status).in_(COUNTING))
        ).one()
    )


def outcomes(session: Session, actor: Any, delivery_ids: list[int]) -> dict[int, tuple[str, str]]:
    """What happened to the broadcast of each of these deliveries that has one, for the
    deliveries page: ``(status, catalogue key)`` — ``sent``/``unknown``/``reserved`` from
    the reservation, or ``not_sent`` with the reason its alert gave (night, today, month,
    OA not verified, a failure). Deliveries of other organisations are left out. Raises
    PermissionDenied without ``post.view``."""
    from publisher.models import Alert, Channel, Delivery

    actor.require("post.view")
    if not delivery_ids:
        return {}
    visible = select(Delivery.id).join(Channel, col(Channel.id) == Delivery.channel_id)
    visible = visible.where(col(Delivery.id).in_(delivery_ids))
    if not actor.all_orgs:
        visible = visible.where(Channel.org_id == actor.org_id)
    ids = set(session.exec(visible))
    out: dict[int, tuple[str, str]] = {}
    for alert in session.exec(
        select(Alert).where(
            Alert.kind == "broadcast",
            Alert.object_type == "delivery",
            col(Alert.object_id).in_(ids),
        )
    ):
        out[int(alert.object_id or 0)] = ("not_sent", alert.message_key)
    for row in session.exec(select(ZaloBroadcast).where(col(ZaloBroadcast.delivery_id).in_(ids))):
        out[row.delivery_id] = (row.status, f"zalo.broadcast.result.{row.status}")
    return out
