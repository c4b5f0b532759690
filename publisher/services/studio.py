"""The media studio's two missing steps: an infographic preview that is not stored, and a
short video rendered from library images into the library (with progress).

Storing goes through :mod:`publisher.services.media` (the lead's module); this module only
adds what the studio page needs on top of it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlmodel import Session

from media.infographic import TEMPLATES, encode, render_infographic
from media.video import VideoSpec, render_video
from publisher.db import session_scope
from publisher.errors import InvalidInput
from publisher.models import MediaAsset
from publisher.services import media as media_svc
from publisher.services.actor import Actor

TEMPLATE_NAMES: tuple[str, ...] = tuple(TEMPLATES)


def template_fields(template: str) -> tuple[str, ...]:
    """The fields a template reads (in display order); raises InvalidInput if unknown."""
    module = TEMPLATES.get(template)
    if module is None:
        raise InvalidInput("error.template_unknown", template=template)
    return tuple(getattr(module, "FIELDS", ("title", "subtitle")))


def preview_infographic(
    session: Session,
    actor: Actor,
    template: str,
    fields: Mapping[str, Any],
    *,
    size: tuple[int, int] = (1080, 1080),
    hashtag: str = "",
) -> bytes:
    """PNG bytes of the infographic in the organisation's brand; nothing is stored.

    Raises PublisherError (the media catalogue's keys) for an empty title, text that cannot
    fit, a bad date or stats."""
    actor.require("media.view")
    org_id = actor.org_id
    if org_id is None:
        raise InvalidInput("error.org_required")
    brand = media_svc.brand_for(session, org_id, hashtag)
    with media_svc.media_errors_translated():
        result = render_infographic(template, fields, brand, size)
        return encode(result.image, "PNG")


def render_video_asset(
    actor: Actor,
    image_ids: Sequence[int],
    *,
    title: str = "",
    subtitle: str = "",
    seconds_per_image: float = 3.0,
    end_card: bool = True,
    hashtag: str = "",
    on_progress: Callable[[float], None] | None = None,
) -> MediaAsset:
    """Render a short clip (title card, the images, an end card) and add it to the library.

    Opens its own sessions on purpose: rendering takes seconds, and holding a write
    transaction that long would block the worker on SQLite. Raises PermissionDenied,
    NotFound for an image the actor cannot see, and PublisherError for the studio's errors
    (no images, too long, ffmpeg failure)."""
    actor.require("media.create")
    if not image_ids:
        raise InvalidInput("error.video_images_required")
    with session_scope(readonly=True) as session:
        assets = [media_svc.get_asset(session, actor, i) for i in image_ids]
        paths: list[str | Path] = [media_svc.asset_file(a) for a in assets if a.kind == "image"]
        if not paths:
            raise InvalidInput("error.video_images_required")
        org_id = assets[0].org_id
        brand = media_svc.brand_for(session, org_id, hashtag)
    spec = VideoSpec(
        images=paths,
        seconds_per_image=seconds_per_image,
        title=title,
        subtitle=subtitle,
        end_card=end_card,
        campaign=hashtag,
        brand=brand,
    )
    with tempfile.TemporaryDirectory(prefix="studio-") as tmp:
        out = Path(tmp) / "clip.mp4"
        with media_svc.media_errors_translated():
            result = render_video(spec, out, on_progress=on_progress)
        with session_scope() as session:
            return media_svc.add_file(
                session,
                actor,
                result.path,
                org_id=org_id,
                filename="clip.mp4",
                title=title or "Video",
                tags=("video",),
                recipe=result.recipe,
                source_kind="generated",
            )
