"""Inputs too big (or too dangerous) to commit, made at test time from a few lines each.

``make(name, tmp)`` writes the input of a ``recipe = "..."`` case of ``cases.toml`` under
``tmp`` and returns its path. Every recipe is deterministic.
"""

from __future__ import annotations

import io
import struct
import subprocess
import zlib
from collections.abc import Callable
from pathlib import Path

from PIL import Image


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_bomb(tmp: Path, side: int = 20000) -> Path:
    """A genuine greyscale PNG of ``side`` x ``side`` zero pixels: ~400 kB on disk, 400 MB
    decoded. Written row by row so that making it never holds the image in memory."""
    comp = zlib.compressobj(9)
    row = b"\x00" * (side + 1)  # filter byte + pixels
    idat = bytearray()
    for _ in range(side):
        idat += comp.compress(row)
    idat += comp.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    path = tmp / "bomb.png"
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"IDAT", bytes(idat))
        + _chunk(b"IEND", b"")
    )
    return path


def huge_png(tmp: Path) -> Path:
    """61 MB (sparse) starting with a real small PNG: over the 60 MB image limit."""
    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, "PNG")
    path = tmp / "huge.png"
    with path.open("wb") as fh:
        fh.write(buf.getvalue())
        fh.truncate(61 * 1024 * 1024)
    return path


def _mp4(tmp: Path) -> bytes:
    from media.probe import ffmpeg_exe

    out = tmp / "clip.mp4"
    subprocess.run(
        [
            ffmpeg_exe(),
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "color=c=0x0B3D91:s=160x120:d=1:r=10",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            str(out),
        ],
        check=True,
        timeout=60,
    )
    data = out.read_bytes()
    out.unlink()
    return data


def truncated_mp4(tmp: Path) -> Path:
    data = _mp4(tmp)
    path = tmp / "truncated.mp4"
    path.write_bytes(data[: len(data) // 2])
    return path


def mp4_named_jpg(tmp: Path) -> Path:
    path = tmp / "clip.jpg"
    path.write_bytes(_mp4(tmp))
    return path


def _text(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def text_5000(tmp: Path) -> Path:
    return _text(tmp, "long.txt", ("Chuyển đổi số " * 400)[:5000])


def emoji_2100(tmp: Path) -> Path:
    return _text(tmp, "emoji.txt", "🚀" * 2100)


def text_70000(tmp: Path) -> Path:
    return _text(tmp, "very-long.txt", ("Khoa học công nghệ " * 4000)[:70000])


def truncated_xlsx(tmp: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Mã nhiệm vụ", "Tên nhiệm vụ"])
    for i in range(200):
        ws.append([f"DN-{i:03d}", f"Nhiệm vụ {i}"])
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    path = tmp / "truncated.xlsx"
    path.write_bytes(data[: len(data) * 2 // 3])
    return path


def csv_20001_rows(tmp: Path) -> Path:
    rows = ["Mã nhiệm vụ,Tên nhiệm vụ"] + [f"DN-{i},Nhiệm vụ {i}" for i in range(20001)]
    return _text(tmp, "many.csv", "\n".join(rows) + "\n")


def json_100k(tmp: Path) -> Path:
    return _text(
        tmp, "big.json", '{"event_id": "e1", "event": "seen", "pad": "' + "x" * 100_000 + '"}'
    )


def deep_json(tmp: Path) -> Path:
    return _text(tmp, "deep.json", "[" * 30_000 + "]" * 30_000)


def name_100k(tmp: Path) -> Path:
    """A 100 KB channel name (Vietnamese letters)."""
    return _text(tmp, "name-100k.txt", "Kênh " + "ằ" * (100 * 1024))


def csv_field_128k(tmp: Path) -> Path:
    """One title of 128 KiB + 1 characters: over the csv module's field limit (131 072)."""
    return _text(tmp, "wide.csv", "Mã nhiệm vụ,Tên nhiệm vụ\nDN-1," + "x" * (128 * 1024 + 1) + "\n")


def a_directory(tmp: Path) -> Path:
    """An existing folder, given where a file name is expected (``--out``)."""
    path = tmp / "a-folder"
    path.mkdir()
    return path


def plain_text_file(tmp: Path) -> Path:
    """An existing file that is not a database (a migrate-db target must not overwrite it)."""
    return _text(tmp, "notes.txt", "Ghi chú của văn phòng, không phải cơ sở dữ liệu\n")


RECIPES: dict[str, Callable[[Path], Path]] = {
    "png_bomb": png_bomb,
    "huge_png": huge_png,
    "truncated_mp4": truncated_mp4,
    "mp4_named_jpg": mp4_named_jpg,
    "text_5000": text_5000,
    "emoji_2100": emoji_2100,
    "text_70000": text_70000,
    "truncated_xlsx": truncated_xlsx,
    "csv_20001_rows": csv_20001_rows,
    "json_100k": json_100k,
    "deep_json": deep_json,
    "name_100k": name_100k,
    "csv_field_128k": csv_field_128k,
    "a_directory": a_directory,
    "plain_text_file": plain_text_file,
}


def make(name: str, tmp: Path) -> Path:
    """The input of recipe ``name`` under ``tmp``. Raises KeyError for an unknown recipe."""
    return RECIPES[name](tmp)
