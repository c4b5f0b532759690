"""Font files with full Vietnamese coverage, and cached FreeType faces.

Be Vietnam Pro ships through the ``fontpkg-be-vietnam-pro`` wheel, so it is always present
where the package is installed; DejaVu Sans is used when a system copy exists and the brand
asks for it (or when Be Vietnam Pro is somehow missing). We never depend on system fonts.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path
from typing import cast

from PIL import ImageFont, features

DEFAULT_FAMILY = "Be Vietnam Pro"
WEIGHTS = ("regular", "medium", "semibold", "bold", "extrabold", "black", "italic")

_BVP_FILES = {
    "regular": "BeVietnamPro-Regular.ttf",
    "medium": "BeVietnamPro-Medium.ttf",
    "semibold": "BeVietnamPro-SemiBold.ttf",
    "bold": "BeVietnamPro-Bold.ttf",
    "extrabold": "BeVietnamPro-ExtraBold.ttf",
    "black": "BeVietnamPro-Black.ttf",
    "italic": "BeVietnamPro-MediumItalic.ttf",
}
_DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
_DEJAVU_FILES = {
    "regular": "DejaVuSans.ttf",
    "medium": "DejaVuSans.ttf",
    "semibold": "DejaVuSans-Bold.ttf",
    "bold": "DejaVuSans-Bold.ttf",
    "extrabold": "DejaVuSans-Bold.ttf",
    "black": "DejaVuSans-Bold.ttf",
    "italic": "DejaVuSans-Oblique.ttf",
}

# raqm shapes combining marks properly; wheels bundle it, but a source build may not.
LAYOUT = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC


def _bvp_dir() -> Path | None:
    try:
        import fontpkg_be_vietnam_pro
    except ImportError:  # pragma: no cover - it is a declared dependency
        return None
    folder = Path(fontpkg_be_vietnam_pro.ROOT) / "files"
    return folder if folder.is_dir() else None


def _family_key(family: str) -> str:
    return "".join(ch for ch in family.lower() if ch.isalnum())


@cache
def font_path(family: str, weight: str) -> Path | None:
    """The TTF file for ``family`` at ``weight``; falls back to whichever family exists.

    Returns ``None`` only when no usable font file exists at all (then Pillow's built-in
    font is used by :func:`font`). Never raises.
    """
    weight = weight if weight in WEIGHTS else "regular"
    candidates: list[Path] = []
    bvp = _bvp_dir()
    dejavu = [_DEJAVU_DIR / _DEJAVU_FILES[weight]]
    if _family_key(family).startswith("dejavu"):
        candidates += dejavu
    if bvp is not None:
        candidates.append(bvp / _BVP_FILES[weight])
    candidates += dejavu
    for path in candidates:
        if path.is_file():
            return path
    return None


@lru_cache(maxsize=512)
def font(family: str, weight: str, size: int) -> ImageFont.FreeTypeFont:
    """A cached font face. Never raises: the last resort is Pillow's built-in font."""
    path = font_path(family, weight)
    size = max(1, int(size))
    if path is None:  # pragma: no cover - only without any font package
        return cast(ImageFont.FreeTypeFont, ImageFont.load_default(size))
    return ImageFont.truetype(str(path), size=size, layout_engine=LAYOUT)
