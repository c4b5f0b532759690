"""Channel versions: every channel's version of every file a post needs, made by the render queue.

For each post that will be published (draft to scheduled, due in the future or within the
grace) and each of its channels, one ``fit`` render job makes the channel's version of each
attached asset (re-rendered at the channel's size for auto-sized cards, fitted to the
channel's limits), with the post's due time as its deadline. This is the only route by which
media is fitted: the publish path never fits a file itself. It asks :func:`channel_media`,
which answers with a type:

- :class:`Versions`: every file has its finished channel version (upload these);
- :class:`NotReady`: a card, clip or channel version is queued, rendering, failed, cancelled
  or not queued yet (:func:`ensure_versions` queues it, idempotently); nothing is sent;
- :class:`Unusable`: a finished version's file is gone from the media store.

:func:`wake_waiting` makes the deliveries held for their media due at once when the render
they waited for finishes (called in the render's own transaction).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from connectors.base import MediaItem
from publisher.config import get_settings
from publisher.i18n import t
from publisher.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    MediaAsset,
    Post,
    PostMedia,
    PostStatus,
    PostVariant,
    RenderJob,
    RenderStatus,
)
from publisher.services.accounts.actor import Actor
from publisher.services.publishing import channels as channels_svc
from publisher.services.publishing.attachments import to_item
from publisher.services.statuses import MEDIA_WAITING
from publisher.services.studio import recipes as recipes
from publisher.services.studio import render_jobs as renders_svc
from publisher.timeutil import utcnow

S = RenderStatus
#: Posts whose media is still going to be published.
LIVE_STATUSES = (
    PostStatus.DRAFT,
    PostStatus.IN_REVIEW,
    PostStatus.SCHEDULED,
    PostStatus.PUBLISHING,
)
#: Fits run ahead of publishing: before the post's due time, more urgent than new cards.
FIT_PRIORITY = 10
SYSTEM = Actor.system("worker:prepare")


def channel_size(channel: Channel) -> tuple[int, int]:
    """The card size for a channel: its ``image_size`` setting ("1080x1350") or the size its
    platform shows best (the connector's ``card_size``)."""
    raw = str((channel.settings or {}).get("image_size") or "")
    if "x" in raw:
        w, _, h = raw.partition("x")
        if w.isdigit() and h.isdigit():
            return int(w), int(h)
    return channels_svc.connector_class(channel.kind).card_size


def channel_fit_recipe(asset: MediaAsset, channel: Channel) -> dict[str, Any]:
    limits = channels_svc.connector_class(channel.kind).media_limits(channel.settings)
    size = channel_size(channel) if asset.recipe.get("auto_size") else None
    return recipes.fit_recipe(asset, channel.kind, limits, size)


#: ``error_kind`` of a delivery put back to ``pending`` until its media is rendered.
WAITING = MEDIA_WAITING


@dataclass(frozen=True)
class Missing:
    """A render the publication waits for (``job_id`` None: not even queued yet)."""

    job_id: int | None
    kind: str = "fit"
    status: str | None = None
    asset_id: int | None = None

    @classmethod
    def of(cls, job: RenderJob, asset_id: int | None = None) -> Missing:
        return cls(job.id, job.kind, job.status, asset_id)

    def label(self, lang: str | None = None) -> str:
        if self.job_id is None:
            return t("renders.missing.unqueued", lang, asset=self.asset_id)
        return t(
            "renders.missing.job",
            lang,
            job=self.job_id,
            kind=t(f"renders.kind.{self.kind}", lang),
            status=t(f"renders.status.{self.status}", lang),
        )


@dataclass(frozen=True)
class Versions:
    """Every file of the post in this channel's finished version, in the post's order."""

    items: tuple[MediaItem, ...] = ()


@dataclass(frozen=True)
class NotReady:
    """The post's media for this channel is not rendered yet: nothing may be sent."""

    missing: tuple[Missing, ...]

    @property
    def job_ids(self) -> list[int]:
        return sorted({m.job_id for m in self.missing if m.job_id is not None})

    @property
    def unqueued(self) -> bool:
        """Whether some file has no channel version queued yet."""
        return any(m.job_id is None for m in self.missing)

    def labels(self, lang: str | None = None) -> str:
        return "; ".join(m.label(lang) for m in self.missing)

    def refs(self) -> dict[str, str]:
        """Language-neutral references for an alert: job ids, and assets not yet queued."""
        assets = sorted({m.asset_id for m in self.missing if m.job_id is None and m.asset_id})
        return {
            "jobs": ", ".join(f"#{i}" for i in self.job_ids) or "-",
            "assets": ", ".join(f"#{i}" for i in assets) or "-",
        }


@dataclass(frozen=True)
class Unusable:
    """A finished channel version cannot be uploaded: its file is gone from the store."""

    file: str
    detail: str

    def __str__(self) -> str:
        return f"{self.file}: {self.detail}"


ChannelMedia = Versions | NotReady | Unusable


#: The media kind that needs no channel version (audio bulletins).
AUDIO = "audio"


def _post_assets(session: Session, post_id: int) -> list[MediaAsset]:
    return list(
        session.exec(
            select(MediaAsset)
            .join(PostMedia, col(PostMedia.asset_id) == col(MediaAsset.id))
            .where(PostMedia.post_id == post_id)
            .order_by(col(PostMedia.position))
        )
    )


def _post_channels(session: Session, post_id: int) -> list[Channel]:
    return list(
        session.exec(
            select(Channel)
            .join(PostVariant, col(PostVariant.channel_id) == col(Channel.id))
            .where(PostVariant.post_id == post_id)
            .order_by(col(Channel.id))
        )
    )


def ensure_versions(
    session: Session, post: Post, channel: Channel, *, deadline: datetime | None = None
) -> list[RenderJob]:
    """Queue the channel version of each of the post's files for ``channel`` (idempotent:
    one job per recipe; an existing job's deadline only moves earlier). Returns the jobs
    created now. Fits whose source is invalid fail as jobs (alerting), never here."""
    created: list[RenderJob] = []
    for asset in _post_assets(session, post.id or 0):
        if asset.kind == AUDIO:
            continue  # made for the channel already (see channel_media)
        job, new = renders_svc.enqueue(
            session,
            SYSTEM,
            "fit",
            channel_fit_recipe(asset, channel),
            org_id=post.org_id,
            priority=FIT_PRIORITY,
            deadline=deadline or post.due_at,
            check=False,
            capped=False,
        )
        if new:
            created.append(job)
    return created


def ensure_fits(session: Session, post_ids: Iterable[int] | None = None) -> int:
    """Queue the missing channel versions of live posts' media; returns how many were new.

    Idempotent (each version is one recipe). ``post_ids`` limits the sweep to those posts.
    """
    grace = timedelta(seconds=get_settings().missed_grace_seconds)
    stmt = select(Post).where(
        col(Post.status).in_(LIVE_STATUSES),
        col(Post.due_at).is_not(None),
        col(Post.due_at) >= utcnow() - grace,
        col(Post.id).in_(select(PostMedia.post_id)),
    )
    if post_ids is not None:
        stmt = stmt.where(col(Post.id).in_(list(post_ids)))
    created = 0
    for post in session.exec(stmt).all():
        assert post.id is not None
        for channel in _post_channels(session, post.id):
            created += len(ensure_versions(session, post, channel))
    return created


def channel_media(session: Session, post: Post, channel: Channel) -> ChannelMedia:
    """What to upload for ``post`` on ``channel``: only finished channel versions.

    :class:`NotReady` while a card or clip of the post, or a channel version, is queued,
    rendering, failed, cancelled or not queued at all; :class:`Unusable` when a finished
    version's file is missing from the store.
    """
    assert post.id is not None
    own = session.exec(
        select(RenderJob).where(
            RenderJob.post_id == post.id,
            col(RenderJob.kind).in_(renders_svc.POST_MEDIA_KINDS),
            RenderJob.status != S.DONE,
        )
    ).all()
    missing = [Missing.of(j) for j in own if renders_svc.attaches(j)]
    items: list[MediaItem] = []
    for asset in _post_assets(session, post.id):
        if asset.kind == AUDIO:
            # An audio bulletin is made at the bitrate loudspeaker systems take: it travels
            # as it is, no channel version.
            item = to_item(asset)
            if not item.path.is_file():
                return Unusable(item.path.name, "file missing from the media store")
            items.append(item)
            continue
        job = renders_svc.find(session, post.org_id, "fit", channel_fit_recipe(asset, channel))
        if job is None:
            missing.append(Missing(None, asset_id=asset.id))
            continue
        result = session.get(MediaAsset, job.result_asset_id) if job.result_asset_id else None
        if job.status != S.DONE or result is None:
            missing.append(Missing.of(job, asset.id))
            continue
        item = to_item(result)
        if not item.path.is_file():
            return Unusable(item.path.name, "file missing from the media store")
        items.append(item)
    if missing:
        return NotReady(tuple(missing))
    return Versions(tuple(items))


def settled_media(session: Session, post: Post, channel: Channel) -> ChannelMedia:
    """:func:`channel_media` read again under row locks on the renders it waits for, in a
    writing transaction: a render that finishes concurrently either committed before (and
    is seen here) or waits for this transaction (and its :func:`wake_waiting` then sees what
    this one wrote). SQLite's single writer orders them anyway."""
    state = channel_media(session, post, channel)
    if isinstance(state, NotReady) and state.job_ids:
        session.exec(
            select(RenderJob)
            .where(col(RenderJob.id).in_(state.job_ids))
            .order_by(col(RenderJob.id))
            .with_for_update()
            .execution_options(populate_existing=True)
        ).all()
        state = channel_media(session, post, channel)
    return state


def wake_waiting(session: Session, job: RenderJob) -> list[int]:
    """Deliveries held for their media that ``job`` (just finished) completes: made due now,
    in the caller's transaction. Returns their ids.

    The link is the job's recipe: a channel version names its source asset (the posts that
    carry it, on channels of its kind); a card or clip names its post. Only deliveries whose
    every file is now ready (or unusable, which fails them at once) are woken.
    """
    post_ids: set[int] = {job.post_id} if job.post_id is not None else set()
    kind = None
    if job.kind == "fit":
        kind = str(job.recipe.get("channel_kind") or "")
        source = job.recipe.get("asset_id")
        if isinstance(source, int):
            post_ids |= set(
                session.exec(select(PostMedia.post_id).where(PostMedia.asset_id == source))
            )
    if not post_ids:
        return []
    stmt = (
        select(Delivery, Channel)
        .join(Channel, col(Channel.id) == col(Delivery.channel_id))
        .where(
            col(Delivery.post_id).in_(sorted(post_ids)),
            Delivery.status == DeliveryStatus.PENDING,
            Delivery.error_kind == WAITING,
        )
        .order_by(col(Delivery.id))
    )
    if kind:
        stmt = stmt.where(Channel.kind == kind)
    now = utcnow()
    woken: list[int] = []
    posts: dict[int, Post | None] = {}
    for delivery, channel in session.exec(stmt).all():
        if delivery.next_attempt_at <= now:
            continue
        if delivery.post_id not in posts:
            posts[delivery.post_id] = session.get(Post, delivery.post_id)
        post = posts[delivery.post_id]
        if post is None or isinstance(channel_media(session, post, channel), NotReady):
            continue
        assert delivery.id is not None
        woken.append(delivery.id)
    if woken:
        session.execute(
            update(Delivery)
            .where(
                col(Delivery.id).in_(woken),
                col(Delivery.status) == DeliveryStatus.PENDING,
                col(Delivery.error_kind) == WAITING,
            )
            .values(next_attempt_at=now)
        )
    return woken


def wait_report(session: Session, job_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Status of the given jobs (for the CLI and tests)."""
    rows = session.exec(select(RenderJob).where(col(RenderJob.id).in_(list(job_ids))))
    return [renders_svc.describe(j) for j in rows]
