"""Public feeds of published posts: per unit, per campaign (slug + year), per theme and for the
whole province, in Atom, RSS 2.0 and JSON Feed 1.1 (:mod:`.feed_render` writes them).

What is public (:func:`public_posts`): a post that went out — at least one ``sent`` delivery on
a channel that is not internal (``settings.internal`` true marks a test/internal channel, whose
content never appears) — and that is not a draft, in review, rejected or cancelled, and not tied
to a classified S&T task. Nothing else of a unit (channels, users, figures) is read.

Cheap revalidation: :func:`stamp` reads a few aggregates of the scope (its public posts'
count, id sum and latest change; their theme tags; their media with alt text; the names of the
units and the campaign shown) and hashes them into a digest. Everything a feed or page renders
is in it, so the ETag (derived from the digest alone) changes whenever the body would — an
edit, a tag, an alt text, a unit or campaign renamed, a post withdrawn or deleted — and a
request with a matching ``If-None-Match`` is answered 304 without rendering. ``Last-Modified``
is the latest change the data dates, or the moment this process first saw the digest when that
is later (an alt text or a deletion leaves no date), so ``If-Modified-Since`` never answers 304
for a body that changed. Rendered feeds are cached by the digest (:func:`feed`).

Stamps are kept :data:`STAMP_SECONDS`; an older one (up to twice that) is still answered while
a single background refresh per scope queries the new one, so no request waits for it.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from cachetools import LRUCache
from sqlalchemy import func, or_
from sqlalchemy import select as sa_select
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
    TrackedLink,
)
from publisher.services.publishing import links
from publisher.services.publishing.topics import THEME, THEMES
from publisher.timeutil import ensure_utc, utcnow

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
#: A stamp that took longer to query is trusted this many times its query's duration (when
#: longer than STAMP_SECONDS): a hot scope's background refreshes take at most 1/20 of a core
#: (the whole province of a large database).
STAMP_COST_RATIO = 20.0
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
    """The scope's public posts: how many, when the data last dates a change (``changed``,
    the feeds' ``updated``), the digest of everything rendered and the HTTP
    ``Last-Modified`` (``modified``: never before ``changed``)."""

    count: int
    changed: datetime | None
    digest: str = ""
    modified: datetime | None = None

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


def _scope_meta(resolved: Resolved) -> list[Any]:
    org, campaign = resolved.org, resolved.campaign
    meta: list[Any] = [resolved.title, resolved.subtitle]
    if org is not None:
        meta += [org.id, org.name, org.brand_primary]
    if campaign is not None:
        meta += [
            campaign.name,
            campaign.description,
            campaign.recurrence,
            campaign.month,
            campaign.day,
            str(campaign.on_date),
        ]
    return meta


def stamp(session: Session, resolved: Resolved) -> Stamp:
    """The scope's stamp: count and latest dated change of its public posts, and the digest
    of everything its feeds and pages render (see the module's doc). Three scans of the
    scope (posts, their theme tags, their media), nothing per post but the media rows.
    Raises nothing."""
    conds = _where(session, resolved)

    def public(*columns: Any) -> Any:  # the scope's public posts x their sent deliveries
        return (
            sa_select(*columns)
            .select_from(Post)
            .join(Delivery, col(Delivery.post_id) == col(Post.id))
            .where(*conds)
        )

    # Which posts (a withdrawn one replaced by another keeps the count, not the sum), and
    # their own dates (created: the entry id; updated: the entry). A post with two sent
    # deliveries counts twice in the sums: deterministic, so just as good for a digest.
    row = session.execute(
        public(
            func.count(func.distinct(Post.id)),
            func.max(Post.updated_at),
            func.max(Delivery.sent_at),
            func.coalesce(func.sum(Post.id), 0),
            func.min(Post.id),
            func.max(Post.id),
            func.min(Post.updated_at),
            func.min(Post.created_at),
            func.max(Post.created_at),
        )
    ).one()
    tags = session.execute(
        public(col(PostTag.value), func.count(), func.sum(PostTag.post_id))
        .join(PostTag, col(PostTag.post_id) == col(Post.id))
        .where(PostTag.kind == THEME)
        .group_by(col(PostTag.value))
        .order_by(col(PostTag.value))
    ).all()
    media = session.execute(
        public(
            col(PostMedia.post_id),
            col(PostMedia.asset_id),
            col(PostMedia.position),
            col(MediaAsset.kind),
            col(MediaAsset.mime),
            col(MediaAsset.bytes),
            col(MediaAsset.sha256),
            col(MediaAsset.width),
            col(MediaAsset.height),
            col(MediaAsset.title),
            col(MediaAsset.alt_text),
        )
        .join(PostMedia, col(PostMedia.post_id) == col(Post.id))
        .join(MediaAsset, col(MediaAsset.id) == col(PostMedia.asset_id))
        .order_by(col(PostMedia.post_id), col(PostMedia.position), col(PostMedia.asset_id))
    ).all()
    # The units named in the entries: the unit itself, or every unit for the wider scopes.
    org_q = select(Organisation.id, Organisation.name).order_by(col(Organisation.id))
    if resolved.scope.kind in ("unit", "post"):
        org_q = org_q.where(Organisation.id == (resolved.org.id if resolved.org else -1))
    orgs = session.exec(org_q).all()
    stamps = [ensure_utc(v) for v in row[1:3] if v is not None]
    changed = max(stamps) if stamps else None
    raw = repr(
        (
            RENDER_VERSION,
            _scope_meta(resolved),
            [str(v) for v in row],
            [tuple(t) for t in tags],
            [tuple(m) for m in media],
            [tuple(o) for o in orgs],
        )
    )
    digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
    return Stamp(int(row[0] or 0), changed, digest, changed)


def _monotonic() -> float:
    """The stamp cache's clock (tests move it)."""
    return time.monotonic()


@dataclass
class _Entry:
    fresh_until: float
    stale_until: float
    resolved: Resolved
    stamp: Stamp


_stamps: LRUCache[Scope, _Entry] = LRUCache(maxsize=4096)
_stamps_lock = threading.Lock()
#: One lock per scope being queried: concurrent misses wait for the one query (single
#: flight) instead of each running it.
_scope_locks: LRUCache[Scope, threading.Lock] = LRUCache(maxsize=4096)
_refreshing: set[Scope] = set()


def peek(scope: Scope) -> tuple[Resolved, Stamp] | None:
    """The scope and its stamp when the cache still trusts them (no database). Raises
    nothing."""
    with _stamps_lock:
        hit = _stamps.get(scope)
    return (hit.resolved, hit.stamp) if hit is not None and hit.fresh_until > _monotonic() else None


def peek_stale(scope: Scope) -> tuple[tuple[Resolved, Stamp] | None, bool]:
    """``(found, refresh)``: the cached scope and stamp while they may still be answered
    (fresh, or stale for at most another :data:`STAMP_SECONDS`), and whether the caller
    should start :func:`refresh_later` (stale and nobody refreshing it yet). No database.
    Raises nothing."""
    now = _monotonic()
    with _stamps_lock:
        hit = _stamps.get(scope)
        if hit is None or hit.stale_until <= now:
            return None, False
        if hit.fresh_until > now:
            return (hit.resolved, hit.stamp), False
        start = scope not in _refreshing
        _refreshing.add(scope)
    return (hit.resolved, hit.stamp), start


def _modified(previous: Stamp | None, new: Stamp) -> datetime | None:
    """``Last-Modified`` of ``new``: the previous one while the digest is the same; else the
    later of its dated change and now (whole seconds), strictly after the previous one, so an
    ``If-Modified-Since`` echoing the previous date sees the change."""
    if previous is not None and previous.digest == new.digest:
        return previous.modified
    now = utcnow().replace(microsecond=0)
    candidates = [now] + ([new.changed.replace(microsecond=0)] if new.changed else [])
    if previous is not None and previous.modified is not None:
        candidates.append(previous.modified.replace(microsecond=0) + timedelta(seconds=1))
    return max(candidates)


def _query(
    open_session: Callable[[], AbstractContextManager[Session]], scope: Scope
) -> tuple[Resolved, Stamp]:
    started = _monotonic()
    with open_session() as session:
        resolved = resolve(session, scope)
        st = stamp(session, resolved)
    took = _monotonic() - started
    ttl = max(STAMP_SECONDS, STAMP_COST_RATIO * took) if STAMP_SECONDS > 0 else 0.0
    with _stamps_lock:
        old = _stamps.get(scope)
        st = replace(st, modified=_modified(old.stamp if old else None, st))
        _stamps[scope] = _Entry(started + ttl, started + 2 * ttl, resolved, st)
        _refreshing.discard(scope)  # fresh now, whoever queried it
    return resolved, st


def refresh_later(
    open_session: Callable[[], AbstractContextManager[Session]], scope: Scope
) -> None:
    """Query the scope's stamp again (the background refresh :func:`peek_stale` asked for).
    Raises nothing: a failure leaves the stale entry to expire."""
    try:
        _query(open_session, scope)
    except Exception:  # an unknown scope now, a database hiccup: the next miss will tell
        with _stamps_lock:
            _stamps.pop(scope, None)
    finally:
        with _stamps_lock:
            _refreshing.discard(scope)


def current(
    open_session: Callable[[], AbstractContextManager[Session]], scope: Scope
) -> tuple[Resolved, Stamp]:
    """The scope resolved and its stamp, from a cache trusted for :data:`STAMP_SECONDS`
    (``open_session`` is called only when they must be queried; concurrent callers share one
    query). Raises :class:`NotFound` (not cached: an unknown scope is looked up each time)."""
    hit = peek(scope)
    if hit is not None:
        return hit
    with _stamps_lock:
        lock = _scope_locks.get(scope)
        if lock is None:
            lock = _scope_locks[scope] = threading.Lock()
    with lock:
        hit = peek(scope)  # queried by another thread while this one waited
        if hit is not None:
            return hit
        return _query(open_session, scope)


def clear_stamps() -> None:
    with _stamps_lock:
        _stamps.clear()
        _refreshing.clear()


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


def is_public(session: Session, post_id: int) -> bool:
    """Whether the post is in the public feeds now. Raises nothing."""
    resolved = Resolved(Scope("post", str(post_id)), "", "")
    found = session.exec(
        select(Post.id)
        .join(Delivery, col(Delivery.post_id) == col(Post.id))
        .where(*_where(session, resolved))
        .limit(1)
    ).first()
    return found is not None


def feed_link(session: Session, code: str) -> TrackedLink | None:
    """The row of a public feed link (:func:`links.feed_code`) at its first click, when its
    post is public now; None otherwise. Raises nothing."""
    row = links.feed_link_row(session, code)
    return row if row is not None and row.post_id and is_public(session, row.post_id) else None


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
    """The ETag of a feed, from its stamp's digest alone (no rendering)."""
    changed = st.changed.isoformat() if st.changed else "-"
    raw = f"{RENDER_VERSION}|{scope.path}|{fmt}|{page}|{base}|{st.count}|{changed}|{st.digest}"
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'


def feed_urls(base: str, scope: Scope) -> dict[str, str]:
    """The absolute URLs of a scope's three feeds and its public page."""
    return {
        "atom": f"{base}/feeds/{scope.path}.atom",
        "rss": f"{base}/feeds/{scope.path}.rss",
        "json": f"{base}/feeds/{scope.path}.json",
        "page": f"{base}/p/{scope.path}",
    }
