"""Short video clips: a slideshow with title and end cards, captions, crossfades, zoom, audio.

Why not MoviePy compositing: per-frame numpy compositing in Python is ~10x slower than the
same composition in one ffmpeg filter graph (PLATFORMS.md). So every static layer (cards,
slides, captions) is drawn once with Pillow (:mod:`media.video_cards`) and one ffmpeg process
does the moving parts: hold (``loop``), slow zoom (``scale`` per frame + ``crop``), caption
``overlay``, ``xfade`` crossfades, audio trim/pad/fades, H.264 + AAC encoding. Progress comes
from ``-progress pipe:1``.
"""

from __future__ import annotations

import ctypes
import gc
import subprocess
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from media import errors, text
from media.brand import BrandKit
from media.files import atomic_path
from media.probe import MAX_AUDIO_BYTES as MAX_AUDIO_BYTES  # re-exported
from media.probe import check_audio as _check_audio
from media.sizes import DEFAULT_VIDEO_SIZE, even
from media.video_cards import caption_layer, end_card, slide, title_card
from media.video_graph import (
    MAX_SEGMENTS_PER_GRAPH,
    Part,
    Segment,
    chunk_command,
    chunks,
    join_command,
    plan,
    single_command,
)

MAX_IMAGES = 30
MAX_SECONDS = 180.0
SECONDS_RANGE = (1.0, 20.0)

Progress = Callable[[float], None]


@dataclass(frozen=True)
class VideoSpec:
    """What to put in a clip. ``captions[i]`` is burned into image ``i`` (may be shorter)."""

    images: Sequence[str | Path | Image.Image]
    size: tuple[int, int] = DEFAULT_VIDEO_SIZE
    seconds_per_image: float = 3.0
    crossfade: float = 0.5
    zoom: bool = False
    title: str = ""
    subtitle: str = ""
    eyebrow: str = ""
    title_seconds: float = 2.5
    end_card: bool = False
    campaign: str = ""
    end_seconds: float = 2.5
    captions: Sequence[str] = ()
    audio: str | Path | None = None
    #: Loop the audio to the clip's length (library tracks are seamless loops).
    loop_audio: bool = False
    #: The title as a motion-graphic opener (text reveal, countdown ticking; see
    #: :mod:`media.motion`) instead of a still title card; ``opener_fields`` are extra fields
    #: of the ``campaign`` template for it (``date``, ``countdown``, ``day_name``).
    motion: bool = False
    opener_fields: Mapping[str, Any] = field(default_factory=dict)
    fps: int = 30
    brand: BrandKit = field(default_factory=BrandKit)
    lang: str = "vi"


@dataclass(frozen=True)
class VideoResult:
    path: Path
    thumbnail: Path | None
    duration: float
    size: tuple[int, int]
    recipe: dict[str, Any]


def _validate(spec: VideoSpec) -> None:
    if not spec.images and not spec.title:
        raise errors.MediaError(errors.NO_IMAGES, "no images")
    if len(spec.images) > MAX_IMAGES:
        raise errors.MediaError(
            errors.TOO_MANY_IMAGES, "too many images", count=len(spec.images), limit=MAX_IMAGES
        )
    lo, hi = SECONDS_RANGE
    for seconds in (spec.seconds_per_image, spec.title_seconds, spec.end_seconds):
        if not lo <= seconds <= hi:
            raise errors.MediaError(errors.BAD_DURATION, f"{seconds} s", min=lo, max=hi)


def run_ffmpeg(cmd: list[str], total: float, timeout: float, on_progress: Progress | None) -> None:
    """Run ffmpeg, reporting ``out_time`` / ``total`` as progress; kill it after ``timeout``.

    Raises :class:`MediaError` (``ffmpeg_failed``, ``ffmpeg_timeout``).
    """
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL)
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            proc.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            assert proc.stdout is not None
            for raw in proc.stdout:
                line = raw.decode("ascii", "replace").strip()
                if on_progress and line.startswith("out_time_us=") and total > 0:
                    try:
                        done = int(line.split("=", 1)[1]) / 1e6
                    except ValueError:
                        continue
                    on_progress(max(0.0, min(0.99, done / total)))
            code = proc.wait()
        finally:
            timer.cancel()
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        if timed_out.is_set():
            raise errors.MediaError(
                errors.FFMPEG_TIMEOUT, "ffmpeg timed out", seconds=round(timeout)
            )
        if code != 0:
            err.seek(0)
            detail = err.read().decode("utf-8", "replace").strip().splitlines()
            last = detail[-1][:200] if detail else f"exit {code}"
            raise errors.MediaError(errors.FFMPEG_FAILED, last, detail=last)


def _save_still(image: Image.Image, path: Path) -> Path:
    """Scratch file read once by ffmpeg: BMP for opaque pictures (no compression cost),
    fast PNG for layers with transparency."""
    if image.mode == "RGBA":
        image.save(path, "PNG", compress_level=1)
        return path
    path = path.with_suffix(".bmp")
    image.convert("RGB").save(path, "BMP")
    return path


def render_video(
    spec: VideoSpec,
    out: str | Path,
    *,
    on_progress: Progress | None = None,
    thumbnail: bool = True,
    timeout: float | None = None,
    preset: str = "veryfast",
    threads: int = 0,
) -> VideoResult:
    """Render ``spec`` to an MP4 at ``out`` (H.264 yuv420p, +faststart, AAC when audio).

    ``on_progress(fraction)`` is called with 0..1. The file appears only when complete; the
    thumbnail (first card, PNG) is written beside it as ``<name>.thumb.png``.
    Raises :class:`MediaError`: ``no_images``, ``too_many_images``, ``bad_duration``,
    ``video_too_long``, ``bad_audio``, ``audio_too_large``, image errors, ``text_too_long``,
    ``ffmpeg_failed``, ``ffmpeg_timeout``, ``write_failed``.
    """
    _validate(spec)
    out = Path(out)
    size = even(spec.size)
    brand = spec.brand
    audio = Path(spec.audio) if spec.audio else None
    if audio is not None:
        _check_audio(audio)
    report = on_progress or (lambda _f: None)
    report(0.0)
    with tempfile.TemporaryDirectory(prefix="media-video-") as tmp_dir:
        tmp = Path(tmp_dir)
        segments: list[Segment] = []
        first_frame: Image.Image | None = None
        title = text.clean(spec.title, brand.font_family)
        opener: Path | None = None
        opener_seconds = 0.0
        if title and spec.motion:
            opener, opener_seconds = _opener(spec, size, tmp, threads)
            first_frame = first_frame or Image.open(opener.with_suffix(".thumb.png")).convert("RGB")
        elif title:
            card = title_card(brand, size, title, spec.subtitle, spec.eyebrow, spec.lang)
            first_frame = card
            segments.append(Segment(_save_still(card, tmp / "title.png"), spec.title_seconds))
        for i, source in enumerate(spec.images):
            picture = slide(source, size, brand)
            caption = spec.captions[i] if i < len(spec.captions) else ""
            layer = caption_layer(size, caption, brand) if caption else None
            overlay = None
            if layer is not None and not spec.zoom:
                picture = Image.alpha_composite(picture.convert("RGBA"), layer).convert("RGB")
            elif layer is not None:
                overlay = _save_still(layer, tmp / f"caption{i}.png")
            first_frame = first_frame or picture
            segments.append(
                Segment(
                    _save_still(picture, tmp / f"slide{i}.png"),
                    spec.seconds_per_image,
                    spec.zoom,
                    overlay,
                )
            )
            report(0.02 + 0.08 * (i + 1) / max(1, len(spec.images)))
        has_end = any((brand.org_name, brand.logo, brand.hashtag, brand.website, spec.campaign))
        if spec.end_card and has_end:  # an end card with nothing on it is skipped
            card = end_card(brand, size, spec.campaign, spec.lang)
            segments.append(Segment(_save_still(card, tmp / "end.png"), spec.end_seconds))
        if len(segments) <= 1:
            crossfade = 0.0
        else:
            crossfade = max(0.0, min(spec.crossfade, min(s.seconds for s in segments) / 2))
        fade = round(crossfade * spec.fps)
        parts = plan(segments, spec.fps, fade)
        total = sum(p.frames(fade) for p in parts) / spec.fps + opener_seconds
        if total > MAX_SECONDS:
            raise errors.MediaError(
                errors.VIDEO_TOO_LONG, "too long", seconds=round(total), limit=round(MAX_SECONDS)
            )
        limit = timeout if timeout is not None else max(120.0, total * 12)
        _release_memory()  # the stills are on disk now; give their memory back before ffmpeg
        # Zooming parts each keep a few scaled frames alive: smaller chunks keep memory flat.
        groups = chunks(parts, 2 if spec.zoom else MAX_SEGMENTS_PER_GRAPH) if parts else []
        with atomic_path(out) as partial:
            if len(groups) == 1 and opener is None:
                cmd = single_command(
                    parts,
                    segments,
                    size,
                    partial,
                    fps=spec.fps,
                    fade=fade,
                    audio=audio,
                    total=total,
                    threads=threads,
                    loop=spec.loop_audio,
                )
                run_ffmpeg(cmd, total, limit, lambda f: report(0.1 + 0.88 * f))
            else:
                _render_chunks(
                    groups,
                    segments,
                    size,
                    partial,
                    tmp,
                    spec.fps,
                    fade,
                    audio,
                    total,
                    limit,
                    threads,
                    report,
                    head=opener,
                    head_seconds=opener_seconds,
                    loop=spec.loop_audio,
                )
        thumb_path = None
        if thumbnail and first_frame is not None:
            thumb_path = out.with_name(out.stem + ".thumb.png")
            with atomic_path(thumb_path) as partial_thumb:
                first_frame.save(partial_thumb, "PNG", optimize=False)
    report(1.0)
    recipe = {
        "kind": "video",
        "images": [str(p) for p in spec.images if not isinstance(p, Image.Image)],
        "size": list(size),
        "seconds_per_image": spec.seconds_per_image,
        "crossfade": spec.crossfade,
        "zoom": spec.zoom,
        "title": spec.title,
        "subtitle": spec.subtitle,
        "end_card": spec.end_card,
        "campaign": spec.campaign,
        "captions": list(spec.captions),
        "audio": str(audio) if audio else None,
        "motion": spec.motion,
        "fps": spec.fps,
        "brand": {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(brand).items()},
    }
    return VideoResult(out, thumb_path, total, size, recipe)


def _render_chunks(
    groups: list[list[Part]],
    segments: list[Segment],
    size: tuple[int, int],
    out: Path,
    tmp: Path,
    fps: int,
    fade: int,
    audio: Path | None,
    total: float,
    limit: float,
    threads: int,
    report: Progress,
    *,
    head: Path | None = None,
    head_seconds: float = 0.0,
    loop: bool = False,
) -> None:
    """Encode each chunk to MPEG-TS, then join them by stream copy with the audio
    (``head``: an already encoded first part, the motion opener)."""
    files: list[Path] = [head] if head is not None else []
    done = head_seconds
    for k, group in enumerate(groups):
        seconds = sum(p.frames(fade) for p in group) / fps
        chunk = tmp / f"chunk{k:03d}.ts"

        def progress(f: float, before: float = done, length: float = seconds) -> None:
            report(0.1 + 0.86 * (before + f * length) / total)

        run_ffmpeg(
            chunk_command(group, segments, size, chunk, fps=fps, fade=fade, threads=threads),
            seconds,
            limit,
            progress,
        )
        done += seconds
        files.append(chunk)
    listing = tmp / "chunks.txt"
    listing.write_text(
        "".join("file '" + str(f).replace("'", "'\\''") + "'\n" for f in files), encoding="utf-8"
    )
    run_ffmpeg(
        join_command(listing, out, audio=audio, total=total, fps=fps, loop=loop),
        total,
        limit,
        lambda f: report(0.96 + 0.03 * f),
    )


def _opener(spec: VideoSpec, size: tuple[int, int], tmp: Path, threads: int) -> tuple[Path, float]:
    """The motion-graphic opener as a video-only MPEG-TS part (same x264 settings as the
    slideshow chunks, so they join by stream copy) and its length."""
    from media.motion import MotionSpec, render_motion  # motion imports the templates

    fields: dict[str, Any] = {"title": spec.title, "subtitle": spec.subtitle}
    fields.update({k: v for k, v in spec.opener_fields.items() if v not in (None, "")})
    seconds = max(4.0, spec.title_seconds)
    motion = MotionSpec("campaign", fields, size, seconds, spec.fps, spec.brand, lang=spec.lang)
    result = render_motion(motion, tmp / "opener.ts", container="mpegts", threads=threads)
    return result.path, result.duration


def _release_memory() -> None:
    """Return freed heap pages to the OS (glibc keeps them otherwise), so the Python
    process does not sit on the stills' memory while ffmpeg runs."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
