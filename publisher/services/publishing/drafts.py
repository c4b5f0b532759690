"""What the compose page needs besides :mod:`publisher.services.publishing.posts`:
per-channel limits, live validation of an unsaved draft, pickers, and the preview data of each
platform.

The UI never imports connectors; the facts it shows (limits, problems, the preview kind and
a payload platform's JSON body) come from here.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from connectors.base import OutgoingPost
from connectors.settings import PREVIEW_ARTICLE, PREVIEW_PAYLOAD
from publisher.errors import PublisherError, problem_text
from publisher.models import Channel, MediaAsset, Organisation, Post, STTask
from publisher.services.accounts.actor import Actor
from publisher.services.publishing.attachments import asset_path
from publisher.services.publishing.channels import (
    connector_class,
    get_channel,
    list_channels,
    make_connector,
)
from publisher.services.publishing.posts import problems_for


@dataclass(frozen=True)
class Limits:
    """How a channel counts text and how much it takes."""

    kind: str
    text_max: int
    caption_max: int
    max_media: int

    def limit(self, with_media: bool) -> int:
        return self.caption_max if with_media else self.text_max


def limits(channel: Channel) -> Limits:
    cls = connector_class(channel.kind)
    return Limits(channel.kind, cls.text_max, cls.caption_max, cls.max_media)


def text_length(channel: Channel, text: str) -> int:
    """Length as the platform counts it (Telegram counts UTF-16 code units)."""
    return connector_class(channel.kind).text_length(unicodedata.normalize("NFC", text or ""))


def check_draft(
    session: Session,
    actor: Actor,
    channel_ids: Sequence[int],
    text: str,
    variants: Mapping[int, str] | None = None,
    media_ids: Sequence[int] = (),
    link: str | None = None,
) -> list[str]:
    """Every problem the channels' connectors find with an unsaved draft, translated.

    Nothing is written. Raises NotFound / PermissionDenied for a channel the actor cannot use.
    """
    actor.require("post.compose")
    variants = variants or {}
    channels = [get_channel(session, actor, cid) for cid in channel_ids]
    if not channels:
        return []
    draft = Post(org_id=channels[0].org_id, text=text, link=(link or "").strip() or None)
    texts = [
        (c, unicodedata.normalize("NFC", (variants.get(c.id or 0) or text or ""))) for c in channels
    ]
    visible = [i for i in media_ids if _visible_asset(session, actor, i)]
    return [problem_text(p) for p in problems_for(session, draft, texts, visible)]


def _visible_asset(session: Session, actor: Actor, asset_id: int) -> bool:
    asset = session.get(MediaAsset, asset_id)
    return asset is not None and actor.sees(asset.org_id)


def notices(session: Session, channel: Channel, text: str, media_ids: Sequence[int]) -> list[str]:
    """Non-blocking notes (e.g. Telegram sends a long caption as a second message)."""
    connector = make_connector(channel)
    fn = getattr(connector, "notices", None)
    if fn is None:
        return []
    items = [_item(session, i) for i in media_ids]
    post = OutgoingPost(text=text, media=tuple(i for i in items if i is not None))
    return [problem_text(p) for p in fn(post)]


def _item(session: Session, asset_id: int) -> Any:
    from publisher.services.publishing.attachments import to_item

    asset = session.get(MediaAsset, asset_id)
    return to_item(asset) if asset is not None else None


def channel_choices(session: Session, actor: Actor) -> list[Channel]:
    """Enabled channels the actor may compose a post for (not a loudspeaker system: its
    audio bulletins are made on the bulletins page)."""
    return [
        c for c in list_channels(session, actor) if c.enabled and connector_class(c.kind).composable
    ]


def task_choices(session: Session, actor: Actor) -> list[STTask]:
    """S&T tasks of the actor's organisation (classified ones are never offered)."""
    actor.require("post.view")
    stmt = select(STTask).where(col(STTask.classified).is_(False)).order_by(col(STTask.code))
    if not actor.all_orgs:
        stmt = stmt.where(STTask.org_id == actor.org_id)
    return list(session.exec(stmt))


def org_name(session: Session, org_id: int) -> str:
    org = session.get(Organisation, org_id)
    return org.name if org else ""


def payload_preview(
    session: Session,
    channel: Channel,
    text: str,
    media_ids: Sequence[int],
    *,
    link: str | None = None,
    campaign: str | None = None,
    scheduled_at: datetime | None = None,
) -> str:
    """The JSON body the channel's connector would send (media described, never inlined);
    "{}" for a connector that sends no JSON body."""
    try:
        connector = make_connector(channel)
    except PublisherError:
        return "{}"
    if not hasattr(connector, "build_body"):
        return "{}"
    items = [i for i in (_item(session, m) for m in media_ids) if i is not None]
    meta = {
        "delivery_id": None,
        "post_id": None,
        "organisation": org_name(session, channel.org_id),
        "campaign": campaign,
        "scheduled_at": scheduled_at.isoformat() if scheduled_at else None,
    }
    post = OutgoingPost(text=text, link=link, metadata=meta, idempotency_key="…")
    body = json.loads(connector.build_body(post, now=scheduled_at or datetime.now(UTC)))  # type: ignore[attr-defined]
    body["media"] = [
        {"kind": i.kind, "mime": i.mime, "name": i.path.name, "size": i.size_bytes} for i in items
    ]
    return json.dumps(body, ensure_ascii=False, indent=2)


def media_file(asset: MediaAsset) -> str:
    return asset_path(asset)


@dataclass(frozen=True)
class ChannelPreview:
    """One channel's tab of the previews: its look, counter and notes."""

    name: str
    kind: str
    text: str
    #: Characters the text counts on this channel, and its limit (caption limit with media).
    used: int
    limit: int
    notices: tuple[str, ...]
    #: How it is previewed: the connector's ``preview`` (card, bubble or payload).
    preview: str
    #: The JSON body sent, for the ``payload`` preview ("" for the others).
    payload: str
    #: The ``article`` preview's title, description, author, paragraphs and whether it is
    #: broadcast (empty for the others).
    article: dict[str, Any] = field(default_factory=dict)
    #: How the receiving platform shows it: "zalo" for a Zalo OA webhook (a Zalo message
    #: card), else "" (the payload is all there is to show).
    style: str = ""
    #: The post's link, as the card's button shows it.
    link: str | None = None


@dataclass(frozen=True)
class Previews:
    """What the previews of a post show: one entry per channel, and its media files."""

    channels: tuple[ChannelPreview, ...]
    #: (kind, file) of each medium, in order.
    media: tuple[tuple[str, Path], ...]
    #: Each video's poster frame (None when no frame could be read) and length in seconds.
    videos: dict[Path, VideoPoster] = field(default_factory=dict)


@dataclass(frozen=True)
class VideoPoster:
    poster: Path | None
    duration: float | None


def video_poster(asset: MediaAsset) -> VideoPoster:
    """The poster frame of a video asset (made once, cached under the data folder by the
    file's hash) and its duration. Raises nothing."""
    from media.poster import poster_frame
    from publisher.config import get_settings

    out = get_settings().data_dir / "cache" / "posters" / f"{asset.sha256}.jpg"
    from publisher.services.studio.library import poster_time

    at = poster_time(asset)
    return VideoPoster(poster_frame(Path(media_file(asset)), out, at=at), asset.duration)


def previews(
    session: Session,
    variants: Sequence[tuple[Channel, str]],
    assets: Sequence[MediaAsset],
    *,
    due_at: datetime | None = None,
    link: str | None = None,
    campaign: str | None = None,
    title: str | None = None,
) -> Previews:
    """The previews of ``variants`` (channel, text; the channels and ``assets`` already
    loaded for the actor, so this checks nothing more) for the compose, review and calendar
    pages."""
    media_ids = [a.id for a in assets if a.id]
    out = []
    for channel, text in variants:
        payload = ""
        preview = connector_class(channel.kind).preview
        article: dict[str, Any] = {}
        if preview == PREVIEW_PAYLOAD:
            payload = payload_preview(
                session, channel, text, media_ids, link=link, campaign=campaign, scheduled_at=due_at
            )
        elif preview == PREVIEW_ARTICLE:
            meta = {"title": title or None}
            article = make_connector(channel).article_preview(  # type: ignore[attr-defined]
                OutgoingPost(text=text, link=link, metadata=meta)
            )
        out.append(
            ChannelPreview(
                name=channel.name,
                kind=channel.kind,
                text=text,
                used=text_length(channel, text),
                limit=limits(channel).limit(bool(assets)),
                notices=tuple(notices(session, channel, text, media_ids)),
                preview=preview,
                payload=payload,
                article=article,
                style="zalo" if (channel.settings or {}).get("signature") == "zalo" else "",
                link=link,
            )
        )
    return Previews(
        tuple(out),
        tuple((a.kind, Path(media_file(a))) for a in assets),
        {Path(media_file(a)): video_poster(a) for a in assets if a.kind == "video"},
    )


def hours_warnings(session: Session, actor: Actor, post_id: int) -> list[str]:
    """The warning-only posting hours the post's time is outside of, translated (said after
    a move on the calendar). Raises NotFound for a post the actor cannot see."""
    from publisher.services.publishing import posting_hours, posts

    post = posts.get_post(session, actor, post_id)
    channels = [c for c, _ in posts.variant_texts(session, post)]
    return [
        problem_text(p)
        for p in posting_hours.warnings(
            channels, post.due_at, post.recurrence, post.recurrence_until
        )
    ]
