"""Files people upload (event photos, phone clips), made safe before the library stores them.

:func:`prepare_upload` takes the bytes and the name the browser sent and returns the bytes to
store, or raises :class:`MediaError` with one catalogue key:

- the name's extension must be one we take (JPEG, PNG, WebP, HEIC/HEIF when ``pillow-heif`` is
  installed; MP4, MOV) and the content must be what the name says (a ``.jpg`` holding a PNG
  or a text file is refused);
- images are decoded in full under Pillow's decompression-bomb limit, turned upright (EXIF
  orientation applied) and re-encoded **without their EXIF** (GPS position, camera serial,
  owner name), keeping the colour profile; HEIC becomes JPEG, the format channels take;
- videos must have a readable video stream; they are remuxed (no re-encoding) without the
  container metadata, where phones write the place (``location``, ISO 6709).

The same input always gives the same output bytes, so the content-addressed library stores
an upload once however often it arrives.
"""

from __future__ import annotations

import io
import subprocess
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from media import errors
from media.images import MAX_IMAGE_BYTES
from media.probe import ffmpeg_exe, probe

try:  # HEIC photos from iPhones: only when the well-kept pillow-heif wheel is installed
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIF = True
except ImportError:  # pragma: no cover - the dependency is declared; a trimmed install lacks it
    HEIF = False

#: Largest video accepted (bytes); images are capped by ``media.images.MAX_IMAGE_BYTES``.
MAX_VIDEO_BYTES = 500 * 1024 * 1024
#: Extension -> the Pillow formats (images) or ffmpeg containers (videos) it may hold.
IMAGE_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "jpg": ("JPEG", "MPO"),
    "jpeg": ("JPEG", "MPO"),
    "png": ("PNG",),
    "webp": ("WEBP",),
}
if HEIF:
    IMAGE_EXTENSIONS.update({"heic": ("HEIF",), "heif": ("HEIF",)})
VIDEO_EXTENSIONS = {"mp4": "mp4", "mov": "mov"}


def accepted_extensions() -> list[str]:
    """What an upload field may offer (lower case, no dot)."""
    return [*IMAGE_EXTENSIONS, *VIDEO_EXTENSIONS]


@dataclass(frozen=True)
class Prepared:
    """Bytes ready for the library, with the file name they will be described by."""

    data: bytes
    filename: str
    kind: str  # "image" | "video"


def _ext(name: str) -> str:
    return Path(name).suffix.lower().lstrip(".")


def prepare_upload(data: bytes, name: str) -> Prepared:
    """The upload ``data`` (sent as ``name``) cleaned for storing.

    Raises :class:`MediaError`: ``empty_file``, ``unsupported_format`` (extension or content),
    ``upload_too_large``, ``decompression_bomb``, ``corrupt_image``, ``corrupt_video``.
    """
    name = Path(name or "upload").name[:200]
    ext = _ext(name)
    if not data:
        raise errors.MediaError(errors.EMPTY_FILE, "empty upload", file=name)
    if ext in IMAGE_EXTENSIONS:
        return _image(data, name, ext)
    if ext in VIDEO_EXTENSIONS:
        return _video(data, name, ext)
    raise errors.MediaError(
        errors.UNSUPPORTED_UPLOAD, f"extension {ext!r}", file=name, format=ext.upper() or "?"
    )


def _image(data: bytes, name: str, ext: str) -> Prepared:
    if len(data) > MAX_IMAGE_BYTES:
        raise errors.MediaError(
            errors.UPLOAD_TOO_LARGE, "image too big", file=name, limit=MAX_IMAGE_BYTES >> 20
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            fmt = image.format or ""
            if fmt not in IMAGE_EXTENSIONS[ext]:
                raise errors.MediaError(
                    errors.NOT_WHAT_NAME_SAYS, f"{fmt} named .{ext}", file=name, format=fmt or "?"
                )
            image.load()
            icc = image.info.get("icc_profile")
            upright = ImageOps.exif_transpose(image) or image
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise errors.MediaError(errors.DECOMPRESSION_BOMB, "bomb", file=name) from exc
    except UnidentifiedImageError as exc:
        raise errors.MediaError(
            errors.NOT_WHAT_NAME_SAYS, "not an image", file=name, format="?"
        ) from exc
    except errors.MediaError:
        raise
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise errors.MediaError(errors.CORRUPT_IMAGE, f"corrupt: {exc}", file=name) from exc
    out = io.BytesIO()
    extra = {"icc_profile": icc} if icc else {}
    stem = Path(name).stem
    if fmt in ("JPEG", "MPO", "HEIF"):
        rgb = upright if upright.mode in ("RGB", "L", "CMYK") else upright.convert("RGB")
        rgb.save(out, "JPEG", quality=92, optimize=True, **extra)
        filename = f"{stem}.jpg"
    elif fmt == "PNG":
        upright.save(out, "PNG", optimize=False, **extra)
        filename = f"{stem}.png"
    else:  # WEBP
        lossless = bool(image.info.get("lossless"))
        upright.save(out, "WEBP", quality=90, lossless=lossless, **extra)
        filename = f"{stem}.webp"
    # The EXIF block is not passed to save(): position, serial and owner are gone.
    return Prepared(out.getvalue(), filename, "image")


def _video(data: bytes, name: str, ext: str) -> Prepared:
    if len(data) > MAX_VIDEO_BYTES:
        raise errors.MediaError(
            errors.UPLOAD_TOO_LARGE, "video too big", file=name, limit=MAX_VIDEO_BYTES >> 20
        )
    with tempfile.TemporaryDirectory(prefix="upload-") as folder:
        src = Path(folder) / f"in.{ext}"
        dst = Path(folder) / f"out.{ext}"
        src.write_bytes(data)
        try:
            info = probe(src)
        except errors.MediaError as exc:
            raise errors.MediaError(errors.CORRUPT_VIDEO, "unreadable", file=name) from exc
        container = info.container.lower()
        if "mp4" not in container and "mov" not in container:
            raise errors.MediaError(
                errors.NOT_WHAT_NAME_SAYS, container, file=name, format=container[:20] or "?"
            )
        if not info.has_video or info.duration <= 0:
            raise errors.MediaError(errors.NO_VIDEO_STREAM, "no video stream", file=name)
        cmd = [
            ffmpeg_exe(),
            "-hide_banner",
            "-nostdin",
            "-loglevel",
            "error",
            "-i",
            str(src),
            "-map",
            "0:v:0",
            "-map",
            "0:a?",
            "-c",
            "copy",
            "-map_metadata",
            "-1",
            "-map_chapters",
            "-1",
            "-fflags",
            "+bitexact",
            "-flags:v",
            "+bitexact",
            "-flags:a",
            "+bitexact",
            "-movflags",
            "+faststart",
            "-f",
            VIDEO_EXTENSIONS[ext],
            str(dst),
        ]
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=300, check=False)
        except (subprocess.TimeoutExpired, OSError) as exc:
            raise errors.MediaError(errors.CORRUPT_VIDEO, "remux failed", file=name) from exc
        if done.returncode != 0 or not dst.is_file() or dst.stat().st_size == 0:
            raise errors.MediaError(errors.CORRUPT_VIDEO, "remux failed", file=name)
        return Prepared(dst.read_bytes(), f"{Path(name).stem}.{ext}", "video")


def poster_frame(path: str | Path, at: float = 0.5, width: int = 480) -> bytes:
    """A JPEG of the video's frame at ``at`` seconds (the first frame for shorter clips),
    ``width`` pixels wide. Raises :class:`MediaError` ``corrupt_video`` if none decodes."""
    for seek in (at, 0.0):
        try:
            done = subprocess.run(
                [
                    ffmpeg_exe(),
                    "-hide_banner",
                    "-nostdin",
                    "-loglevel",
                    "error",
                    "-ss",
                    f"{seek:.3f}",
                    "-i",
                    str(path),
                    "-frames:v",
                    "1",
                    "-vf",
                    f"scale={width}:-2",
                    "-f",
                    "image2pipe",
                    "-c:v",
                    "mjpeg",
                    "-q:v",
                    "4",
                    "-",
                ],
                capture_output=True,
                timeout=60,
                check=False,
            )
        except (subprocess.TimeoutExpired, OSError):
            continue
        if done.returncode == 0 and done.stdout:
            return done.stdout
    raise errors.MediaError(errors.CORRUPT_VIDEO, "no frame", file=Path(path).name)


def image_thumbnail(path: str | Path, side: int = 480) -> bytes:
    """A JPEG no larger than ``side`` pixels a side (upright, flattened on white)."""
    with Image.open(path) as image:
        image.draft("RGB", (side, side))
        small = ImageOps.exif_transpose(image) or image
        small = small.convert("RGBA") if small.mode not in ("RGB", "RGBA") else small
        small.thumbnail((side, side))
        if small.mode == "RGBA":
            base = Image.new("RGB", small.size, (255, 255, 255))
            base.paste(small, mask=small.getchannel("A"))
            small = base
        out = io.BytesIO()
        small.save(out, "JPEG", quality=82)
        return out.getvalue()
