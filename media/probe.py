"""ffprobe-like facts about a media file, using the ffmpeg bundled with imageio-ffmpeg.

The wheel ships ``ffmpeg`` but not ``ffprobe``, so we read ffmpeg's own description of its
input (``ffmpeg -i``) and count frames by remuxing to the null muxer (no decoding).
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from media import errors


@cache
def ffmpeg_exe() -> str:
    """Path of the bundled ffmpeg binary."""
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


@dataclass(frozen=True)
class Probe:
    """What a media file contains. ``frames`` is only counted when asked for."""

    path: Path
    container: str
    duration: float
    bytes: int
    width: int | None = None
    height: int | None = None
    video_codec: str | None = None
    pix_fmt: str | None = None
    fps: float | None = None
    frames: int | None = None
    audio_codec: str | None = None
    audio_rate: int | None = None
    audio_channels: str | None = None

    @property
    def has_video(self) -> bool:
        return self.video_codec is not None

    @property
    def has_audio(self) -> bool:
        return self.audio_codec is not None


_DURATION = re.compile(r"Duration:\s*(\d+):(\d+):(\d+(?:\.\d+)?)")
_INPUT = re.compile(r"Input #0, (.+?), from '")
_VIDEO = re.compile(r"Stream #0:\d+[^:]*: Video: (\w+)[^\n]*")
_AUDIO = re.compile(r"Stream #0:\d+[^:]*: Audio: (\w+)[^\n]*")
_SIZE = re.compile(r", (\d{2,5})x(\d{2,5})[\s,\[]")
_PIXFMT = re.compile(r"Video: \w+[^,]*, (\w+)(?:\(|,)")
_FPS = re.compile(r", (\d+(?:\.\d+)?) fps")
_AUDIO_RATE = re.compile(r", (\d+) Hz, ([\w.]+)")
_FRAME = re.compile(r"frame=\s*(\d+)")


def _run(args: list[str], timeout: float) -> str:
    try:
        done = subprocess.run(
            [ffmpeg_exe(), "-hide_banner", "-nostdin", *args],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise errors.MediaError(
            errors.FFMPEG_TIMEOUT, "ffmpeg probe timed out", seconds=timeout
        ) from exc
    return done.stderr.decode("utf-8", "replace")


def probe(path: str | Path, *, count_frames: bool = False, timeout: float = 60.0) -> Probe:
    """Describe ``path``: container, duration, video and audio streams.

    Raises :class:`MediaError`: ``file_not_found``, ``empty_file``, ``corrupt_video`` (ffmpeg
    cannot read it), ``ffmpeg_timeout``.
    """
    path = Path(path)
    if not path.is_file():
        raise errors.MediaError(errors.FILE_NOT_FOUND, f"no such file: {path}", file=path.name)
    size = path.stat().st_size
    if size == 0:
        raise errors.MediaError(errors.EMPTY_FILE, f"empty file: {path}", file=path.name)
    info = _run(["-i", str(path)], timeout)
    container = _INPUT.search(info)
    if container is None:
        raise errors.MediaError(errors.CORRUPT_VIDEO, f"unreadable: {path}", file=path.name)
    duration = 0.0
    if m := _DURATION.search(info):
        duration = int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3))
    width = height = None
    vcodec = pix_fmt = None
    fps = None
    if v := _VIDEO.search(info):
        line = v.group(0)
        vcodec = v.group(1)
        if s := _SIZE.search(line):
            width, height = int(s.group(1)), int(s.group(2))
        if p := _PIXFMT.search(line):
            pix_fmt = p.group(1)
        if f := _FPS.search(line):
            fps = float(f.group(1))
    acodec = None
    rate: int | None = None
    channels = None
    if a := _AUDIO.search(info):
        acodec = a.group(1)
        if r := _AUDIO_RATE.search(a.group(0)):
            rate, channels = int(r.group(1)), r.group(2)
    frames = None
    if count_frames and vcodec is not None:
        out = _run(["-i", str(path), "-map", "0:v:0", "-c", "copy", "-f", "null", "-"], timeout)
        found = _FRAME.findall(out)
        frames = int(found[-1]) if found else None
    return Probe(
        path=path,
        container=container.group(1).strip(),
        duration=duration,
        bytes=size,
        width=width,
        height=height,
        video_codec=vcodec,
        pix_fmt=pix_fmt,
        fps=fps,
        frames=frames,
        audio_codec=acodec,
        audio_rate=rate,
        audio_channels=channels,
    )


MAX_AUDIO_BYTES = 200 * 1024 * 1024


def check_audio(path: Path) -> float:
    """Duration of a usable audio file. Raises :class:`MediaError` (bad_audio, audio_too_large)."""
    name = path.name
    if not path.is_file() or path.stat().st_size == 0:
        raise errors.MediaError(errors.BAD_AUDIO, f"missing or empty audio {name}", file=name)
    if path.stat().st_size > MAX_AUDIO_BYTES:
        raise errors.MediaError(
            errors.AUDIO_TOO_LARGE,
            f"audio too large {name}",
            file=name,
            limit_mb=MAX_AUDIO_BYTES // (1024 * 1024),
        )
    try:
        info = probe(path)
    except errors.MediaError as exc:
        raise errors.MediaError(errors.BAD_AUDIO, f"unreadable audio {name}", file=name) from exc
    if not info.has_audio or info.duration <= 0.05:
        raise errors.MediaError(errors.BAD_AUDIO, f"no audio stream in {name}", file=name)
    return info.duration
