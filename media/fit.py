"""Fit an asset to a channel's limits (resolution, bytes, duration, format), once, cached.

The limits object is duck-typed (:class:`FitLimits`): ``connectors.base.MediaLimits`` fits,
and so does :class:`Limits` here, so media never imports connectors. Fitted files are cached
under ``cache_dir`` by (content sha256, limits), so each asset is re-encoded at most once per
distinct set of limits, however many channels or retries ask for it.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from PIL import Image

from media import errors
from media.files import atomic_path, sha256_file
from media.images import flatten, open_image
from media.infographic import encode
from media.probe import ffmpeg_exe, probe
from media.video import run_ffmpeg

IMAGE_EXTS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}
VIDEO_EXTS = {".mp4", ".mov", ".m4v", ".webm", ".mkv", ".avi"}


class FitLimits(Protocol):
    image_max_bytes: int
    video_max_bytes: int
    image_max_side: int
    video_max_seconds: float
    image_formats: tuple[str, ...]
    video_formats: tuple[str, ...]


@dataclass(frozen=True)
class Limits:
    """Plain limits, field-compatible with ``connectors.base.MediaLimits``."""

    image_max_bytes: int = 10 * 1024 * 1024
    video_max_bytes: int = 50 * 1024 * 1024
    image_max_side: int = 4096
    video_max_seconds: float = 600.0
    image_formats: tuple[str, ...] = ("JPEG", "PNG")
    video_formats: tuple[str, ...] = ("mp4",)
    video_max_side: int = 1920


@dataclass(frozen=True)
class Fitted:
    """A file that satisfies the limits. ``changed`` is False when the original already did."""

    path: Path
    kind: str
    changed: bool
    bytes: int


def limits_key(limits: FitLimits) -> str:
    """Stable short key of the limit values (part of the cache file name)."""
    values = {
        "ib": limits.image_max_bytes,
        "vb": limits.video_max_bytes,
        "is": limits.image_max_side,
        "vs": limits.video_max_seconds,
        "if": sorted(f.upper() for f in limits.image_formats),
        "vf": sorted(f.lower() for f in limits.video_formats),
        "vside": getattr(limits, "video_max_side", 1920),
    }
    raw = json.dumps(values, sort_keys=True).encode()
    return hashlib.sha256(raw).hexdigest()[:12]


def _is_video(path: Path) -> bool:
    return path.suffix.lower() in VIDEO_EXTS


def fit(
    path: str | Path, limits: FitLimits, cache_dir: str | Path, *, timeout: float = 900.0
) -> Fitted:
    """Return a file within ``limits``: the original when it already fits, else a cached copy.

    Raises :class:`MediaError`: image errors (corrupt, bomb, unsupported), ``corrupt_video``,
    ``cannot_fit`` (no quality or size reaches the byte budget), ``ffmpeg_*``, ``write_failed``.
    """
    path = Path(path)
    if not path.is_file():
        raise errors.MediaError(errors.FILE_NOT_FOUND, f"no such file {path}", file=path.name)
    cache = Path(cache_dir)
    digest = sha256_file(path)
    key = f"{digest}-{limits_key(limits)}"
    for existing in cache.glob(f"{key}.*") if cache.is_dir() else ():
        if not existing.name.startswith("."):
            return Fitted(
                existing, "video" if _is_video(existing) else "image", True, existing.stat().st_size
            )
    if _is_video(path):
        return _fit_video(path, limits, cache / f"{key}.mp4", timeout)
    return _fit_image(path, limits, cache, key)


def _fit_image(path: Path, limits: FitLimits, cache: Path, key: str) -> Fitted:
    allowed = {f.upper().replace("JPG", "JPEG") for f in limits.image_formats}
    with Image.open(path) as probe_img:
        fmt = probe_img.format or ""
        side = max(probe_img.size)
    size = path.stat().st_size
    if fmt in allowed and size <= limits.image_max_bytes and side <= limits.image_max_side:
        open_image(path)  # still refuse a corrupt file rather than forward it
        return Fitted(path, "image", False, size)
    image = open_image(path)
    if max(image.size) > limits.image_max_side:
        image.thumbnail((limits.image_max_side, limits.image_max_side), Image.Resampling.LANCZOS)
    out_fmt = "JPEG" if "JPEG" in allowed else ("PNG" if "PNG" in allowed else sorted(allowed)[0])
    if image.mode == "RGBA" and "PNG" in allowed:
        out_fmt = "PNG"  # keep transparency where the channel accepts PNG
    budget = limits.image_max_bytes
    data = b""
    if out_fmt == "PNG":
        data = encode(image, "PNG", None)
        if len(data) > budget and "JPEG" in allowed:
            out_fmt, data = "JPEG", b""
        elif len(data) > budget:
            raise errors.MediaError(errors.CANNOT_FIT, "PNG over budget", limit=budget)
    if out_fmt != "PNG":
        data = _jpeg_within(flatten(image, (255, 255, 255)), budget, out_fmt)
    out = cache / f"{key}{IMAGE_EXTS.get(out_fmt, '.img')}"
    with atomic_path(out) as tmp:
        tmp.write_bytes(data)
    return Fitted(out, "image", True, len(data))


def _encode(image: Image.Image, fmt: str, quality: int, optimize: bool = False) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, quality=quality, optimize=optimize)
    return buffer.getvalue()


def _jpeg_within(image: Image.Image, budget: int, fmt: str = "JPEG") -> bytes:
    """The best-quality encoding under ``budget`` bytes, shrinking the picture if needed.

    Cheap probes first (no Huffman optimisation), so a 12-megapixel photo takes a handful
    of encodes rather than a ladder of slow ones. Raises :class:`MediaError` (cannot_fit).
    """
    lo_q, hi_q = 45, 92
    for _ in range(6):
        size_at_lo = len(_encode(image, fmt, lo_q))
        if size_at_lo <= budget:
            break
        # Bytes scale roughly with pixel count: shrink by the square root of the overshoot.
        factor = (budget / size_at_lo) ** 0.5 * 0.92
        new = (int(image.width * factor), int(image.height * factor))
        if min(new) < 64:
            raise errors.MediaError(errors.CANNOT_FIT, "image cannot fit", limit=budget)
        image = image.resize(new, Image.Resampling.LANCZOS)
    else:
        raise errors.MediaError(errors.CANNOT_FIT, "image cannot fit", limit=budget)
    best = lo_q
    while lo_q <= hi_q:  # largest quality that fits
        mid = (lo_q + hi_q) // 2
        if len(_encode(image, fmt, mid)) <= budget:
            best, lo_q = mid, mid + 1
        else:
            hi_q = mid - 1
    # Huffman optimisation never makes the file larger than the probe that fitted.
    return _encode(image, fmt, best, optimize=True)


def _fit_video(path: Path, limits: FitLimits, out: Path, timeout: float) -> Fitted:
    info = probe(path)
    if not info.has_video:
        raise errors.MediaError(errors.CORRUPT_VIDEO, "no video stream", file=path.name)
    max_side = int(getattr(limits, "video_max_side", 1920))
    formats = {f.lower() for f in limits.video_formats}
    fits = (
        path.suffix.lower().lstrip(".") in formats
        and info.video_codec == "h264"
        and info.pix_fmt == "yuv420p"
        and info.duration <= limits.video_max_seconds
        and info.bytes <= limits.video_max_bytes
        and max(info.width or 0, info.height or 0) <= max_side
    )
    if fits:
        return Fitted(path, "video", False, info.bytes)
    duration = max(0.1, min(info.duration, limits.video_max_seconds))
    audio_kbps = 128 if info.has_audio else 0
    total_kbps = limits.video_max_bytes * 8 / 1000 / duration * 0.9  # container overhead
    video_kbps = total_kbps - audio_kbps
    if video_kbps < 400 and info.has_audio:
        audio_kbps, video_kbps = 64, total_kbps - 64
    w, h = info.width or max_side, info.height or max_side
    scale = min(1.0, max_side / max(w, h))
    tw, th = max(2, int(w * scale) // 2 * 2), max(2, int(h * scale) // 2 * 2)
    for _attempt in range(3):
        if video_kbps < 100:
            break
        try:
            with atomic_path(out) as tmp:
                cmd = [
                    ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
                    "-i", str(path), "-t", f"{duration:.3f}", "-map", "0:v:0", "-map", "0:a:0?",
                    "-vf", f"scale={tw}:{th}:flags=bicubic,format=yuv420p,setsar=1",
                    "-c:v", "libx264", "-preset", "veryfast", "-b:v", f"{int(video_kbps)}k",
                    "-maxrate", f"{int(video_kbps * 1.2)}k", "-bufsize", f"{int(video_kbps * 2)}k",
                    "-pix_fmt", "yuv420p", "-movflags", "+faststart",
                    *(["-c:a", "aac", "-b:a", f"{audio_kbps}k"] if audio_kbps else ["-an"]),
                    "-progress", "pipe:1", "-nostats", str(tmp),
                ]  # fmt: skip
                run_ffmpeg(cmd, duration, timeout, None)
                size = tmp.stat().st_size
                if size > limits.video_max_bytes:
                    raise _OverBudget  # atomic_path discards the temporary file
        except _OverBudget:
            video_kbps *= 0.7
            continue
        return Fitted(out, "video", True, size)
    raise errors.MediaError(errors.CANNOT_FIT, "video cannot fit", limit=limits.video_max_bytes)


class _OverBudget(Exception):
    pass
