"""Uploads from the browser: turned upright, stripped of GPS and container metadata,
refused with one catalogue key when they are not what they claim, and stable (the same file
twice gives the same bytes, so the library stores it once)."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from media import errors
from media.probe import ffmpeg_exe, probe
from media.uploads import HEIF, image_thumbnail, poster_frame, prepare_upload

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def _jpeg_with_gps(size: tuple[int, int] = (400, 200)) -> bytes:
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x010F] = "PhoneMaker"
    exif[GPS_IFD] = {1: "N", 2: (21.0, 1.0, 30.0), 3: "E", 4: (105.0, 51.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def _ffmpeg(*args: str) -> None:
    subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args],
        check=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def phone_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2 s MOV with a location tag, as phones write it."""
    path = tmp_path_factory.mktemp("uploads") / "clip.mov"
    _ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc2=s=320x240:d=2:r=15",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        "-metadata",
        "location=+21.0285+105.8542/",
        "-metadata",
        "title=Le ky niem",
        str(path),
    )
    return path


def test_a_phone_photo_is_turned_upright_and_loses_its_exif() -> None:
    data = _jpeg_with_gps()
    assert GPS_IFD in Image.open(io.BytesIO(data)).getexif()
    prepared = prepare_upload(data, "IMG_0001.JPG")
    image = Image.open(io.BytesIO(prepared.data))
    assert image.size == (200, 400)  # orientation 6 applied
    exif = image.getexif()
    assert GPS_IFD not in exif and ORIENTATION not in exif and 0x010F not in exif
    assert b"PhoneMaker" not in prepared.data
    assert prepared.filename == "IMG_0001.jpg" and prepared.kind == "image"


def test_the_same_photo_twice_gives_the_same_bytes() -> None:
    data = _jpeg_with_gps()
    assert prepare_upload(data, "a.jpg").data == prepare_upload(data, "b.jpeg").data


@pytest.mark.parametrize("fmt,ext", [("PNG", "png"), ("WEBP", "webp")])
def test_png_and_webp_keep_their_format(fmt: str, ext: str) -> None:
    out = io.BytesIO()
    Image.new("RGBA", (60, 40), (0, 0, 255, 128)).save(out, fmt)
    prepared = prepare_upload(out.getvalue(), f"logo.{ext}")
    assert Image.open(io.BytesIO(prepared.data)).format == fmt


@pytest.mark.skipif(not HEIF, reason="pillow-heif is not installed")
def test_a_heic_photo_becomes_a_jpeg() -> None:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (0, 128, 0)).save(out, "HEIF")
    prepared = prepare_upload(out.getvalue(), "IMG_0002.HEIC")
    assert prepared.filename == "IMG_0002.jpg"
    assert Image.open(io.BytesIO(prepared.data)).format == "JPEG"


def _png_bomb() -> bytes:
    import struct
    import zlib

    buffer = io.BytesIO()
    Image.new("L", (1, 1)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    ihdr = struct.pack(">II", 40_000, 40_000) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


@pytest.mark.parametrize(
    "name,data,key",
    [
        ("report.exe", b"MZ....", errors.UNSUPPORTED_UPLOAD),
        ("notes.txt", "không phải ảnh".encode(), errors.UNSUPPORTED_UPLOAD),
        ("photo.jpg", "không phải ảnh".encode(), errors.NOT_WHAT_NAME_SAYS),
        ("photo.png", _jpeg_with_gps(), errors.NOT_WHAT_NAME_SAYS),
        ("half.jpg", _jpeg_with_gps()[:400], errors.CORRUPT_IMAGE),
        ("bomb.png", _png_bomb(), errors.DECOMPRESSION_BOMB),
        ("empty.jpg", b"", errors.EMPTY_FILE),
        ("clip.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100, errors.CORRUPT_VIDEO),
    ],
)
def test_bad_uploads_are_refused_with_one_key(name: str, data: bytes, key: str) -> None:
    with pytest.raises(errors.MediaError) as caught:
        prepare_upload(data, name)
    assert caught.value.key == key
    assert caught.value.params["file"] == name


def test_a_video_without_a_video_stream_is_refused(tmp_path: Path) -> None:
    sound = tmp_path / "sound.mp4"
    _ffmpeg("-f", "lavfi", "-i", "sine=d=1", "-c:a", "aac", str(sound))
    with pytest.raises(errors.MediaError) as caught:
        prepare_upload(sound.read_bytes(), "sound.mp4")
    assert caught.value.key == errors.NO_VIDEO_STREAM


def test_a_phone_clip_loses_its_location_and_keeps_its_picture(phone_clip: Path) -> None:
    raw = phone_clip.read_bytes()
    assert b"+21.0285+105.8542" in raw
    prepared = prepare_upload(raw, "clip.mov")
    assert b"+21.0285+105.8542" not in prepared.data and b"Le ky niem" not in prepared.data
    assert prepare_upload(raw, "again.mov").data == prepared.data  # stable: stored once
    out = phone_clip.parent / "clean.mov"
    out.write_bytes(prepared.data)
    info = probe(out)
    assert info.has_video and info.width == 320 and abs(info.duration - 2) < 0.2


def test_a_png_named_mov_is_refused() -> None:
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "PNG")
    with pytest.raises(errors.MediaError) as caught:
        prepare_upload(out.getvalue(), "clip.mov")
    assert caught.value.key in (errors.CORRUPT_VIDEO, errors.NOT_WHAT_NAME_SAYS)


def test_thumbnails_of_a_photo_and_a_poster_frame_of_a_clip(
    phone_clip: Path, tmp_path: Path
) -> None:
    photo = tmp_path / "big.png"
    Image.new("RGB", (2000, 1000), (1, 2, 3)).save(photo)
    thumb = Image.open(io.BytesIO(image_thumbnail(photo, 480)))
    assert thumb.format == "JPEG" and thumb.size == (480, 240)
    poster = Image.open(io.BytesIO(poster_frame(phone_clip, width=160)))
    assert poster.format == "JPEG" and poster.size == (160, 120)
    # testsrc2 is colourful: a black or blank frame would have almost no spread
    extrema = poster.convert("L").getextrema()
    assert extrema[1] - extrema[0] > 100
