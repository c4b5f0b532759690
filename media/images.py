"""Opening user images safely and preparing them for compositing.

Every image that enters the studio goes through :func:`open_image`: the format is checked,
Pillow's decompression-bomb limit is kept (anything over ``Image.MAX_IMAGE_PIXELS`` is
refused, not just warned about), truncated files are refused rather than half-decoded, EXIF
orientation is applied, and CMYK / palette / 16-bit / greyscale images become RGB or RGBA.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from media import errors
from media.brand import RGB

SUPPORTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF", "MPO"})
MAX_IMAGE_BYTES = 60 * 1024 * 1024


def open_image(
    source: str | Path | bytes, *, at_least: tuple[int, int] | None = None
) -> Image.Image:
    """Decode ``source`` fully into an RGB or RGBA image, upright.

    ``at_least``: the caller needs no more than this many pixels per side, so a big JPEG may
    be decoded at 1/2, 1/4 or 1/8 scale (much faster for camera photos).

    Raises :class:`MediaError`: ``file_not_found``, ``empty_file``, ``unsupported_format``,
    ``decompression_bomb``, ``corrupt_image``.
    """
    name = "<bytes>" if isinstance(source, bytes) else Path(source).name
    if isinstance(source, bytes):
        data = source
    else:
        path = Path(source)
        if not path.is_file():
            raise errors.MediaError(errors.FILE_NOT_FOUND, f"no such file: {path}", file=name)
        if path.stat().st_size > MAX_IMAGE_BYTES:
            raise errors.MediaError(
                errors.DECOMPRESSION_BOMB, f"image file too large: {path}", file=name
            )
        data = path.read_bytes()
    if not data:
        raise errors.MediaError(errors.EMPTY_FILE, f"empty file: {name}", file=name)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between 1x and 2x its limit; we refuse from 1x.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            fmt = image.format or ""
            if fmt not in SUPPORTED_FORMATS:
                raise errors.MediaError(
                    errors.UNSUPPORTED_FORMAT, f"unsupported format {fmt}", file=name, format=fmt
                )
            if at_least is not None and fmt == "JPEG":
                # Orientation may swap the sides later; ask for the larger side both ways.
                side = max(at_least)
                image.draft("RGB", (side, side))
            image.load()
            upright: Image.Image = ImageOps.exif_transpose(image) or image
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise errors.MediaError(
            errors.DECOMPRESSION_BOMB, f"image too large to decode safely: {name}", file=name
        ) from exc
    except UnidentifiedImageError as exc:
        raise errors.MediaError(
            errors.UNSUPPORTED_FORMAT, f"not a recognised image: {name}", file=name, format="?"
        ) from exc
    except errors.MediaError:
        raise
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        # Truncated or damaged data: Pillow raises OSError ("image file is truncated").
        raise errors.MediaError(
            errors.CORRUPT_IMAGE, f"corrupt image {name}: {exc}", file=name
        ) from exc
    return normalise_mode(upright)


def normalise_mode(image: Image.Image) -> Image.Image:
    """RGB, or RGBA when the image has any transparency."""
    mode = image.mode
    if mode in ("RGB", "RGBA"):
        return image
    if mode == "P" or mode == "PA":
        has_alpha = "transparency" in image.info or mode == "PA"
        return image.convert("RGBA" if has_alpha else "RGB")
    if mode in ("LA", "La", "RGBa"):
        return image.convert("RGBA")
    if mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16/32-bit greyscale: scale to 8 bits instead of clipping everything to white.
        scaled = image.point(lambda v: v * (255 / 65535)) if mode != "I" else image
        return scaled.convert("L").convert("RGB")
    if mode == "L" and "transparency" in image.info:
        return image.convert("RGBA")
    return image.convert("RGB")  # CMYK, YCbCr, L, 1, F, LAB, HSV


def flatten(image: Image.Image, background: RGB) -> Image.Image:
    """Composite a transparent image onto a solid ``background``; RGB images pass through."""
    if image.mode != "RGBA":
        return image.convert("RGB") if image.mode != "RGB" else image
    base = Image.new("RGB", image.size, background)
    base.paste(image, mask=image.getchannel("A"))
    return base


def cover(image: Image.Image, size: tuple[int, int], scale: float = 1.0) -> Image.Image:
    """Scale and centre-crop to fill ``size`` exactly (``scale`` > 1 leaves room to zoom)."""
    w, h = size
    return ImageOps.fit(
        image, (round(w * scale), round(h * scale)), method=Image.Resampling.LANCZOS
    )


def contain(image: Image.Image, box: tuple[int, int]) -> Image.Image:
    """Scale to fit inside ``box``, keeping the aspect ratio (never upscales past 2x)."""
    w, h = image.size
    ratio = min(box[0] / w, box[1] / h, 2.0)
    new = (max(1, round(w * ratio)), max(1, round(h * ratio)))
    return image.resize(new, Image.Resampling.LANCZOS) if new != image.size else image
