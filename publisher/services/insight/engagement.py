"""Engagement collection: one snapshot per published delivery per run.

The worker calls :func:`collect_all` periodically (and ``publisher stats collect`` by hand).
Each channel is collected on its own: network calls happen outside any transaction, then the
channel's snapshots are written in one short transaction. One channel failing (expired token,
platform down) is recorded in the result and never stops the others.

Where figures come from is the connector's ``engagement`` (:mod:`connectors.settings`):

* ``FETCH``: ``connector.fetch_metrics(external_id)`` per post (Facebook: object fields and
  the ``post_media_view`` insights metric; a metric the API rejects is in ``unavailable``).
* ``POLL``: ``connector.poll_metrics(state, external_ids)`` with its state kept in the
  ``engagement.<kind>.<channel id>`` key (Telegram: reaction totals from
  ``message_reaction_count`` updates; views are never available to bots).
* ``INBOUND``: counts of the signed inbound events received by the API service (webhooks).
* Every kind: clicks on the delivery's tracked links.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from connectors.base import Metrics
from connectors.errors import ConnectorError
from connectors.settings import INBOUND, POLL
from publisher.db import get_engine, session_scope
from publisher.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    EngagementLatest,
    EngagementPost,
    EngagementSnapshot,
    InboundEvent,
    KeyValue,
    MediaAsset,
    Post,
    PostMedia,
    TrackedLink,
)
from publisher.services.accounts.actor import Actor
from publisher.services.publishing import channels as channels_svc
from publisher.timeutil import Clock, get_clock, to_local

log = logging.getLogger(__name__)

COUNTERS = ("reactions", "comments", "shares", "views", "clicks")
CONTENT_TYPES = ("text", "image", "video")
#: Deliveries older than this are no longer collected (their figures have settled).
DEFAULT_MAX_AGE = timedelta(days=120)
#: Inbound event kinds and the counter each one feeds.
INBOUND_COUNTERS = {"reaction": "reactions", "seen": "views", "click": "clicks"}


@dataclass
class ChannelOutcome:
    channel: str
    kind: str
    collected: int = 0
    failed: int = 0
    error: str | None = None


@dataclass
class CollectionResult:
    """What one :func:`collect_all` run did."""

    collected_at: datetime
    snapshots: int = 0
    channels: list[ChannelOutcome] = field(default_factory=list)

    @property
    def failed_channels(self) -> list[ChannelOutcome]:
        return [c for c in self.channels if c.error]

    def as_dict(self) -> dict[str, Any]:
        return {
            "collected_at": self.collected_at.isoformat(),
            "snapshots": self.snapshots,
            "channels": [c.__dict__ for c in self.channels],
        }


def collect_all(
    *,
    engine: Engine | None = None,
    clock: Clock | None = None,
    max_age: timedelta = DEFAULT_MAX_AGE,
    channel_ids: Iterable[int] | None = None,
    timeout: float = 20.0,
    progress: Callable[[int, int, str], None] | None = None,
) -> CollectionResult:
    """Collect engagement for every sent delivery younger than ``max_age``; returns a summary.

    Safe to call from a scheduler job (it opens its own sessions) and safe to run twice: a
    second snapshot at the same ``collected_at`` is ignored. Raises only for database errors;
    platform failures are recorded per channel in the result.
    """
    engine = engine or get_engine()
    now = (clock or get_clock()).now().replace(microsecond=0)
    result = CollectionResult(collected_at=now)
    with session_scope(engine) as session:
        sync_facts(session)  # sent deliveries the engine did not report yet
    with session_scope(engine) as session:
        stmt = (
            select(Delivery, Channel)
            .join(Channel, col(Channel.id) == Delivery.channel_id)
            .where(
                Delivery.status == DeliveryStatus.SENT,
                col(Delivery.external_id).is_not(None),
                col(Delivery.sent_at) >= now - max_age,
                col(Channel.enabled).is_(True),
            )
            .order_by(col(Delivery.channel_id), col(Delivery.id))
        )
        if channel_ids is not None:
            stmt = stmt.where(col(Delivery.channel_id).in_(list(channel_ids)))
        grouped: dict[int, tuple[Channel, list[Delivery]]] = {}
        for delivery, channel in session.exec(stmt):
            assert channel.id is not None
            grouped.setdefault(channel.id, (channel, []))[1].append(delivery)
    for done, (channel, deliveries) in enumerate(grouped.values()):
        if progress is not None:
            progress(done, len(grouped), channel.name)
        outcome = ChannelOutcome(channel.name, channel.kind)
        result.channels.append(outcome)
        try:
            metrics = _fetch_channel(engine, channel, deliveries, outcome, timeout)
            with session_scope(engine) as session:
                clicks = click_counts(session, [d.id for d in deliveries if d.id])
                for delivery_id, m in metrics.items():
                    m = _with_clicks(m, clicks.get(delivery_id))
                    if record_snapshot(session, delivery_id, m, now):
                        result.snapshots += 1
                    outcome.collected += 1
        except ConnectorError as exc:
            outcome.error = f"{type(exc).__name__}: {exc}"
            log.warning("engagement collection failed for %s: %s", channel.name, exc)
        except Exception as exc:  # one channel's surprise must not stop the others
            outcome.error = f"{type(exc).__name__}: {exc}"
            log.exception("engagement collection failed for %s", channel.name)
    if progress is not None:
        progress(len(grouped), len(grouped), "")
    return result


def collect_now(
    actor: Actor,
    *,
    progress: Callable[[int, int, str], None] | None = None,
    engine: Engine | None = None,
    clock: Clock | None = None,
) -> CollectionResult:
    """«Thu thập ngay»: collect the channels of the units ``actor`` reads now, reporting
    ``progress(done, total, channel)`` before each channel. Raises PermissionDenied."""
    from publisher.services.accounts import orgs

    actor.require("stats.view")
    with session_scope(engine or get_engine()) as session:
        readable = orgs.readable_org_ids(session, actor)
        stmt = select(Channel.id)
        if readable is not None:
            stmt = stmt.where(col(Channel.org_id).in_(readable))
        ids = [int(i) for i in session.exec(stmt) if i is not None]
    return collect_all(engine=engine, clock=clock, channel_ids=ids, progress=progress)


def sync_clicks(session: Session) -> int:
    """Count clicks on tracked links in the statistics at once (the scheduler runs this every
    minute), without waiting for the next collection: a delivery whose tracked clicks
    exceed its figure gets them. Returns how many statistics rows changed."""
    tracked = (
        sa_select(
            col(TrackedLink.delivery_id).label("delivery_id"),
            func.sum(col(TrackedLink.clicks)).label("clicks"),
        )
        .where(col(TrackedLink.delivery_id).is_not(None), col(TrackedLink.clicks) > 0)
        .group_by(col(TrackedLink.delivery_id))
        .subquery()
    )
    rows = session.execute(
        sa_select(EngagementLatest, tracked.c.clicks)
        .join(tracked, tracked.c.delivery_id == EngagementLatest.delivery_id)
        .where(func.coalesce(EngagementLatest.clicks, 0) < tracked.c.clicks)
    ).all()
    posts: set[int] = set()
    for latest, clicks in rows:
        latest.clicks = int(clicks)
        session.add(latest)
        if latest.post_id is not None:
            posts.add(latest.post_id)
    session.flush()
    if posts:
        refresh_posts(session, sorted(posts))
    return len(rows)


def _fetch_channel(
    engine: Engine,
    channel: Channel,
    deliveries: list[Delivery],
    outcome: ChannelOutcome,
    timeout: float,
) -> dict[int, Metrics]:
    mode = channels_svc.connector_class(channel.kind).engagement
    if mode == POLL:
        return _polled_metrics(engine, channel, deliveries, timeout)
    if mode == INBOUND:
        with session_scope(engine, readonly=True) as session:
            return inbound_metrics(session, [d.id for d in deliveries if d.id])
    connector = channels_svc.make_connector(channel, timeout=timeout)
    out: dict[int, Metrics] = {}
    first_error: ConnectorError | None = None
    for delivery in deliveries:
        assert delivery.id is not None and delivery.external_id
        try:
            out[delivery.id] = connector.fetch_metrics(delivery.external_id)
        except ConnectorError as exc:
            # A deleted post fails alone; the same error on every post means the channel is
            # broken (token revoked), reported once by the caller.
            outcome.failed += 1
            first_error = first_error or exc
    if not out and first_error is not None:
        raise first_error
    if first_error is not None:
        outcome.error = f"{type(first_error).__name__}: {first_error}"
    return out


def _polled_metrics(
    engine: Engine, channel: Channel, deliveries: list[Delivery], timeout: float
) -> dict[int, Metrics]:
    """A POLL connector's counters, its cursor kept between runs."""
    key = f"engagement.{channel.kind}.{channel.id}"
    with session_scope(engine, readonly=True) as session:
        stored = session.get(KeyValue, key)
        state: dict[str, Any] = dict(stored.value) if stored else {}
    external_ids = [d.external_id for d in deliveries if d.id and d.external_id]
    connector = channels_svc.make_connector(channel, timeout=timeout)
    new_state, by_external = connector.poll_metrics(state, external_ids)
    with session_scope(engine) as session:
        row = session.get(KeyValue, key) or KeyValue(key=key, value={})
        row.value = new_state
        session.add(row)
    out: dict[int, Metrics] = {}
    for delivery in deliveries:
        assert delivery.id is not None and delivery.external_id
        if delivery.external_id in by_external:
            out[delivery.id] = by_external[delivery.external_id]
    return out


def inbound_metrics(session: Session, delivery_ids: list[int]) -> dict[int, Metrics]:
    """Counters of webhook deliveries from the signed events received so far."""
    rows = session.exec(
        select(InboundEvent.delivery_id, InboundEvent.kind, func.count())
        .where(col(InboundEvent.delivery_id).in_(delivery_ids))
        .group_by(col(InboundEvent.delivery_id), col(InboundEvent.kind))
    ).all()
    per: dict[int, dict[str, int]] = {i: {} for i in delivery_ids}
    for delivery_id, kind, count in rows:
        counter = INBOUND_COUNTERS.get(kind)
        if delivery_id is not None and counter:
            per[delivery_id][counter] = per[delivery_id].get(counter, 0) + int(count)
    out = {}
    for delivery_id, counts in per.items():
        out[delivery_id] = Metrics(
            reactions=counts.get("reactions", 0),
            views=counts.get("views", 0),
            clicks=counts.get("clicks"),
            unavailable=("comments", "shares"),
        )
    return out


def click_counts(session: Session, delivery_ids: list[int]) -> dict[int, int]:
    """Clicks on tracked links per delivery (deliveries without a tracked link are absent)."""
    if not delivery_ids:
        return {}
    rows = session.exec(
        select(TrackedLink.delivery_id, func.sum(TrackedLink.clicks))
        .where(col(TrackedLink.delivery_id).in_(delivery_ids))
        .group_by(col(TrackedLink.delivery_id))
    ).all()
    return {int(d): int(c or 0) for d, c in rows if d is not None}


def _with_clicks(metrics: Metrics, tracked: int | None) -> Metrics:
    if tracked is None:
        return metrics
    inbound = metrics.clicks or 0
    unavailable = tuple(u for u in metrics.unavailable if u != "clicks")
    return Metrics(
        reactions=metrics.reactions,
        comments=metrics.comments,
        shares=metrics.shares,
        views=metrics.views,
        clicks=tracked + inbound,
        unavailable=unavailable,
        raw=metrics.raw,
    )


def _fact_dimensions(session: Session, delivery_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Statistics dimensions of sent deliveries (organisation, channel, campaign, type)."""
    rank = func.max(
        case((col(MediaAsset.kind) == "video", 2), (col(MediaAsset.kind) == "image", 1), else_=0)
    )
    rows = session.execute(
        sa_select(
            col(Delivery.id),
            col(Delivery.sent_at),
            col(Delivery.channel_id),
            col(Delivery.post_id),
            col(Post.org_id),
            col(Post.campaign_id),
            col(Post.campaign_year),
            col(Channel.kind),
        )
        .join(Post, col(Post.id) == Delivery.post_id)
        .join(Channel, col(Channel.id) == Delivery.channel_id)
        .where(col(Delivery.id).in_(delivery_ids))
    ).all()
    post_ids = list({r[3] for r in rows})
    ranks = (
        dict(
            session.execute(
                sa_select(col(PostMedia.post_id), rank)
                .join(MediaAsset, col(MediaAsset.id) == PostMedia.asset_id)
                .where(col(PostMedia.post_id).in_(post_ids))
                .group_by(col(PostMedia.post_id))
            ).all()
        )
        if post_ids
        else {}
    )
    out = {}
    for d_id, sent_at, channel_id, post_id, org_id, campaign_id, year, kind in rows:
        out[d_id] = {
            "sent_at": sent_at,
            "local_day": to_local(sent_at).date() if sent_at else None,
            "channel_id": channel_id,
            "post_id": post_id,
            "org_id": org_id,
            "campaign_id": campaign_id,
            "campaign_year": year,
            "kind": kind,
            "content_type": CONTENT_TYPES[int(ranks.get(post_id) or 0)],
        }
    return out


def delivery_sent(session: Session, delivery_id: int) -> None:
    """Count a delivery in the statistics as soon as it is sent (the engine may call this
    right after recording ``sent``; :func:`collect_all` catches up on any it did not)."""
    sync_facts(session, [delivery_id])


def sync_facts(
    session: Session, delivery_ids: list[int] | None = None, *, refresh: bool = False
) -> int:
    """Give every sent delivery (or those of ``delivery_ids``) its statistics row; refresh
    the dimensions of existing rows in ``delivery_ids`` (of every row with ``refresh``, e.g.
    after an upgrade added a dimension). Returns how many rows were added."""
    if delivery_ids is None and refresh:
        delivery_ids = list(session.execute(sa_select(col(EngagementLatest.delivery_id))).scalars())
    if delivery_ids is None:
        missing = (
            session.execute(
                sa_select(col(Delivery.id))
                .outerjoin(EngagementLatest, col(EngagementLatest.delivery_id) == Delivery.id)
                .where(
                    col(Delivery.status) == DeliveryStatus.SENT,
                    col(EngagementLatest.delivery_id).is_(None),
                )
            )
            .scalars()
            .all()
        )
        delivery_ids = list(missing)
    added = 0
    for start in range(0, len(delivery_ids), 1000):
        chunk = delivery_ids[start : start + 1000]
        dims = _fact_dimensions(session, chunk)
        for delivery_id, values in dims.items():
            row = session.get(EngagementLatest, delivery_id)
            if row is None:
                row = EngagementLatest(delivery_id=delivery_id)
                added += 1
            for key, value in values.items():
                setattr(row, key, value)
            session.add(row)
        session.flush()
        post_ids = list({v["post_id"] for v in dims.values()})
        _mark_first(session, post_ids)
        session.flush()
        refresh_posts(session, post_ids)
    session.flush()
    return added


def refresh_posts(session: Session, post_ids: list[int]) -> None:
    """Recompute the :class:`EngagementPost` row of each post from its statistics rows
    (engagement over all its deliveries, first and last publication time)."""
    latest = EngagementLatest.__table__  # type: ignore[attr-defined]
    engagement = (
        func.coalesce(latest.c.reactions, 0)
        + func.coalesce(latest.c.comments, 0)
        + func.coalesce(latest.c.shares, 0)
        + func.coalesce(latest.c.clicks, 0)
    )
    for start in range(0, len(post_ids), 1000):
        chunk = post_ids[start : start + 1000]
        sums = {
            r[0]: r[1:]
            for r in session.execute(
                sa_select(
                    latest.c.post_id,
                    func.max(latest.c.org_id),
                    func.sum(engagement),
                    func.min(latest.c.sent_at),
                    func.max(latest.c.sent_at),
                )
                .where(latest.c.post_id.in_(chunk))
                .group_by(latest.c.post_id)
            )
        }
        rows = {
            r.post_id: r
            for r in session.scalars(
                sa_select(EngagementPost).where(col(EngagementPost.post_id).in_(chunk))
            )
        }
        for post_id in chunk:
            row = rows.get(post_id)
            if post_id not in sums:
                if row is not None:
                    session.delete(row)
                continue
            org_id, total, first, last = sums[post_id]
            row = row or EngagementPost(post_id=post_id)
            row.org_id, row.engagement = org_id, int(total or 0)
            row.first_sent_at, row.last_sent_at = first, last
            session.add(row)
    session.flush()


def _mark_first(session: Session, post_ids: list[int]) -> None:
    """Flag, per post and occurrence, the one statistics row that counts the post (the
    lowest delivery id), so that post counts are a plain sum instead of a DISTINCT."""
    if not post_ids:
        return
    rows = session.execute(
        sa_select(EngagementLatest, col(Delivery.occurrence))
        .join(Delivery, col(Delivery.id) == EngagementLatest.delivery_id)
        .where(col(EngagementLatest.post_id).in_(post_ids))
    ).all()
    first: dict[tuple[int | None, str], int] = {}
    first_kind: dict[tuple[int | None, str, str], int] = {}
    for fact, occurrence in rows:
        key = (fact.post_id, occurrence)
        first[key] = min(first.get(key, fact.delivery_id), fact.delivery_id)
        kkey = (fact.post_id, occurrence, fact.kind)
        first_kind[kkey] = min(first_kind.get(kkey, fact.delivery_id), fact.delivery_id)
    for fact, occurrence in rows:
        flag = first[(fact.post_id, occurrence)] == fact.delivery_id
        kflag = first_kind[(fact.post_id, occurrence, fact.kind)] == fact.delivery_id
        if (fact.is_first, fact.is_first_kind) != (flag, kflag):
            fact.is_first, fact.is_first_kind = flag, kflag
            session.add(fact)


def record_snapshot(
    session: Session, delivery_id: int, metrics: Metrics, collected_at: datetime
) -> bool:
    """Store one snapshot (idempotent per delivery and ``collected_at``) and keep
    :class:`EngagementLatest` pointing at the newest one. Returns whether a row was added.

    Raises SQLAlchemy errors only (e.g. an unknown delivery id violates the foreign key).
    """
    exists = session.exec(
        select(EngagementSnapshot.id).where(
            EngagementSnapshot.delivery_id == delivery_id,
            EngagementSnapshot.collected_at == collected_at,
        )
    ).first()
    if exists is not None:
        return False
    values = {name: getattr(metrics, name) for name in COUNTERS}
    unavailable = sorted({u for u in metrics.unavailable if values.get(u) is None})
    session.add(
        EngagementSnapshot(
            delivery_id=delivery_id, collected_at=collected_at, unavailable=unavailable, **values
        )
    )
    latest = session.get(EngagementLatest, delivery_id)
    if latest is None:
        sync_facts(session, [delivery_id])
        latest = session.get(EngagementLatest, delivery_id)
    if latest is None:  # not a known delivery: the snapshot's foreign key refuses it below
        session.flush()
        return True
    if latest.collected_at is None or latest.collected_at <= collected_at:
        latest.collected_at = collected_at
        for name, value in values.items():
            setattr(latest, name, value)
        session.add(latest)
        session.flush()
        if latest.post_id is not None:
            refresh_posts(session, [latest.post_id])
    session.flush()
    return True
