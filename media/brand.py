"""The brand kit: what makes a graphic recognisably the office's own."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from media import errors

RGB = tuple[int, int, int]

DEFAULT_PRIMARY = "#0B3D91"  # deep blue
DEFAULT_ACCENT = "#F2A900"  # warm gold


def parse_colour(value: str) -> RGB:
    """``#RRGGBB`` or ``#RGB`` -> ``(r, g, b)``.

    Raises :class:`MediaError` (``bad_colour``) for anything else.
    """
    text = value.strip().lstrip("#")
    if re.fullmatch(r"[0-9a-fA-F]{3}", text):
        text = "".join(ch * 2 for ch in text)
    if not re.fullmatch(r"[0-9a-fA-F]{6}", text):
        raise errors.MediaError(errors.BAD_COLOUR, f"bad colour {value!r}", value=value)
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """Linear mix: ``t=0`` gives ``a``, ``t=1`` gives ``b``."""
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def luminance(c: RGB) -> float:
    """Relative luminance (WCAG), 0..1."""

    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2])


def readable_on(background: RGB) -> RGB:
    """White or near-black, whichever contrasts more with ``background``."""
    lum = luminance(background)
    on_white = 1.05 / (lum + 0.05)
    on_dark = (lum + 0.05) / 0.06
    # White text is the house look on brand colours; switch only when it would be hard to read.
    return (255, 255, 255) if on_white >= 3.0 or on_white >= on_dark else (17, 24, 39)


@dataclass(frozen=True)
class BrandKit:
    """Organisation identity for every template and video card.

    Colours are ``#RRGGBB`` strings; ``logo`` is an image file (PNG with transparency works
    best); ``hashtag`` appears in footers and end cards.
    """

    org_name: str = ""
    logo: Path | None = None
    primary: str = DEFAULT_PRIMARY
    accent: str = DEFAULT_ACCENT
    font_family: str = "Be Vietnam Pro"
    hashtag: str = ""
    website: str = ""

    def __post_init__(self) -> None:
        # Validate early so a bad kit fails where it is built, not halfway through a render.
        parse_colour(self.primary)
        parse_colour(self.accent)

    @property
    def primary_rgb(self) -> RGB:
        return parse_colour(self.primary)

    @property
    def accent_rgb(self) -> RGB:
        return parse_colour(self.accent)

    def with_(self, **changes: object) -> BrandKit:
        """A copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]
