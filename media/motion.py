"""Motion-graphic clips from the templates: text reveals, count-up numbers, growing bars and a
ticking countdown, streamed to ffmpeg.

The finished infographic (any template, any size, the organisation's brand) is the last frame.
Everything the template drew in its content box is cut into horizontal *bands* (rows of
elements: eyebrow, title, a row of stat cards, a chart row...). Each band rises into place
and fades in, one after the other; chart bars are wiped in from the left; numbers (stat
values, chart values) count up and a countdown ticks down to its day, redrawn with exactly the
face, colour and alignment the template used (``Infographic.drawn``). The header, footer and
safe areas are the template's own, so a 9:16 clip keeps the Stories/Reels zones free.

Why frames from Python and not an ffmpeg ``drawtext`` graph: drawtext has no Vietnamese
line breaking, fitting or WCAG checks, and the layout is already solved by the templates.
Everything static is drawn once with Pillow; per frame only the rows where something moves
are composited (a few crops and pastes) and converted to yuv420p (Pillow's YCbCr with a range
lookup table) into planes kept between frames; frames where nothing moves reuse the previous
bytes. The raw yuv420p frames are piped to one ffmpeg process (the imageio-ffmpeg binary)
that encodes H.264 and adds the audio. Sending yuv420p rather than RGB halves the frames
queued inside ffmpeg (its threaded pipeline keeps several per stage), which were most of its
memory, and spares it the colour conversion.
"""

from __future__ import annotations

import subprocess
import tempfile
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from PIL import Image

from media import errors
from media.alt import motion_alt_text
from media.brand import BrandKit
from media.files import atomic_path
from media.infographic import render_infographic
from media.motion_frames import Frames, plan
from media.probe import check_audio, ffmpeg_exe
from media.sizes import even
from media.templates.base import Canvas, Infographic
from media.video_graph import X264, audio_input

Progress = Callable[[float], None]
SECONDS_RANGE = (3.0, 30.0)


@dataclass(frozen=True)
class MotionSpec:
    """A motion-graphic clip of ``template`` with ``fields`` (see :mod:`media.infographic`)."""

    template: str = "campaign"
    fields: Mapping[str, Any] = field(default_factory=dict)
    size: tuple[int, int] = (1080, 1920)
    seconds: float = 10.0
    fps: int = 30
    brand: BrandKit = field(default_factory=BrandKit)
    audio: str | Path | None = None
    #: Loop the audio (library tracks are seamless loops); a user's file is padded instead.
    loop_audio: bool = False
    lang: str = "vi"
    today: date | None = None


@dataclass(frozen=True)
class MotionResult:
    path: Path
    thumbnail: Path | None
    duration: float
    size: tuple[int, int]
    alt: str
    recipe: dict[str, Any]


def frames_at(spec: MotionSpec, times: list[float]) -> list[Image.Image]:
    """The clip's frames at ``times`` (seconds, ascending) as composited before encoding (RGB):
    for previews and tests. Raises the template's errors."""
    frames, _final = _frames(spec)
    return [frames.rgb(t) for t in times]


def _frames(spec: MotionSpec) -> tuple[Frames, Infographic]:
    """The frame source and the finished card. Raises the template's errors."""
    size = even(spec.size)
    final = render_infographic(spec.template, dict(spec.fields), spec.brand, size,
                               lang=spec.lang, today=spec.today)  # fmt: skip
    clean = Canvas(spec.brand, size, spec.lang).image.convert("RGB")
    base, bands, counters, _end = plan(final, clean)
    return Frames(base, bands, counters, min(size) / 1080), final


def validate(spec: MotionSpec) -> None:
    """Raises :class:`MediaError` (``bad_motion_seconds``) for a length outside 3..30 s."""
    lo, hi = SECONDS_RANGE
    if not lo <= spec.seconds <= hi:
        raise errors.MediaError(errors.BAD_MOTION_SECONDS, f"{spec.seconds} s", min=round(lo),
                                max=round(hi), seconds=spec.seconds)  # fmt: skip


def render_motion(
    spec: MotionSpec,
    out: str | Path,
    *,
    on_progress: Progress | None = None,
    thumbnail: bool = True,
    timeout: float | None = None,
    threads: int = 2,
    container: str = "mp4",
) -> MotionResult:
    """Render a motion-graphic clip to ``out`` (H.264 yuv420p + AAC MP4; ``container="mpegts"``
    gives a video-only MPEG-TS part to join with a slideshow). ``threads``: x264 threads; more
    than two add memory (a frame in flight is ~12 MB with its sub-pixel planes at 1080x1920)
    and no speed on a 2-core machine (measured: 14.1 s and 346 MB for ffmpeg with 2, 14.3 s
    and 367 MB with 0 = auto).

    The poster (the finished card, PNG) is written beside it as ``<name>.thumb.png``.
    Raises :class:`MediaError`: the template's errors (``text_too_long``, ``text_no_room``,
    ``bad_field``...), ``bad_motion_seconds``, ``bad_audio``, ``ffmpeg_failed``, ``ffmpeg_timeout``,
    ``write_failed``.
    """
    validate(spec)
    if spec.audio is not None:
        check_audio(Path(spec.audio))
    out = Path(out)
    size = even(spec.size)
    report = on_progress or (lambda _f: None)
    frames, final = _frames(spec)
    total_frames = round(spec.seconds * spec.fps)
    total = total_frames / spec.fps
    limit = timeout if timeout is not None else max(120.0, total * 12)
    report(0.02)
    with atomic_path(out) as partial:
        cmd = command(size, spec.fps, total, partial, spec.audio, spec.loop_audio, threads,
                      container)  # fmt: skip
        _stream(cmd, frames, total_frames, spec.fps, limit, report)
    thumb = None
    if thumbnail:
        thumb = out.with_name(out.stem + ".thumb.png")
        with atomic_path(thumb) as partial_thumb:
            final.image.convert("RGB").save(partial_thumb, "PNG")
    report(1.0)
    recipe = {
        "kind": "motion",
        "template": spec.template,
        "fields": {k: v for k, v in spec.fields.items() if k != "photo"},
        "size": list(size),
        "seconds": spec.seconds,
        "fps": spec.fps,
        "audio": str(spec.audio) if spec.audio else None,
    }
    return MotionResult(out, thumb, total, size, motion_alt_text(final.alt, spec.lang), recipe)


def command(
    size: tuple[int, int],
    fps: int,
    total: float,
    out: Path,
    audio: str | Path | None,
    loop_audio: bool,
    threads: int,
    container: str = "mp4",
) -> list[str]:
    """ffmpeg reading raw yuv420p frames (BT.601, limited range) on stdin; audio (music or
    silence) added for MP4."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
           "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{size[0]}x{size[1]}",
           "-r", str(fps), "-i", "pipe:0"]  # fmt: skip
    if container == "mpegts":
        return [*cmd, "-map", "0:v", *X264, "-threads", str(threads), "-t", f"{total:.3f}",
                "-f", "mpegts", str(out)]  # fmt: skip
    args, maps, graph = audio_input(1, audio, total, loop=loop_audio)
    cmd += args
    if graph:
        cmd += ["-filter_complex", graph]
    return [*cmd, "-map", "0:v", *maps, *X264, "-r", str(fps), "-threads", str(threads),
            "-movflags", "+faststart", "-t", f"{total:.3f}", str(out)]  # fmt: skip


def _stream(
    cmd: list[str], frames: Frames, count: int, fps: int, limit: float, report: Progress
) -> None:
    """Pipe ``count`` frames into ffmpeg. Raises ``ffmpeg_failed`` / ``ffmpeg_timeout``."""
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                stderr=err)  # fmt: skip
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            proc.kill()

        timer = threading.Timer(limit, kill)
        timer.start()
        broken = False
        try:
            assert proc.stdin is not None
            for k in range(count):
                try:
                    proc.stdin.write(frames.at(k / fps))
                except (BrokenPipeError, OSError):
                    broken = True
                    break
                if k % 15 == 0:
                    report(0.02 + 0.96 * k / count)
            try:
                proc.stdin.close()
            except OSError:
                broken = True
            code = proc.wait()
        finally:
            timer.cancel()
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        if timed_out.is_set():
            raise errors.MediaError(errors.FFMPEG_TIMEOUT, "ffmpeg timed out", seconds=round(limit))
        if code != 0 or broken:
            err.seek(0)
            detail = err.read().decode("utf-8", "replace").strip().splitlines()
            last = detail[-1][:200] if detail else f"exit {code}"
            raise errors.MediaError(errors.FFMPEG_FAILED, last, detail=last)
