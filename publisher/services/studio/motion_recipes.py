"""Motion-graphic clips and music in render recipes (kind ``video``).

- ``{"motion": {"template", "fields", "seconds", "today"}, "size", "fps", "music", "brand",
  "lang"}``: a motion-graphic clip of a template (:mod:`media.motion`), no slides.
- In a slideshow recipe, ``"motion": true`` makes the title a motion-graphic opener and
  ``"music"`` names a library track (:mod:`media.music`) or ``"none"`` (silence; the clip
  still has an audio track). Only library tracks: a recipe never points at a user's file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from media import errors as media_errors
from media import motion as media_motion
from media.brand import BrandKit
from media.infographic import TEMPLATES
from media.music import SILENCE, TRACKS, resolve
from publisher.errors import PublisherError

Progress = Callable[[float], None]
#: The opener lasts at least this long (a title needs time to rise in and be read).
OPENER_SECONDS = 4.0


def is_motion(recipe: Mapping[str, Any]) -> bool:
    """A motion-graphic clip (not a slideshow)."""
    return isinstance(recipe.get("motion"), Mapping)


def music(recipe: Mapping[str, Any]) -> tuple[Path | None, bool]:
    """The recipe's music as ``(file, loop)``. Raises PublisherError (``unknown_track``)."""
    name = str(recipe.get("music") or "none")
    if name.lower() not in SILENCE and name not in TRACKS:
        raise PublisherError(media_errors.UNKNOWN_TRACK, file=name, tracks=", ".join(TRACKS))
    return resolve(name, music_dir())


def music_dir() -> Path:
    """Where the library tracks are generated once: ``<data dir>/media/music``."""
    from publisher.config import get_settings

    return get_settings().media_dir / "music"


def check(recipe: Mapping[str, Any]) -> None:
    """Raises PublisherError: ``unknown_template``, ``bad_motion_seconds``, ``unknown_track``."""
    music_name = str(recipe.get("music") or "none")
    if music_name.lower() not in SILENCE and music_name not in TRACKS:
        raise PublisherError(media_errors.UNKNOWN_TRACK, file=music_name, tracks=", ".join(TRACKS))
    if not is_motion(recipe):
        return
    spec = recipe["motion"]
    template = str(spec.get("template", ""))
    if template not in TEMPLATES:
        raise PublisherError(
            media_errors.UNKNOWN_TEMPLATE, template=template, known=", ".join(TEMPLATES)
        )
    seconds = float(spec.get("seconds", 10.0))
    lo, hi = media_motion.SECONDS_RANGE
    if not lo <= seconds <= hi:
        raise PublisherError(
            media_errors.BAD_MOTION_SECONDS, min=round(lo), max=round(hi), seconds=seconds
        )


def seconds(recipe: Mapping[str, Any]) -> float:
    """Length of a motion-graphic clip."""
    return float(recipe["motion"].get("seconds", 10.0))


def execute(
    recipe: Mapping[str, Any],
    size: tuple[int, int],
    brand: BrandKit,
    out: Path,
    on_progress: Progress,
) -> str:
    """Render the motion-graphic clip to ``out``; returns its alt text.

    Raises MediaError / PublisherError (the job fails).
    """
    spec = recipe["motion"]
    audio, loop = music(recipe)
    today = spec.get("today")
    result = media_motion.render_motion(
        media_motion.MotionSpec(
            template=str(spec["template"]),
            fields=dict(spec.get("fields") or {}),
            size=size,
            seconds=float(spec.get("seconds", 10.0)),
            fps=int(recipe.get("fps", 30)),
            brand=brand,
            audio=audio,
            loop_audio=loop,
            lang=str(recipe.get("lang", "vi")),
            today=date.fromisoformat(today) if today else None,
        ),
        out,
        on_progress=on_progress,
        thumbnail=False,
        threads=1,
    )
    return result.alt
