"""The files attached to a post, described for connectors' validation."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from connectors.base import MediaItem
from publisher.config import get_settings
from publisher.models import MediaAsset, Post, PostMedia


def asset_path(asset: MediaAsset) -> str:
    return str(get_settings().media_dir / asset.path)


def to_item(asset: MediaAsset) -> MediaItem:
    from pathlib import Path

    return MediaItem(
        path=Path(asset_path(asset)),
        kind=asset.kind,
        mime=asset.mime,
        size_bytes=asset.bytes,
        width=asset.width,
        height=asset.height,
        duration=asset.duration,
        alt_text=asset.alt_text,
    )


def post_media_items(
    session: Session, post: Post, media_ids: Sequence[int] | None = None
) -> list[MediaItem]:
    """The post's media in order (or the given ids, for a post not yet saved)."""
    if media_ids is None:
        rows = session.exec(
            select(MediaAsset)
            .join(PostMedia, col(PostMedia.asset_id) == col(MediaAsset.id))
            .where(PostMedia.post_id == post.id)
            .order_by(col(PostMedia.position))
        ).all()
        return [to_item(a) for a in rows]
    assets = [session.get(MediaAsset, i) for i in media_ids]
    return [to_item(a) for a in assets if a is not None]
