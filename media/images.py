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

import numpy as np
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


#: A logo larger than this (file or pixels) is refused: it is drawn at most ~200 px wide.
LOGO_MAX_BYTES = 5 * 1024 * 1024
LOGO_MAX_SIDE = 4096
LOGO_MIN_SIDE = 64


def check_logo(path: str | Path) -> Image.Image:
    """Open ``path`` as a logo, refusing what would not show on the white disc it sits on.

    Raises :class:`MediaError`: ``bad_logo`` (too big, too small, almost fully transparent,
    or white on transparent), and the :func:`open_image` errors.
    """
    path = Path(path)
    name = path.name

    def refuse(vi: str, en: str) -> errors.MediaError:
        return errors.MediaError(errors.BAD_LOGO, en, file=name, why_vi=vi, why_en=en)

    if path.is_file() and path.stat().st_size > LOGO_MAX_BYTES:
        mb = path.stat().st_size / 1024 / 1024
        raise refuse(
            f"tệp {mb:.1f} MB, tối đa {LOGO_MAX_BYTES // 1024 // 1024} MB",
            f"the file is {mb:.1f} MB, at most {LOGO_MAX_BYTES // 1024 // 1024} MB",
        )
    image = open_image(path)
    w, h = image.size
    if max(w, h) > LOGO_MAX_SIDE:
        raise refuse(
            f"ảnh {w}x{h} px, tối đa {LOGO_MAX_SIDE} px mỗi cạnh",
            f"the image is {w}x{h} px, at most {LOGO_MAX_SIDE} px per side",
        )
    if min(w, h) < LOGO_MIN_SIDE:
        raise refuse(
            f"ảnh {w}x{h} px, cần ít nhất {LOGO_MIN_SIDE} px mỗi cạnh",
            f"the image is {w}x{h} px, at least {LOGO_MIN_SIDE} px per side",
        )
    if image.mode == "RGBA":
        small = image.copy()
        small.thumbnail((128, 128))
        pixels = np.asarray(small)
        opaque = pixels[:, :, 3] >= 128
        visible = int(opaque.sum())
        total = small.width * small.height
        if visible < total * 0.02:
            raise refuse(
                f"gần như trong suốt hoàn toàn ({visible * 100 // total}% điểm ảnh nhìn thấy,"
                " cần ít nhất 2%)",
                f"almost fully transparent ({visible * 100 // total}% visible, at least 2%)",
            )
        # The logo sits on a white disc: a white logo on transparency would vanish.
        # Contrast 1.5:1 against white is a relative luminance under 0.65: roughly a channel
        # mean under 0.83 of full scale on the sRGB curve.
        lum = pixels[:, :, :3].astype(np.float32) @ np.array([0.2126, 0.7152, 0.0722]) / 255
        dark = int((opaque & (lum < 0.83)).sum())
        if dark < visible * 0.1:
            raise refuse(
                "logo màu trắng trên nền trong suốt sẽ biến mất trên nền tròn trắng; hãy dùng"
                " logo có màu hoặc nền đặc",
                "a white logo on transparency vanishes on the white disc; use a coloured logo"
                " or a solid background",
            )
    return image
