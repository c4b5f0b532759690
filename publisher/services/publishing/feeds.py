"""Public feeds of published posts: per unit, per campaign (slug + year), per theme and for the
whole province, in Atom, RSS 2.0 and JSON Feed 1.1 (:mod:`.feed_render` writes them).

What is public (:func:`public_posts`): a post that went out — at least one ``sent`` delivery on
a channel that is not internal (``settings.internal`` true marks a test/internal channel, whose
content never appears) — and that is not a draft, in review, rejected or cancelled, and not tied
to a classified S&T task. Nothing else of a unit (channels, users, figures) is read.

Cheap revalidation: :func:`stamp` is one aggregate query (count and the latest change of the
scope's public posts); the ETag is derived from it, so a request carrying a matching
``If-None-Match`` is answered 304 without rendering, and rendered feeds are cached keyed by the
stamp (:func:`feed`), so a feed is rendered once per change of its posts.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cachetools import LRUCache
from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from publisher.errors import InvalidInput, NotFound
from publisher.models import (
    Campaign,
    Channel,
    Delivery,
    DeliveryStatus,
    MediaAsset,
    Organisation,
    Post,
    PostMedia,
    PostStatus,
    PostTag,
    STTask,
)
from publisher.services.publishing import links
from publisher.services.publishing.topics import THEME, THEMES
from publisher.timeutil import ensure_utc

FORMATS: dict[str, str] = {
    "atom": "application/atom+xml; charset=utf-8",
    "rss": "application/rss+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}
PAGE_SIZE = 30
#: Pages beyond this are refused outright (400), before any query.
MAX_PAGE = 10_000
#: Bumped when the rendered output changes shape: old ETags stop matching.
RENDER_VERSION = "1"
#: How long a scope's stamp is trusted before it is queried again: under load one stamp query
#: per scope per interval, whatever the request rate; a change shows within this delay.
STAMP_SECONDS = 2.0
_HIDDEN = (PostStatus.DRAFT, PostStatus.IN_REVIEW, PostStatus.REJECTED, PostStatus.CANCELLED)


@dataclass(frozen=True)
class Scope:
    """What a feed or a public page covers. ``kind``: unit | campaign | theme | province."""

    kind: str
    key: str = ""
    year: int | None = None

    @property
    def path(self) -> str:
        """The URL path below ``/feeds/`` and ``/p/`` (without the format)."""
        if self.kind == "campaign":
            return f"campaign/{self.key}/{self.year}"
        if self.kind == "province":
            return "province"
        return f"{self.kind}/{self.key}"


@dataclass(frozen=True)
class Resolved:
    scope: Scope
    title: str
    subtitle: str
    org: Organisation | None = None
    campaign: Campaign | None = None


@dataclass(frozen=True)
class Stamp:
    """The scope's public posts: how many, and when the latest one changed."""

    count: int
    changed: datetime | None

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // PAGE_SIZE))


@dataclass(frozen=True)
class FeedDoc:
    body: bytes
    media_type: str
    etag: str
    last_modified: datetime | None


def base_url() -> str:
    """The api's public address (``PUBLISHER_PUBLIC_URL``), without a trailing slash."""
    return links.public_url()


def parse_page(raw: str | None) -> int:
    """``?page=N``: 1 when absent; raises :class:`InvalidInput` (400) unless 1..MAX_PAGE."""
    if raw is None or raw == "":
        return 1
    if not raw.isascii() or not raw.isdigit() or len(raw) > 6:
        raise InvalidInput("feeds.error.page", max=MAX_PAGE)
    page = int(raw)
    if not 1 <= page <= MAX_PAGE:
        raise InvalidInput("feeds.error.page", max=MAX_PAGE)
    return page


def resolve(session: Session, scope: Scope) -> Resolved:
    """The scope's unit/campaign/theme, or :class:`NotFound` (``feeds.error.unknown``)."""
    if scope.kind == "unit":
        org = session.exec(select(Organisation).where(Organisation.slug == scope.key)).first()
        if org is None:
            raise NotFound("feeds.error.unknown")
        return Resolved(scope, org.name, f"Tin bài đã đăng của {org.name}", org=org)
    if scope.kind == "campaign":
        campaign = session.exec(select(Campaign).where(Campaign.slug == scope.key)).first()
        if campaign is None or scope.year is None or not 2000 <= scope.year <= 2100:
            raise NotFound("feeds.error.unknown")
        title = f"{campaign.name} {scope.year}"
        return Resolved(scope, title, campaign.description or title, campaign=campaign)
    if scope.kind == "theme":
        if scope.key not in THEMES:
            raise NotFound("feeds.error.unknown")
        from publisher.i18n import t

        name = t(f"topic.theme.{scope.key}", "vi")
        return Resolved(scope, name, f"Tin bài về {name.lower()}")
    if scope.kind == "post":
        post = (
            session.get(Post, int(scope.key))
            if scope.key.isdigit() and len(scope.key) < 12
            else None
        )
        if post is None:
            raise NotFound("feeds.error.unknown")
        org = session.get(Organisation, post.org_id)
        return Resolved(scope, post.title or org.name if org else "", "", org=org)
    if scope.kind == "province":
        province = session.exec(
            select(Organisation)
            .where(Organisation.kind == "province")
            .order_by(col(Organisation.id))
        ).first()
        name = province.name if province is not None else "Toàn tỉnh"
        return Resolved(scope, name, f"Tin bài đã đăng của các đơn vị — {name}", org=province)
    raise NotFound("feeds.error.unknown")


def _public_channel_ids(session: Session) -> list[int]:
    rows = session.exec(select(Channel.id, Channel.settings)).all()
    return [
        cid for cid, settings in rows if cid is not None and not (settings or {}).get("internal")
    ]


def _where(session: Session, resolved: Resolved) -> list[Any]:
    """The conditions on Post (and its sent public deliveries, joined by the caller)."""
    scope = resolved.scope
    conds: list[Any] = [
        col(Post.status).not_in([str(s) for s in _HIDDEN]),
        col(Delivery.status) == DeliveryStatus.SENT,
        col(Delivery.channel_id).in_(_public_channel_ids(session)),
        or_(
            col(Post.task_id).is_(None),
            col(Post.task_id).not_in(select(STTask.id).where(col(STTask.classified).is_(True))),
        ),
    ]
    # A scope whose unit/campaign is missing matches nothing (never the whole province).
    if scope.kind == "unit":
        conds.append(col(Post.org_id) == (resolved.org.id if resolved.org else -1))
    elif scope.kind == "campaign":
        campaign_id = resolved.campaign.id if resolved.campaign else -1
        conds += [col(Post.campaign_id) == campaign_id, col(Post.campaign_year) == scope.year]
    elif scope.kind == "post":
        conds.append(col(Post.id) == int(scope.key))
    elif scope.kind == "theme":
        conds.append(
            col(Post.id).in_(
                select(PostTag.post_id).where(PostTag.kind == THEME, PostTag.value == scope.key)
            )
        )
    return conds


def stamp(session: Session, resolved: Resolved) -> Stamp:
    """One aggregate query: the count and latest change (edit or publication) of the scope's
    public posts. Raises nothing."""
    row = session.exec(
        select(
            func.count(func.distinct(Post.id)),
            func.max(Post.updated_at),
            func.max(Delivery.sent_at),
        )
        .select_from(Post)
        .join(Delivery, col(Delivery.post_id) == col(Post.id))
        .where(*_where(session, resolved))
    ).one()
    stamps = [ensure_utc(v) for v in row[1:] if v is not None]
    return Stamp(int(row[0] or 0), max(stamps) if stamps else None)


_stamps: LRUCache[Scope, tuple[float, Resolved, Stamp]] = LRUCache(maxsize=4096)
_stamps_lock = threading.Lock()


def peek(scope: Scope) -> tuple[Resolved, Stamp] | None:
    """The scope and its stamp when the cache still trusts them (no database). Raises
    nothing."""
    with _stamps_lock:
        hit = _stamps.get(scope)
    return (hit[1], hit[2]) if hit is not None and hit[0] > time.monotonic() else None


def current(
    open_session: Callable[[], AbstractContextManager[Session]], scope: Scope
) -> tuple[Resolved, Stamp]:
    """The scope resolved and its stamp, from a cache trusted for :data:`STAMP_SECONDS`
    (``open_session`` is called only when they must be queried). Raises :class:`NotFound`
    (not cached: an unknown scope is looked up each time)."""
    hit = peek(scope)
    if hit is not None:
        return hit
    now = time.monotonic()
    with open_session() as session:
        resolved = resolve(session, scope)
        st = stamp(session, resolved)
    with _stamps_lock:
        _stamps[scope] = (now + STAMP_SECONDS, resolved, st)
    return resolved, st


def clear_stamps() -> None:
    with _stamps_lock:
        _stamps.clear()


@dataclass(frozen=True)
class PublicPost:
    post: Post
    published: datetime
    updated: datetime
    org: Organisation
    campaign: Campaign | None
    themes: tuple[str, ...]
    media: tuple[MediaAsset, ...]


def public_posts(
    session: Session, resolved: Resolved, page: int = 1, per_page: int = PAGE_SIZE
) -> list[PublicPost]:
    """The scope's public posts, newest publication first, ``per_page`` from ``page``."""
    pub = func.min(Delivery.sent_at).label("published")
    rows = session.exec(
        select(Post, pub)
        .join(Delivery, col(Delivery.post_id) == col(Post.id))
        .where(*_where(session, resolved))
        .group_by(col(Post.id))
        .order_by(pub.desc(), col(Post.id).desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    ids = [p.id for p, _ in rows]
    orgs = {
        o.id: o
        for o in session.exec(
            select(Organisation).where(col(Organisation.id).in_({p.org_id for p, _ in rows}))
        )
    }
    camps = {
        c.id: c
        for c in session.exec(
            select(Campaign).where(
                col(Campaign.id).in_({p.campaign_id for p, _ in rows if p.campaign_id})
            )
        )
    }
    themes: dict[int, list[str]] = {}
    for tag in session.exec(
        select(PostTag).where(col(PostTag.post_id).in_(ids), PostTag.kind == THEME)
    ):
        themes.setdefault(tag.post_id, []).append(tag.value)
    media: dict[int, list[MediaAsset]] = {}
    for pm, asset in session.exec(
        select(PostMedia, MediaAsset)
        .join(MediaAsset, col(MediaAsset.id) == col(PostMedia.asset_id))
        .where(col(PostMedia.post_id).in_(ids))
        .order_by(col(PostMedia.position), col(PostMedia.asset_id))
    ):
        if asset.kind in ("image", "video", "audio") and asset.mime:
            media.setdefault(pm.post_id, []).append(asset)
    out = []
    for post, published in rows:
        assert post.id is not None
        assert published is not None  # only posts with a sent delivery are selected
        published = ensure_utc(published)
        out.append(
            PublicPost(
                post=post,
                published=published,
                updated=max(published, ensure_utc(post.updated_at)),
                org=orgs[post.org_id],
                campaign=camps.get(post.campaign_id) if post.campaign_id else None,
                themes=tuple(sorted(themes.get(post.id, []))),
                media=tuple(media.get(post.id, [])),
            )
        )
    return out


def public_asset(session: Session, asset_id: int, sha_prefix: str) -> MediaAsset:
    """A media file of a public post (any scope), named by id and the start of its SHA-256
    (so ids cannot be walked); raises :class:`NotFound` otherwise."""
    asset = session.get(MediaAsset, asset_id)
    if asset is None or len(sha_prefix) < 12 or not asset.sha256.startswith(sha_prefix):
        raise NotFound("feeds.error.unknown")
    province = Resolved(Scope("province"), "", "")
    used = session.exec(
        select(Post.id)
        .join(Delivery, col(Delivery.post_id) == col(Post.id))
        .join(PostMedia, col(PostMedia.post_id) == col(Post.id))
        .where(PostMedia.asset_id == asset_id, *_where(session, province))
        .limit(1)
    ).first()
    if used is None:
        raise NotFound("feeds.error.unknown")
    return asset


def media_url(base: str, asset: MediaAsset) -> str:
    ext = {
        "image/jpeg": "jpg",
        "image/png": "png",
        "image/webp": "webp",
        "image/gif": "gif",
        "video/mp4": "mp4",
        "audio/mpeg": "mp3",
    }.get(asset.mime, "bin")
    return f"{base}/media/{asset.id}/{asset.sha256[:16]}.{ext}"


def etag_for(scope: Scope, fmt: str, page: int, base: str, st: Stamp) -> str:
    """The ETag of a feed, from its stamp alone (no rendering)."""
    changed = st.changed.isoformat() if st.changed else "-"
    raw = f"{RENDER_VERSION}|{scope.path}|{fmt}|{page}|{base}|{st.count}|{changed}"
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'


def feed_urls(base: str, scope: Scope) -> dict[str, str]:
    """The absolute URLs of a scope's three feeds and its public page."""
    return {
        "atom": f"{base}/feeds/{scope.path}.atom",
        "rss": f"{base}/feeds/{scope.path}.rss",
        "json": f"{base}/feeds/{scope.path}.json",
        "page": f"{base}/p/{scope.path}",
    }
