"""Ahead-of-time media: every channel's version of every file a scheduled post needs.

For each post that will be published (draft to scheduled, due in the future or within the
grace) and each of its channels, one ``fit`` render job makes the channel's version of each
attached asset (re-rendered at the channel's size for auto-sized cards, fitted to the
channel's limits), with the post's due time as its deadline. The publish path then only looks
up the finished file (:func:`ready_media`): when a render is not finished it raises
:class:`MediaNotReady` naming the renders it waits for, and nothing is sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlmodel import Session, col, select

from connectors.base import MediaItem
from publisher.config import get_settings
from publisher.i18n import t
from publisher.models import (
    Channel,
    MediaAsset,
    Post,
    PostMedia,
    PostStatus,
    PostVariant,
    RenderJob,
    RenderStatus,
)
from publisher.services import channels as channels_svc
from publisher.services import render_recipes as recipes
from publisher.services import renders as renders_svc
from publisher.services.actor import Actor
from publisher.services.media_items import to_item
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


@dataclass
class Missing:
    """A render the publication waits for (``job`` None: not even queued yet)."""

    job: RenderJob | None
    asset_id: int | None = None

    def label(self, lang: str | None = None) -> str:
        if self.job is None:
            return t("renders.missing.unqueued", lang, asset=self.asset_id)
        return t(
            "renders.missing.job",
            lang,
            job=self.job.id,
            kind=t(f"renders.kind.{self.job.kind}", lang),
            status=t(f"renders.status.{self.job.status}", lang),
        )


@dataclass
class MediaNotReady(Exception):
    """The post's media for this channel is not rendered yet; nothing may be sent."""

    missing: list[Missing] = field(default_factory=list)

    def labels(self, lang: str | None = None) -> str:
        return "; ".join(m.label(lang) for m in self.missing)

    def refs(self) -> dict[str, str]:
        """Language-neutral references for an alert: job ids, and assets not yet queued."""
        jobs = sorted({m.job.id for m in self.missing if m.job is not None and m.job.id})
        assets = sorted({m.asset_id for m in self.missing if m.job is None and m.asset_id})
        return {
            "jobs": ", ".join(f"#{i}" for i in jobs) or "-",
            "assets": ", ".join(f"#{i}" for i in assets) or "-",
        }

    def __str__(self) -> str:
        return self.labels("en")


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


def ensure_fits(session: Session, post_ids: Iterable[int] | None = None) -> int:
    """Queue the missing channel versions of live posts' media; returns how many were new.

    Idempotent (each version is one recipe). ``post_ids`` limits the sweep to those posts.
    Fits whose source is invalid fail as jobs (alerting), never here.
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
            for asset in _post_assets(session, post.id):
                _, new = renders_svc.enqueue(
                    session,
                    SYSTEM,
                    "fit",
                    channel_fit_recipe(asset, channel),
                    org_id=post.org_id,
                    priority=FIT_PRIORITY,
                    deadline=post.due_at,
                    check=False,
                    capped=False,
                )
                created += int(new)
    return created


def ready_media(
    session: Session, post: Post, channel: Channel
) -> tuple[list[MediaItem], bool] | None:
    """The files to upload for ``post`` on ``channel``, all rendered ahead of time.

    Returns ``(items, fitted)``; None when the post's media is not managed by the render
    queue (no job for it: an old post or one approved moments before its time), so the
    caller fits inline as before. Raises :class:`MediaNotReady` when a card, clip or channel
    version is queued, rendering, failed or cancelled.
    """
    assert post.id is not None
    own = session.exec(
        select(RenderJob).where(
            RenderJob.post_id == post.id,
            col(RenderJob.kind).in_(renders_svc.POST_MEDIA_KINDS),
            RenderJob.status != S.DONE,
        )
    ).all()
    missing = [Missing(j) for j in own if renders_svc.attaches(j)]
    items: list[MediaItem] = []
    fitted = False
    managed = bool(missing)
    for asset in _post_assets(session, post.id):
        job = renders_svc.find(session, post.org_id, "fit", channel_fit_recipe(asset, channel))
        if job is None:
            missing.append(Missing(None, asset.id))
            continue
        managed = True
        if job.status != S.DONE or job.result_asset_id is None:
            missing.append(Missing(job, asset.id))
            continue
        result = session.get(MediaAsset, job.result_asset_id)
        if result is None:
            missing.append(Missing(job, asset.id))
            continue
        fitted = fitted or result.id != asset.id
        item = to_item(result)
        items.append(item)
    if not managed:
        return None
    if missing:
        raise MediaNotReady(missing)
    return items, fitted


def wait_report(session: Session, job_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Status of the given jobs (for the CLI and tests)."""
    rows = session.exec(select(RenderJob).where(col(RenderJob.id).in_(list(job_ids))))
    return [renders_svc.describe(j) for j in rows]
