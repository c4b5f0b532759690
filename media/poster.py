"""A video's poster frame: one still, scaled for previews, written once next to a cache."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from media.probe import ffmpeg_exe

#: Widest poster kept (previews are at most a phone's width).
POSTER_WIDTH = 640


def poster_frame(video: Path, out: Path, at: float = 1.0) -> Path | None:
    """Write the frame at ``at`` seconds (the first frame for a shorter clip) of ``video`` to
    ``out`` as JPEG, unless it is there already. Returns ``out``, or None when ffmpeg cannot
    read a frame (the preview then says so in words). Raises nothing."""
    if out.is_file():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    for seek in (at, 0.0):
        fd, tmp = tempfile.mkstemp(suffix=".jpg", dir=out.parent)
        os.close(fd)
        try:
            done = subprocess.run(
                [
                    ffmpeg_exe(),
                    "-hide_banner",
                    "-nostdin",
                    "-loglevel",
                    "error",
                    "-y",
                    "-ss",
                    f"{seek:.3f}",
                    "-i",
                    str(video),
                    "-frames:v",
                    "1",
                    "-vf",
                    f"scale='min({POSTER_WIDTH},iw)':-2",
                    "-q:v",
                    "4",
                    tmp,
                ],
                capture_output=True,
                timeout=60,
                check=False,
            )
            if done.returncode == 0 and Path(tmp).stat().st_size > 0:
                os.replace(tmp, out)
                return out
        except (subprocess.TimeoutExpired, OSError):
            pass
        finally:
            Path(tmp).unlink(missing_ok=True)
    return None
