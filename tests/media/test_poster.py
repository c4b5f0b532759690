"""A video's poster frame for previews, and how the preview shows a clip."""

from __future__ import annotations

import subprocess
from pathlib import Path

from PIL import Image

from media.poster import poster_frame
from media.probe import ffmpeg_exe


def _clip(path: Path, seconds: float = 2.0) -> Path:
    subprocess.run(
        [
            ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
            f"color=c=0x0B3D91:s=1280x720:d={seconds}", "-pix_fmt", "yuv420p", str(path),
        ],
        check=True,
        timeout=60,
    )  # fmt: skip
    return path


def test_the_poster_is_a_scaled_frame_of_the_clip(tmp_path):
    out = poster_frame(_clip(tmp_path / "clip.mp4"), tmp_path / "cache" / "p.jpg")
    assert out is not None
    with Image.open(out) as img:
        assert img.format == "JPEG" and img.size == (640, 360)
        r, _g, b = img.convert("RGB").getpixel((320, 180))
        assert b > 120 and r < 40  # the clip's blue, not a black box
    stamp = out.stat().st_mtime_ns
    assert poster_frame(tmp_path / "gone.mp4", out) == out and out.stat().st_mtime_ns == stamp


def test_a_clip_shorter_than_the_seek_still_gets_its_first_frame(tmp_path):
    out = poster_frame(_clip(tmp_path / "short.mp4", 0.4), tmp_path / "p.jpg", at=1.0)
    assert out is not None and out.stat().st_size > 0


def test_a_file_that_is_not_a_video_has_no_poster_and_leaves_nothing(tmp_path):
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"not a video at all")
    assert poster_frame(bad, tmp_path / "cache" / "p.jpg") is None
    assert list((tmp_path / "cache").iterdir()) == []


def test_the_preview_shows_the_poster_and_length_never_the_file_name(tmp_path):
    from publisher.services.publishing.drafts import VideoPoster
    from ui.components.previews import _media_html, duration_text

    clip = _clip(tmp_path / ("a" * 64 + ".mp4"))
    poster = poster_frame(clip, tmp_path / "p.jpg")
    html = _media_html([("video", clip)], "x", {clip: VideoPoster(poster, 75.4)})
    assert "data:image/jpeg;base64," in html and ">1:15<" in html and "a" * 64 not in html
    bare = _media_html([("video", clip)], "x", {clip: VideoPoster(None, None)})
    assert "a" * 64 not in bare and "Video" in bare
    assert duration_text(3725) == "1:02:05" and duration_text(None) == ""
