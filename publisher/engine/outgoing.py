"""The post as a connector sees it, built in one place: :func:`load` (and :func:`build`).

The answer is a type the caller matches on:

- :class:`Ready`: the outgoing post (text, the channel versions of its media, idempotency
  key, metadata) and its channel: publish it;
- :class:`MediaPending`: a render it needs is not finished (or not even queued): hold the
  delivery until it is (:mod:`publisher.engine.media_wait`);
- :class:`MediaFailed`: a finished channel version cannot be uploaded: fail, nothing sent;
- :class:`Lost`: the delivery is no longer ours (:func:`load` only).

Media is never fitted here: the render queue makes every channel version
(:mod:`publisher.services.publishing.versions`); this module only picks up the finished files.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from connectors.base import ChannelConfig, Connector, MediaItem, OutgoingPost
from connectors.clients import ClientCache
from publisher.db import session_scope
from publisher.models import (
    Campaign,
    Channel,
    Delivery,
    DeliveryStatus,
    Organisation,
    Post,
    PostMedia,
    PostVariant,
    RenderJob,
)
from publisher.services.publishing import channels as channels_svc
from publisher.services.publishing import links

if TYPE_CHECKING:
    from publisher.services.publishing import versions as prepare_svc


@dataclass(frozen=True)
class Prepared:
    """Everything needed to publish one delivery, detached from the database session."""

    delivery_id: int
    post_id: int
    channel_id: int
    channel_name: str
    channel_kind: str
    org_id: int
    outgoing: OutgoingPost
    #: The error kind of the previous attempt (``ambiguous`` -> look before re-sending).
    previous_error: str | None
    attempts: int
    #: Publish no earlier than this (the row's ``next_attempt_at`` when it was claimed).
    not_before: datetime | None = None


@dataclass(frozen=True)
class Ready:
    """The post is built: publish ``prepared`` on ``channel`` (a detached row)."""

    prepared: Prepared
    channel: Channel


@dataclass(frozen=True)
class MediaPending:
    """A card, clip or channel version the post needs is not rendered yet; nothing is sent."""

    delivery_id: int
    waiting: prepare_svc.NotReady


@dataclass(frozen=True)
class MediaFailed:
    """A finished channel version cannot be uploaded (its file is gone); nothing is sent."""

    delivery_id: int
    detail: str


@dataclass(frozen=True)
class Lost:
    """The delivery is not ours any more (not ``sending`` under our lease)."""

    delivery_id: int


Built = Ready | MediaPending | MediaFailed | Lost


@dataclass(frozen=True)
class PostParts:
    """What every delivery of one post shares (a scheduled post cannot be edited)."""

    post: Post
    variants: dict[int, str | None]
    org_slug: str | None
    campaign_slug: str | None
    #: No attached media and no render job: nothing to wait for (most posts).
    plain: bool = False


def load_post_parts(session: Session, post_id: int) -> PostParts:
    post = session.get(Post, post_id)
    assert post is not None and post.id is not None
    variants = {
        v.channel_id: v.text
        for v in session.exec(select(PostVariant).where(PostVariant.post_id == post.id))
    }
    org = session.get(Organisation, post.org_id)
    campaign = session.get(Campaign, post.campaign_id) if post.campaign_id else None
    has_media = session.exec(select(PostMedia.asset_id).where(PostMedia.post_id == post.id)).first()
    has_jobs = session.exec(select(RenderJob.id).where(RenderJob.post_id == post.id)).first()
    session.expunge(post)
    return PostParts(
        post,
        variants,
        org.slug if org else None,
        campaign.slug if campaign else None,
        plain=has_media is None and has_jobs is None,
    )


class PrepareCache:
    """Post parts and channels for ``ttl`` seconds: in a burst, the deliveries of one post
    (up to hundreds) and of one channel share them instead of re-reading and re-decrypting.
    Measured: one delivery's preparation cost more CPU than its publish without it."""

    def __init__(self, ttl: float = 10.0) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._posts: dict[int, tuple[float, PostParts]] = {}
        self._channels: dict[int, tuple[float, Channel]] = {}
        #: Decrypted configs by channel id, with the row values they were made from.
        self._configs: dict[int, tuple[tuple[str, str, str, Any], ChannelConfig]] = {}

    def peek(self, post_id: int, channel_id: int) -> tuple[PostParts, Channel] | None:
        """The cached post parts and channel if both are fresh, else None (reads nothing)."""
        now = time.monotonic()
        with self._lock:
            post = self._posts.get(post_id)
            channel = self._channels.get(channel_id)
        if post is None or channel is None:
            return None
        if now - post[0] >= self.ttl or now - channel[0] >= self.ttl:
            return None
        return post[1], channel[1]

    def connector(
        self, channel: Channel, *, timeout: float, clients: ClientCache | None = None
    ) -> Connector:
        """A connector for ``channel``; its credentials are decrypted once per channel and
        again only when the channel row's credentials, settings, name or kind change (the
        channel itself is re-read every ``ttl`` seconds). ``clients`` are the thread's kept
        network clients; they hold no credentials, so a change needs nothing dropped there."""
        assert channel.id is not None
        source = (channel.kind, channel.name, channel.credentials_encrypted, channel.settings)
        with self._lock:
            hit = self._configs.get(channel.id)
        if hit is not None and hit[0] == source:
            config = hit[1]
        else:
            config = channels_svc.channel_config(channel)
            with self._lock:
                if len(self._configs) > 20000:
                    self._configs.clear()
                self._configs[channel.id] = (source, config)
        return channels_svc.connector_class(channel.kind)(config, timeout=timeout, clients=clients)

    def post(self, session: Session, post_id: int) -> PostParts:
        now = time.monotonic()
        with self._lock:
            hit = self._posts.get(post_id)
        if hit is not None and now - hit[0] < self.ttl:
            return hit[1]
        parts = load_post_parts(session, post_id)
        with self._lock:
            if len(self._posts) > 5000:
                self._posts.clear()
            self._posts[post_id] = (now, parts)
        return parts

    def warm(self, session: Session, deliveries: list[Delivery]) -> None:
        """Load the posts and channels of just-claimed deliveries in a few bulk queries
        (instead of several queries per delivery); fresh entries are not read again.
        Raises database errors only."""
        now = time.monotonic()
        rows = [(d.post_id, d.channel_id) for d in deliveries]
        with self._lock:
            posts_missing = {
                p for p, _ in rows if p not in self._posts or now - self._posts[p][0] >= self.ttl
            }
            channels_missing = {
                c
                for _, c in rows
                if c not in self._channels or now - self._channels[c][0] >= self.ttl
            }
        fresh: dict[int, PostParts] = {}
        if posts_missing:
            wanted = list(posts_missing)
            posts = list(session.exec(select(Post).where(col(Post.id).in_(wanted))))
            variants: dict[int, dict[int, str | None]] = {p: {} for p in wanted}
            for v in session.exec(select(PostVariant).where(col(PostVariant.post_id).in_(wanted))):
                variants[v.post_id][v.channel_id] = v.text
            media = set(
                session.exec(select(PostMedia.post_id).where(col(PostMedia.post_id).in_(wanted)))
            )
            jobs = set(
                session.exec(select(RenderJob.post_id).where(col(RenderJob.post_id).in_(wanted)))
            )
            org_ids = list({p.org_id for p in posts})
            orgs = {
                o.id: o.slug
                for o in session.exec(select(Organisation).where(col(Organisation.id).in_(org_ids)))
            }
            camp_ids = list({p.campaign_id for p in posts if p.campaign_id})
            camps = (
                {
                    c.id: c.slug
                    for c in session.exec(select(Campaign).where(col(Campaign.id).in_(camp_ids)))
                }
                if camp_ids
                else {}
            )
            for post in posts:
                assert post.id is not None
                session.expunge(post)
                fresh[post.id] = PostParts(
                    post,
                    variants[post.id],
                    orgs.get(post.org_id),
                    camps.get(post.campaign_id) if post.campaign_id else None,
                    plain=post.id not in media and post.id not in jobs,
                )
        channels: list[Channel] = []
        if channels_missing:
            channels = list(
                session.exec(select(Channel).where(col(Channel.id).in_(list(channels_missing))))
            )
            for channel in channels:
                session.expunge(channel)
        with self._lock:
            if len(self._posts) > 5000:
                self._posts.clear()
            for post_id, parts in fresh.items():
                self._posts[post_id] = (now, parts)
            for channel in channels:
                assert channel.id is not None
                self._channels[channel.id] = (now, channel)

    def channel(self, session: Session, channel_id: int) -> Channel:
        now = time.monotonic()
        with self._lock:
            hit = self._channels.get(channel_id)
        if hit is not None and now - hit[0] < self.ttl:
            return hit[1]
        channel = session.get(Channel, channel_id)
        assert channel is not None
        session.expunge(channel)
        with self._lock:
            self._channels[channel_id] = (now, channel)
        return channel


def load(
    delivery_id: int, owner: str, cache: PrepareCache | None = None, claimed: Delivery | None = None
) -> Built:
    """Build the outgoing post of a delivery ``owner`` claimed.

    ``claimed`` is the claim's snapshot of the row, passed only while it can stand in for the
    row (the caller holds a fresh lease): a plain post (no media, links not tracked) whose
    post and channel are in ``cache`` is then built without reading anything. Otherwise the
    row is read again and :class:`Lost` returned unless it is ``sending`` under our lease.
    Raises database errors only.
    """
    if claimed is not None and cache is not None:
        fast = _build_cached(claimed, cache)
        if fast is not None:
            return fast
    with session_scope(readonly=True) as session:
        delivery = session.get(Delivery, delivery_id)
        if (
            delivery is None
            or delivery.status != DeliveryStatus.SENDING
            or delivery.lease_owner != owner
        ):
            return Lost(delivery_id)
        return build(session, delivery, cache)


def build(
    session: Session, delivery: Delivery, cache: PrepareCache | None = None
) -> Ready | MediaPending | MediaFailed:
    """Build the outgoing post of ``delivery`` (whatever its state: the lease sweep rebuilds
    posts to look for them on the platform)."""
    assert delivery.id is not None
    if cache is not None:
        parts = cache.post(session, delivery.post_id)
        channel = cache.channel(session, delivery.channel_id)
    else:
        parts = load_post_parts(session, delivery.post_id)
        found = session.get(Channel, delivery.channel_id)
        assert found is not None
        channel = found
    return _build(session, delivery, parts, channel)


def _build_cached(delivery: Delivery, cache: PrepareCache) -> Ready | None:
    """:func:`build` without the database, when everything it needs is in ``cache``: the
    post and channel are cached, the post has no media and links are not tracked."""
    if links.tracking_enabled():
        return None
    hit = cache.peek(delivery.post_id, delivery.channel_id)
    if hit is None or not hit[0].plain:
        return None
    built = _build(None, delivery, *hit)
    assert isinstance(built, Ready)  # a plain post has no media to wait for
    return built


def _build(
    session: Session | None, delivery: Delivery, parts: PostParts, channel: Channel
) -> Ready | MediaPending | MediaFailed:
    """The outgoing post from its parts; ``session`` may be None only for a plain post with
    links not tracked (nothing is read)."""
    assert delivery.id is not None
    post = parts.post
    assert channel.id is not None and post.id is not None
    variant = parts.variants.get(channel.id)
    text = variant if variant is not None else post.text
    items: tuple[MediaItem, ...] = ()
    if not parts.plain:
        assert session is not None
        # Imported here: the render stack (Pillow, numpy, the recipes) costs a worker about
        # half a second at start, and a plain post never needs it.
        from publisher.services.publishing import versions as prepare_svc

        media = prepare_svc.channel_media(session, post, channel)
        if isinstance(media, prepare_svc.NotReady):
            return MediaPending(delivery.id, media)
        if isinstance(media, prepare_svc.Unusable):
            return MediaFailed(delivery.id, str(media))
        items = media.items
    metadata: dict[str, Any] = {
        "post_id": post.id,
        "title": post.title or None,
        "delivery_id": delivery.id,
        "organisation": parts.org_slug,
        "channel": channel.name,
        "campaign": parts.campaign_slug,
        "scheduled_at": delivery.due_at.isoformat(),
        "occurrence": delivery.occurrence or None,
        "first_attempt_at": (delivery.first_attempt_at or delivery.updated_at).isoformat(),
    }
    if items:
        from publisher.services.publishing import public_media

        # Our own public URL of each file, for a platform that fetches pictures by URL and
        # whose upload may answer none (a Zalo OA cover): None where there is none.
        metadata["public_media_urls"] = [public_media.url_for(i.path) for i in items]
    link = post.link
    if links.tracking_enabled():
        assert session is not None
        # Codes were made at approval; here they are only read (this session is read-only).
        tracked = links.rewrite_for_delivery(session, delivery.id, text, link, create=False)
        text, link = tracked.text, tracked.link
    outgoing = OutgoingPost(
        text=text,
        media=items,
        link=link,
        idempotency_key=delivery.idempotency_key,
        marker=f"r57-{delivery.idempotency_key[:12]}",
        metadata=metadata,
    )
    prepared = Prepared(
        delivery_id=delivery.id,
        post_id=post.id,
        channel_id=channel.id,
        channel_name=channel.name,
        channel_kind=channel.kind,
        org_id=post.org_id,
        outgoing=outgoing,
        previous_error=delivery.error_kind,
        attempts=delivery.attempts,
        not_before=delivery.next_attempt_at,
    )
    return Ready(prepared, channel)
