"""The post as a connector sees it: text, fitted media, idempotency key, metadata."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from sqlmodel import Session, select

from connectors.base import MediaItem, OutgoingPost
from publisher.config import get_settings
from publisher.models import Campaign, Channel, Delivery, Organisation, Post, PostVariant
from publisher.services import channels as channels_svc
from publisher.services import prepare as prepare_svc
from publisher.services.media_items import post_media_items


class MediaFitFailed(Exception):
    """A media file could not be fitted to the channel's limits (nothing was published)."""

    def __init__(self, file: str, detail: str) -> None:
        super().__init__(f"{file}: {detail}")
        self.file = file
        self.detail = detail


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
    fitted: bool


def fitted_dir() -> Path:
    return get_settings().media_dir / "fitted"


def _fit(items: list[MediaItem], channel: Channel) -> tuple[list[MediaItem], bool]:
    """Fit each item to the channel's limits (cached by content + limits in media.fit)."""
    try:
        from media import fit as media_fit
        from media.errors import MediaError
    except ImportError:  # media package absent: send the originals, the connector validates
        return items, False
    limits = channels_svc.connector_class(channel.kind).media_limits(channel.settings)
    out: list[MediaItem] = []
    changed = False
    for item in items:
        try:
            fitted = media_fit.fit(item.path, cast(Any, limits), fitted_dir())
        except MediaError as exc:
            raise MediaFitFailed(item.path.name, str(exc)) from exc
        except OSError as exc:
            raise MediaFitFailed(item.path.name, str(exc)) from exc
        if fitted.changed:
            changed = True
            out.append(
                MediaItem(
                    path=fitted.path,
                    kind=item.kind,
                    mime="video/mp4"
                    if item.kind == "video"
                    else MediaItem.from_path(fitted.path).mime,
                    size_bytes=fitted.bytes,
                    duration=item.duration,
                )
            )
        else:
            out.append(item)
    return out, changed


def prepare(session: Session, delivery: Delivery) -> Prepared:
    """Build the outgoing post of a claimed delivery.

    Raises :class:`MediaFitFailed` if a file cannot be fitted; KeyError-free otherwise.
    """
    assert delivery.id is not None
    post = session.get(Post, delivery.post_id)
    channel = session.get(Channel, delivery.channel_id)
    assert post is not None and channel is not None and channel.id is not None
    variant = session.exec(
        select(PostVariant).where(
            PostVariant.post_id == post.id, PostVariant.channel_id == channel.id
        )
    ).first()
    text = variant.text if variant is not None and variant.text is not None else post.text
    org = session.get(Organisation, post.org_id)
    campaign = session.get(Campaign, post.campaign_id) if post.campaign_id else None
    # Rendered ahead of time by the render queue (raises MediaNotReady while it is not);
    # posts the queue does not manage are fitted here as before.
    ready = prepare_svc.ready_media(session, post, channel)
    items, fitted = ready if ready is not None else _fit(post_media_items(session, post), channel)
    metadata = {
        "post_id": post.id,
        "delivery_id": delivery.id,
        "organisation": org.slug if org else None,
        "channel": channel.name,
        "campaign": campaign.slug if campaign else None,
        "scheduled_at": delivery.due_at.isoformat(),
        "occurrence": delivery.occurrence or None,
        "first_attempt_at": (delivery.first_attempt_at or delivery.updated_at).isoformat(),
    }
    outgoing = OutgoingPost(
        text=text,
        media=tuple(items),
        link=post.link,
        idempotency_key=delivery.idempotency_key,
        marker=f"r57-{delivery.idempotency_key[:12]}",
        metadata=metadata,
    )
    return Prepared(
        delivery_id=delivery.id,
        post_id=post.id or 0,
        channel_id=channel.id,
        channel_name=channel.name,
        channel_kind=channel.kind,
        org_id=post.org_id,
        outgoing=outgoing,
        previous_error=delivery.error_kind,
        attempts=delivery.attempts,
        fitted=fitted,
    )
