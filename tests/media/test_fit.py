from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PIL import Image

from connectors.base import MediaLimits
from media import errors
from media.fit import Limits, fit
from media.probe import ffmpeg_exe, probe


@pytest.fixture(scope="module")
def big_photo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A noisy 3000x2000 JPEG of a few MB: hard to compress, like a real photo."""
    import numpy as np

    rng = np.random.default_rng(0)
    path = tmp_path_factory.mktemp("fit") / "big.jpg"
    Image.fromarray(rng.integers(0, 255, (2000, 3000, 3), dtype=np.uint8)).save(path, quality=95)
    return path


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 6 s 640x360 clip with audio, encoded wastefully (high bitrate, yuv444p)."""
    path = tmp_path_factory.mktemp("fit-video") / "clip.mov"
    subprocess.run(
        [
            ffmpeg_exe(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=s=640x360:d=6:r=30",
            "-f",
            "lavfi",
            "-i",
            "sine=d=6",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-qp",
            "0",
            "-pix_fmt",
            "yuv444p",
            "-c:a",
            "aac",
            "-shortest",
            str(path),
        ],
        check=True,
        timeout=120,
    )
    return path


def test_zalo_images_end_up_under_one_megabyte(big_photo: Path, tmp_path: Path) -> None:
    assert big_photo.stat().st_size > 1024 * 1024
    fitted = fit(big_photo, Limits(image_max_bytes=1024 * 1024), tmp_path)
    assert fitted.changed
    assert fitted.path.stat().st_size <= 1024 * 1024
    assert Image.open(fitted.path).format == "JPEG"


def test_connector_media_limits_are_accepted_as_is(big_photo: Path, tmp_path: Path) -> None:
    limits = MediaLimits(
        image_max_bytes=800_000, video_max_bytes=50 * 1024 * 1024, image_max_side=1280
    )
    fitted = fit(big_photo, limits, tmp_path)
    with Image.open(fitted.path) as image:
        assert max(image.size) <= 1280
    assert fitted.bytes <= 800_000


def test_a_file_that_already_fits_is_passed_through(
    assets: dict[str, Path], tmp_path: Path
) -> None:
    fitted = fit(assets["photo0"], Limits(), tmp_path)
    assert not fitted.changed
    assert fitted.path == assets["photo0"]
    assert list(tmp_path.iterdir()) == []


def test_fitting_happens_once_and_is_cached(big_photo: Path, tmp_path: Path) -> None:
    limits = Limits(image_max_bytes=500_000)
    first = fit(big_photo, limits, tmp_path)
    mtime = first.path.stat().st_mtime_ns
    second = fit(big_photo, limits, tmp_path)
    assert second.path == first.path
    assert second.path.stat().st_mtime_ns == mtime
    other = fit(big_photo, Limits(image_max_bytes=300_000), tmp_path)
    assert other.path != first.path


def test_transparent_png_keeps_alpha_where_png_is_allowed(
    assets: dict[str, Path], tmp_path: Path
) -> None:
    fitted = fit(assets["transparent"], Limits(image_max_side=200), tmp_path)
    with Image.open(fitted.path) as image:
        assert image.format == "PNG" and image.mode == "RGBA" and max(image.size) == 200


def test_transparent_png_becomes_jpeg_for_jpeg_only_channels(
    assets: dict[str, Path], tmp_path: Path
) -> None:
    fitted = fit(assets["transparent"], Limits(image_formats=("JPEG",)), tmp_path)
    with Image.open(fitted.path) as image:
        assert image.format == "JPEG"
        assert image.getpixel((5, 5)) == pytest.approx((255, 255, 255), abs=3)


def test_an_impossible_budget_is_refused(big_photo: Path, tmp_path: Path) -> None:
    with pytest.raises(errors.MediaError) as caught:
        fit(big_photo, Limits(image_max_bytes=100), tmp_path)
    assert caught.value.key == errors.CANNOT_FIT
    assert [p for p in tmp_path.iterdir()] == []


def test_a_corrupt_image_is_not_forwarded(assets: dict[str, Path], tmp_path: Path) -> None:
    with pytest.raises(errors.MediaError) as caught:
        fit(assets["truncated"], Limits(), tmp_path)
    assert caught.value.key == errors.CORRUPT_IMAGE


def test_videos_are_fitted_to_bytes_duration_and_format(clip: Path, tmp_path: Path) -> None:
    limits = Limits(video_max_bytes=400_000, video_max_seconds=4.0, video_max_side=480)
    fitted = fit(clip, limits, tmp_path)
    info = probe(fitted.path, count_frames=True)
    assert fitted.path.suffix == ".mp4"
    assert info.bytes <= 400_000
    assert info.duration <= 4.05
    assert info.video_codec == "h264" and info.pix_fmt == "yuv420p"
    assert max(info.width or 0, info.height or 0) <= 480
    assert info.has_audio
    again = fit(clip, limits, tmp_path)
    assert again.path == fitted.path
