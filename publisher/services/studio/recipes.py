"""Render recipes: plain JSON describing how to make an asset, checked and executed.

A recipe is everything a render needs except the database: the brand is snapshotted into it
(colours, name, logo asset id) and so is the countdown's "today", so the same recipe always
renders the same picture. That makes jobs idempotent: same recipe -> same ``recipe_hash`` ->
one job; same pixels -> same sha256 -> one asset.

Kinds:

- ``infographic``: ``{template, fields, size, today, lang, brand}``.
- ``video``: ``{slides: [{"infographic": recipe} | {"asset_id": n}], title, subtitle,
  eyebrow, end_card, campaign, size, seconds_per_image, fps, brand, motion, music}``, or a
  motion-graphic clip ``{motion: {template, fields, seconds, today}, size, fps, music,
  brand}`` (see :mod:`publisher.services.studio.motion_recipes`).
- ``fit``: ``{asset_id, sha256, channel_kind, limits, size}``: one channel's version of an
  asset (re-rendered at ``size`` when the asset is an auto-sized infographic, then fitted to
  the channel's byte/side/duration limits).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any, cast

from sqlmodel import Session

from media import errors as media_errors
from media import fit as media_fit
from media.alt import clip_alt_text
from media.brand import BrandKit
from media.infographic import MIN_SIDE, TEMPLATES, encode, render_infographic
from media.video import MAX_SECONDS, SECONDS_RANGE, VideoSpec, render_video
from publisher.db import session_scope
from publisher.errors import InvalidInput, PublisherError
from publisher.models import MediaAsset
from publisher.services.studio import library as media_svc
from publisher.services.studio import motion_recipes

KINDS: tuple[str, ...] = ("infographic", "video", "fit")
MAX_SIDE = 4096
Progress = Callable[[float], None]


def canonical(recipe: Mapping[str, Any]) -> str:
    """The recipe as canonical JSON; keys starting with ``_`` (bookkeeping) are left out."""
    clean = {k: v for k, v in recipe.items() if not str(k).startswith("_")}
    return json.dumps(clean, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def recipe_hash(kind: str, recipe: Mapping[str, Any]) -> str:
    return hashlib.sha256(f"{kind}\n{canonical(recipe)}".encode()).hexdigest()


# -- building ------------------------------------------------------------------------------
def brand_snapshot(session: Session, org_id: int, hashtag: str = "") -> dict[str, Any]:
    """The organisation's brand kit as JSON (logo by asset id). Raises NotFound."""
    kit = media_svc.brand_for(session, org_id, hashtag)
    from publisher.models import Organisation

    org = session.get(Organisation, org_id)
    return {
        "org_name": kit.org_name,
        "primary": kit.primary,
        "accent": kit.accent,
        "hashtag": kit.hashtag,
        "logo_asset_id": org.logo_asset_id if org is not None else None,
        "emblem_asset_id": (org.brand_kit or {}).get("emblem_asset_id") if org else None,
        "website": kit.website,
        "header_line1": kit.header_line1,
        "header_line2": kit.header_line2,
        "source": kit.source,
    }


def infographic_recipe(
    template: str,
    fields: Mapping[str, Any],
    size: tuple[int, int],
    *,
    brand: Mapping[str, Any],
    today: date,
    lang: str = "vi",
    auto_size: bool = False,
) -> dict[str, Any]:
    """An infographic recipe; ``auto_size`` lets each channel get a re-render at its size."""
    recipe: dict[str, Any] = {
        "template": template,
        "fields": {k: (v.isoformat() if isinstance(v, date) else v) for k, v in fields.items()},
        "size": [int(size[0]), int(size[1])],
        "today": today.isoformat(),
        "lang": lang,
        "brand": dict(brand),
    }
    if auto_size:
        recipe["auto_size"] = True
    return recipe


def fit_recipe(
    asset: MediaAsset, channel_kind: str, limits: Any, size: tuple[int, int] | None
) -> dict[str, Any]:
    """One channel's version of ``asset`` (``limits``: a ``connectors.base.MediaLimits``)."""
    raw = asdict(limits)
    return {
        "asset_id": asset.id,
        "sha256": asset.sha256,
        "channel_kind": channel_kind,
        "limits": {k: (list(v) if isinstance(v, tuple) else v) for k, v in raw.items()},
        "size": list(size) if size else None,
    }


def video_seconds(recipe: Mapping[str, Any]) -> float:
    """The clip's length as :func:`media.video.render_video` will make it."""
    if motion_recipes.is_motion(recipe):
        return motion_recipes.seconds(recipe)
    opener = 0.0
    if recipe.get("motion") is True and recipe.get("title"):
        # The motion opener is its own part, joined without a crossfade.
        opener = max(motion_recipes.OPENER_SECONDS, float(recipe.get("title_seconds", 2.5)))
        recipe = {k: v for k, v in recipe.items() if k != "title"}
    return opener + _slideshow_seconds(recipe)


def _slideshow_seconds(recipe: Mapping[str, Any]) -> float:
    spi = float(recipe.get("seconds_per_image", 3.0))
    parts = [spi] * len(recipe.get("slides", []))
    if recipe.get("title"):
        parts.insert(0, float(recipe.get("title_seconds", 2.5)))
    if recipe.get("end_card"):
        parts.append(float(recipe.get("end_seconds", 2.5)))
    if not parts:
        return 0.0
    cross = 0.0 if len(parts) == 1 else min(float(recipe.get("crossfade", 0.5)), min(parts) / 2)
    return sum(parts) - cross * (len(parts) - 1)


# -- checking ------------------------------------------------------------------------------
def _size(recipe: Mapping[str, Any], minimum: int) -> tuple[int, int]:
    size = recipe.get("size")
    try:
        w, h = int(size[0]), int(size[1])  # type: ignore[index]
    except (TypeError, ValueError, IndexError) as exc:
        raise InvalidInput("renders.error.bad_recipe", field="size") from exc
    if not (minimum <= w <= MAX_SIDE and minimum <= h <= MAX_SIDE):
        raise PublisherError(media_errors.BAD_SIZE, value=f"{w}x{h}")
    return w, h


def check(session: Session, org_id: int, kind: str, recipe: Mapping[str, Any]) -> None:
    """Refuse a recipe that can never render. Raises InvalidInput / PublisherError with the
    media catalogue's keys (unknown template, impossible size, missing source, too long)."""
    if kind not in KINDS:
        raise InvalidInput("renders.error.unknown_kind", kind=kind)
    if kind == "infographic":
        _check_infographic(recipe)
    elif kind == "video" and motion_recipes.is_motion(recipe):
        _size(recipe, 64)
        motion_recipes.check(recipe)
    elif kind == "video":
        motion_recipes.check(recipe)  # the music
        slides = recipe.get("slides")
        if not isinstance(slides, list):
            raise InvalidInput("renders.error.bad_recipe", field="slides")
        _size(recipe, 64)
        for slide in slides:
            if "infographic" in slide:
                _check_infographic(slide["infographic"])
            else:
                _source(session, org_id, slide.get("asset_id"))
        seconds = video_seconds(recipe)
        if seconds > MAX_SECONDS:
            raise PublisherError(
                media_errors.VIDEO_TOO_LONG, seconds=round(seconds), limit=round(MAX_SECONDS)
            )
        lo, hi = SECONDS_RANGE
        if not lo <= float(recipe.get("seconds_per_image", 3.0)) <= hi:
            raise PublisherError(media_errors.BAD_DURATION, min=lo, max=hi)
    else:
        _source(session, org_id, recipe.get("asset_id"))
        if not isinstance(recipe.get("limits"), Mapping):
            raise InvalidInput("renders.error.bad_recipe", field="limits")


def _check_infographic(recipe: Mapping[str, Any]) -> None:
    template = str(recipe.get("template", ""))
    if template not in TEMPLATES:
        raise PublisherError(
            media_errors.UNKNOWN_TEMPLATE, template=template, known=", ".join(TEMPLATES)
        )
    _size(recipe, MIN_SIDE)


def _source(session: Session, org_id: int, asset_id: Any) -> MediaAsset:
    asset = session.get(MediaAsset, asset_id) if isinstance(asset_id, int) else None
    if asset is None or asset.org_id != org_id:
        raise InvalidInput("renders.error.source_missing", asset=asset_id)
    return asset


# -- executing -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Output:
    """What a render produced: a file to add to the library, or an existing asset."""

    path: Path | None
    filename: str
    source: str = "generated"
    parent_id: int | None = None
    reuse_asset_id: int | None = None
    kind: str = "image"
    #: Alternative text built from the content (infographics).
    alt: str = ""


def _brand(brand: Mapping[str, Any]) -> BrandKit:
    logo = None
    logo_id = brand.get("logo_asset_id")
    if logo_id:
        with session_scope(readonly=True) as session:
            asset = session.get(MediaAsset, logo_id)
            logo = media_svc.asset_file(asset) if asset is not None else None
    emblem = None
    if emblem_id := brand.get("emblem_asset_id"):
        with session_scope(readonly=True) as session:
            asset = session.get(MediaAsset, int(emblem_id))
            emblem = media_svc.asset_file(asset) if asset is not None else None
    return BrandKit(
        org_name=str(brand.get("org_name", "")),
        logo=logo,
        emblem=emblem,
        primary=str(brand.get("primary", "#0B3D91")),
        accent=str(brand.get("accent", "#F2A900")),
        hashtag=str(brand.get("hashtag", "")),
        website=str(brand.get("website", "")),
        header_line1=str(brand.get("header_line1", "")),
        header_line2=str(brand.get("header_line2", "")),
        source=str(brand.get("source", "")),
    )


def _infographic_image(recipe: Mapping[str, Any], size: tuple[int, int] | None = None) -> Any:
    return _infographic(recipe, size).image


def _infographic(recipe: Mapping[str, Any], size: tuple[int, int] | None = None) -> Any:
    w, h = size or _size(recipe, MIN_SIDE)
    return render_infographic(
        str(recipe["template"]),
        dict(recipe.get("fields") or {}),
        _brand(recipe.get("brand") or {}),
        (w, h),
        lang=str(recipe.get("lang", "vi")),
        today=date.fromisoformat(str(recipe["today"])),
    )


def _asset_path(org_id: int, asset_id: Any) -> tuple[MediaAsset, Path]:
    with session_scope(readonly=True) as session:
        asset = _source(session, org_id, asset_id)
        path = media_svc.asset_file(asset)
    if not path.is_file():
        raise media_errors.MediaError(media_errors.FILE_NOT_FOUND, "missing", file=path.name)
    return asset, path


def execute(
    kind: str, recipe: Mapping[str, Any], org_id: int, workdir: Path, on_progress: Progress
) -> Output:
    """Render one recipe into ``workdir``. Raises MediaError / PublisherError (job fails)."""
    if kind == "infographic":
        result = _infographic(recipe)
        image = result.image
        out = workdir / f"{recipe['template']}.png"
        out.write_bytes(encode(image, "PNG"))
        name = f"{recipe['template']}-{image.width}x{image.height}.png"
        return Output(out, name, alt=result.alt)
    if kind == "video":
        return _execute_video(recipe, org_id, workdir, on_progress)
    return _execute_fit(recipe, org_id, workdir)


def _execute_video(
    recipe: Mapping[str, Any], org_id: int, workdir: Path, on_progress: Progress
) -> Output:
    size = _size(recipe, 64)
    if motion_recipes.is_motion(recipe):
        out = workdir / "clip.mp4"
        brand = _brand(recipe.get("brand") or {})
        alt = motion_recipes.execute(recipe, size, brand, out, on_progress)
        return Output(out, f"motion-{size[0]}x{size[1]}.mp4", kind="video", alt=alt)
    audio, loop = motion_recipes.music(recipe)
    images: list[Any] = []
    for slide in recipe.get("slides", []):
        if "infographic" in slide:
            images.append(_infographic_image(slide["infographic"], size))
        else:
            images.append(_asset_path(org_id, slide.get("asset_id"))[1])
    spec = VideoSpec(
        images=images,
        size=size,
        seconds_per_image=float(recipe.get("seconds_per_image", 3.0)),
        crossfade=float(recipe.get("crossfade", 0.5)),
        zoom=bool(recipe.get("zoom", False)),
        captions=[str(c) for c in recipe.get("captions", [])],
        title=str(recipe.get("title", "")),
        subtitle=str(recipe.get("subtitle", "")),
        eyebrow=str(recipe.get("eyebrow", "")),
        end_card=bool(recipe.get("end_card", False)),
        campaign=str(recipe.get("campaign", "")),
        fps=int(recipe.get("fps", 30)),
        audio=audio,
        loop_audio=loop,
        motion=recipe.get("motion") is True,
        brand=_brand(recipe.get("brand") or {}),
        lang=str(recipe.get("lang", "vi")),
    )
    out = workdir / "clip.mp4"
    # One encoder thread per render: the executor slots, not ffmpeg, decide the parallelism,
    # which keeps memory and CPU per render bounded and predictable.
    render_video(spec, out, on_progress=on_progress, thumbnail=False, threads=1)
    alt = clip_alt_text(spec.title, spec.subtitle, list(spec.captions), spec.brand, spec.campaign)
    return Output(out, f"clip-{size[0]}x{size[1]}.mp4", kind="video", alt=alt)


def _execute_fit(recipe: Mapping[str, Any], org_id: int, workdir: Path) -> Output:
    asset, path = _asset_path(org_id, recipe.get("asset_id"))
    limits_raw = dict(recipe["limits"])
    values: dict[str, Any] = {
        k: (tuple(v) if isinstance(v, list) else v) for k, v in limits_raw.items()
    }
    limits = media_fit.Limits(**values)
    if asset.kind == "video" and asset.duration and asset.duration > limits.video_max_seconds:
        # Cutting the clip to fit would publish it half-done: refuse instead.
        raise PublisherError(
            "renders.error.video_too_long",
            seconds=round(asset.duration),
            limit=round(limits.video_max_seconds),
            channel=str(recipe.get("channel_kind", "")),
        )
    rerendered = False
    size = recipe.get("size")
    if size and asset.recipe.get("auto_size") and list(size) != asset.recipe.get("size"):
        image = _infographic_image(asset.recipe, (int(size[0]), int(size[1])))
        path = workdir / "resized.png"
        path.write_bytes(encode(image, "PNG"))
        rerendered = True
    fitted = media_fit.fit(path, cast(Any, limits), workdir / "fit")
    if not fitted.changed and not rerendered:
        return Output(None, "", reuse_asset_id=asset.id, kind=asset.kind)
    stem = Path(asset.title or "asset").stem[:40] or "asset"
    return Output(
        fitted.path,
        f"{stem}-{recipe.get('channel_kind', '')}{fitted.path.suffix}",
        source="fitted",
        parent_id=asset.id,
        kind=fitted.kind,
    )
