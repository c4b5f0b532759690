"""Fixtures for the media studio tests: brand kits, synthetic photos, awkward inputs."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from media import text
from media.brand import BrandKit

LONG_VI = (
    "Đẩy mạnh ứng dụng khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số trong mọi lĩnh "
    "vực kinh tế – xã hội, xây dựng chính quyền số, kinh tế số và xã hội số của tỉnh"
)


@pytest.fixture(autouse=True)
def exact_ink(monkeypatch: pytest.MonkeyPatch) -> None:
    """Measure real glyph boxes while drawing, so overflow checks test actual ink."""
    monkeypatch.setattr(text, "EXACT_INK", True)


def _photo(w: int, h: int, seed: int) -> Image.Image:
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w]
    arr = np.zeros((h, w, 3), np.uint8)
    arr[..., 0] = (xx * 255 // max(1, w - 1)).astype(np.uint8)
    arr[..., 1] = (yy * 255 // max(1, h - 1)).astype(np.uint8)
    arr[..., 2] = rng.integers(60, 200)
    image = Image.fromarray(arr)
    d = ImageDraw.Draw(image)
    for _k in range(6):
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        d.ellipse(
            (x, y, x + w // 5, y + h // 5), fill=tuple(int(v) for v in rng.integers(0, 255, 3))
        )
    return image


@pytest.fixture(scope="session")
def assets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A corpus of good and bad input files, made once per session."""
    root = tmp_path_factory.mktemp("media-assets")
    out: dict[str, Path] = {}
    for i, (w, h) in enumerate([(900, 600), (600, 900), (800, 800)]):
        path = root / f"photo{i}.jpg"
        _photo(w, h, i).save(path, quality=88)
        out[f"photo{i}"] = path
    logo = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    ImageDraw.Draw(logo).ellipse((10, 10, 290, 290), fill=(218, 37, 29, 255))
    out["logo"] = root / "logo.png"
    logo.save(out["logo"])
    # EXIF orientation 6 (rotate 90° clockwise to display): stored 400x200, shown 200x400.
    exif = Image.Exif()
    exif[0x0112] = 6
    out["exif"] = root / "exif.jpg"
    _photo(400, 200, 7).save(out["exif"], exif=exif.tobytes())
    out["cmyk"] = root / "cmyk.jpg"
    _photo(300, 300, 8).convert("CMYK").save(out["cmyk"])
    out["palette"] = root / "palette.png"
    pal = _photo(300, 300, 9).convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    pal.info["transparency"] = 0
    pal.save(out["palette"], transparency=0)
    out["transparent"] = root / "transparent.png"
    trans = Image.new("RGBA", (400, 300), (0, 0, 0, 0))
    ImageDraw.Draw(trans).rectangle((100, 50, 300, 250), fill=(0, 200, 0, 255))
    trans.save(out["transparent"])
    out["grey16"] = root / "grey16.png"
    Image.fromarray((np.arange(200 * 200).reshape(200, 200) % 65535).astype(np.uint16)).save(
        out["grey16"]
    )
    good = (root / "photo0.jpg").read_bytes()
    out["truncated"] = root / "truncated.jpg"
    out["truncated"].write_bytes(good[: len(good) // 2])
    out["garbage"] = root / "garbage.jpg"
    out["garbage"].write_bytes(b"\xff\xd8\xff\xe0" + b"not really a jpeg" * 50)
    out["empty"] = root / "empty.png"
    out["empty"].write_bytes(b"")
    out["text"] = root / "notes.txt"
    out["text"].write_text("không phải ảnh", encoding="utf-8")
    out["ico"] = root / "icon.ico"
    Image.new("RGB", (32, 32), (10, 20, 30)).save(out["ico"])
    out["bomb"] = root / "bomb.png"
    out["bomb"].write_bytes(_png_bomb(40_000, 40_000))
    out["emoji_name"] = root / "ảnh 🎉.png"
    _photo(200, 200, 3).save(out["emoji_name"])
    return out


def _png_bomb(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` pixels."""
    buffer = io.BytesIO()
    Image.new("L", (1, 1)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


@pytest.fixture(scope="session")
def audio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-second sine tone in M4A, made with the bundled ffmpeg."""
    import subprocess

    from media.probe import ffmpeg_exe

    path = tmp_path_factory.mktemp("media-audio") / "tone.m4a"
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
            "sine=frequency=440:duration=2",
            "-c:a",
            "aac",
            str(path),
        ],
        check=True,
        timeout=60,
    )
    return path


@pytest.fixture
def brand(assets: dict[str, Path]) -> BrandKit:
    return BrandKit(
        org_name="Sở Khoa học và Công nghệ tỉnh Đồng Nai",
        logo=assets["logo"],
        primary="#0B3D91",
        accent="#F2A900",
        hashtag="#NQ57 #ChuyenDoiSo",
        website="skhcn.dongnai.gov.vn",
    )


@pytest.fixture
def no_stray_files(tmp_path: Path) -> Iterator[Path]:
    """A directory that must hold no temporary leftovers after the test."""
    yield tmp_path
    leftovers = [p.name for p in tmp_path.rglob("*") if ".part" in p.name]
    assert leftovers == []
