"""Canvas size presets for infographics and videos."""

from __future__ import annotations

import re

from media import errors

#: Infographic presets: name -> (width, height).
IMAGE_SIZES: dict[str, tuple[int, int]] = {
    "square": (1080, 1080),  # feed post
    "portrait": (1080, 1350),  # 4:5 feed post
    "story": (1080, 1920),  # story / reel
    "link": (1200, 630),  # link preview (Open Graph)
    "wide": (1280, 720),  # 16:9
}
DEFAULT_IMAGE_SIZE = IMAGE_SIZES["square"]

#: Video presets by aspect ratio.
VIDEO_SIZES: dict[str, tuple[int, int]] = {
    "9:16": (1080, 1920),
    "4:5": (1080, 1350),
    "1:1": (1080, 1080),
    "16:9": (1920, 1080),
    "16:9-720": (1280, 720),
}
DEFAULT_VIDEO_SIZE = VIDEO_SIZES["1:1"]

_MIN_SIDE, _MAX_SIDE = 64, 4096


def parse_size(value: str | tuple[int, int] | None, default: tuple[int, int]) -> tuple[int, int]:
    """``"1080x1350"``, a preset name (``story``, ``9:16``) or a tuple -> ``(width, height)``.

    Sizes outside 64..4096 pixels per side are refused: raises :class:`MediaError` (``bad_size``).
    """
    if value is None or value == "":
        return default
    if isinstance(value, tuple):
        w, h = value
    else:
        key = value.strip().lower()
        if key in IMAGE_SIZES:
            return IMAGE_SIZES[key]
        if key in VIDEO_SIZES:
            return VIDEO_SIZES[key]
        match = re.fullmatch(r"(\d{2,5})\s*[x×*]\s*(\d{2,5})", key)
        if not match:
            raise errors.MediaError(errors.BAD_SIZE, f"bad size {value!r}", value=value)
        w, h = int(match.group(1)), int(match.group(2))
    if not (_MIN_SIDE <= w <= _MAX_SIDE and _MIN_SIDE <= h <= _MAX_SIDE):
        raise errors.MediaError(errors.BAD_SIZE, f"size out of range: {w}x{h}", value=f"{w}x{h}")
    return int(w), int(h)


#: The widest crop platforms make of a link preview: X's large summary card shows 2:1 (and
#: Facebook, LinkedIn and Zalo 1.91:1) from the centre of the image.
LINK_CROP_RATIO = 2.0


def link_crop(size: tuple[int, int]) -> int:
    """Rows lost at the top (and at the bottom) when a landscape canvas is shown as a link
    preview cropped to the centre band of :data:`LINK_CROP_RATIO`; 0 for other canvases."""
    w, h = size
    if w / h <= 1.25 or w / h >= LINK_CROP_RATIO:
        return 0
    return (h - round(w / LINK_CROP_RATIO)) // 2 + 1


def even(size: tuple[int, int]) -> tuple[int, int]:
    """H.264 with yuv420p needs even dimensions."""
    return size[0] - size[0] % 2, size[1] - size[1] % 2
