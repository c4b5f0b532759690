"""The brand kit: what makes a graphic recognisably the office's own."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from media import errors

RGB = tuple[int, int, int]

DEFAULT_PRIMARY = "#0B3D91"  # deep blue
DEFAULT_ACCENT = "#F2A900"  # warm gold

#: Named colour presets: ``name -> (primary, accent)``. ``government-red`` is the flag's red
#: and yellow (the red is darkened where the yellow text needs it: see :func:`palette`).
PRESETS: dict[str, tuple[str, str]] = {
    "default": (DEFAULT_PRIMARY, DEFAULT_ACCENT),
    "government-red": ("#DA251D", "#FFCD00"),
}

#: Longest header line, source line and website, in characters.
HEADER_LIMIT = 80
SOURCE_LIMIT = 160
WEBSITE_LIMIT = 80


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
    """Relative luminance (WCAG 2.x), 0..1."""

    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2])


def contrast(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio of two colours, 1..21."""
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def hex_colour(c: RGB) -> str:
    return "#{:02X}{:02X}{:02X}".format(*c)


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
    #: The official two-line header: the governing body, then the office itself
    #: («ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI» / «SỞ KHOA HỌC VÀ CÔNG NGHỆ»). When set, it replaces
    #: ``org_name`` in the header.
    header_line1: str = ""
    header_line2: str = ""
    #: The source line printed small above the footer («Nguồn: ...»); empty: none.
    source: str = ""
    #: The emblem (national or provincial), separate from the office's logo: it opens the
    #: official header on the left; the logo then sits at the header's right end.
    emblem: Path | None = None

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


# -- contrast check -------------------------------------------------------------------------
WHITE: RGB = (255, 255, 255)
BLACK: RGB = (0, 0, 0)
INK: RGB = (17, 24, 39)
#: WCAG AA: 4.5:1 for text under the "large" size, 3:1 for large text.
AA_SMALL, AA_LARGE = 4.5, 3.0
#: Large text in WCAG terms, in pixels at 1080 px on the short side: 24 px regular or
#: 18.7 px bold. Our smallest bold text is 24 px, but a 1080 px image is shown on a phone at
#: about a third of that, so only display text (>= 56 px) counts as large here.
LARGE_TEXT_PX = 56


@dataclass(frozen=True)
class ContrastCheck:
    """One colour pair as used by the templates, with its measured ratio."""

    pair: str  # e.g. "accent_text/background"
    foreground: str
    background: str
    smallest_px: int  # smallest text size this pair is used at (at 1080 px)
    required: float
    ratio: float
    adjusted: str = ""  # the colour used instead, "" when the pair passed as given
    reason: str = ""  # English, for logs; the CLI and UI word it from the fields below
    original: str = ""  # the brand's colour that was replaced
    before: float = 0.0  # the ratio the brand's colours had

    @property
    def passes(self) -> bool:
        return self.ratio >= self.required - 1e-9


@dataclass(frozen=True)
class Palette:
    """The colours the templates actually paint with, every text pair at WCAG AA.

    ``primary`` is the background (possibly darkened), ``accent`` the fill of cards and bars,
    ``accent_text`` the accent as text on the background, ``primary_text`` the primary as text
    on white cards, ``on_primary`` / ``on_accent`` the text colours on those.
    """

    primary: RGB
    accent: RGB
    accent_text: RGB
    primary_text: RGB
    on_primary: RGB
    on_accent: RGB
    checks: tuple[ContrastCheck, ...]

    @property
    def adjustments(self) -> list[ContrastCheck]:
        return [c for c in self.checks if c.adjusted]


def _required(px: int) -> float:
    return AA_LARGE if px >= LARGE_TEXT_PX else AA_SMALL


def _background_ends(primary: RGB) -> tuple[RGB, RGB]:
    """The lightest and darkest points of the template background (see templates.base)."""
    return mix(primary, WHITE, 0.06), mix(primary, BLACK, 0.38)


def _worst(fg: RGB, primary: RGB) -> float:
    return min(contrast(fg, end) for end in _background_ends(primary))


def _shift(colour: RGB, towards: RGB, ok: Callable[[RGB], bool]) -> tuple[RGB, float] | None:
    """The smallest mix of ``colour`` towards ``towards`` that satisfies ``ok`` (or None)."""
    if ok(colour):
        return colour, 0.0
    if not ok(mix(colour, towards, 1.0)):
        return None
    lo, hi = 0.0, 1.0
    for _ in range(14):
        mid = (lo + hi) / 2
        if ok(mix(colour, towards, mid)):
            hi = mid
        else:
            lo = mid
    return mix(colour, towards, hi), hi


#: How far the background may be darkened to keep the accent text (beyond that the accent
#: text itself changes instead): 35 % towards black keeps the brand colour recognisable.
MAX_BACKGROUND_SHIFT = 0.35


def palette(brand: BrandKit) -> Palette:
    """Check every colour pair the templates use and adjust what fails WCAG AA.

    Pairs and the smallest text size (px at 1080) each is used at: header and subtitle text on
    the background (24), the accent as eyebrow/footer text on the background (24), text on
    the accent card (24: «CÒN», «NGÀY»), the primary as value text on white cards (24), muted
    labels on white cards (24). The background is checked at its lightest and darkest point.
    """
    required = _required(24)
    primary, accent = brand.primary_rgb, brand.accent_rgb
    checks: list[ContrastCheck] = []

    # 1. Text on the background: white or ink, whichever passes at both ends; else darken.
    candidates = sorted((WHITE, INK), key=lambda fg: -_worst(fg, primary))
    on_primary = candidates[0]
    if _worst(on_primary, primary) < required:
        before = primary
        moved = _shift(primary, BLACK, lambda bg: _worst(WHITE, bg) >= required)
        primary, on_primary = (moved[0] if moved else INK), WHITE
        checks.append(
            ContrastCheck(
                "text/background",
                hex_colour(on_primary),
                hex_colour(primary),
                24,
                required,
                round(_worst(on_primary, primary), 2),
                adjusted=hex_colour(primary),
                original=hex_colour(before),
                before=round(max(_worst(WHITE, before), _worst(INK, before)), 2),
                reason=(
                    f"background {hex_colour(before)} darkened to {hex_colour(primary)}: "
                    f"neither white nor dark text reached {required}:1 at 24 px"
                ),
            )
        )
    else:
        checks.append(
            ContrastCheck(
                "text/background",
                hex_colour(on_primary),
                hex_colour(primary),
                24,
                required,
                round(_worst(on_primary, primary), 2),
            )
        )

    # 2. Accent text on the background: darken the background first (keeps the accent), up
    #    to MAX_BACKGROUND_SHIFT; otherwise the accent text is shifted instead.
    given_primary = primary
    accent_text = accent
    if _worst(accent, primary) < required:
        light_accent = luminance(accent) >= luminance(primary)
        moved = None
        if light_accent:
            moved = _shift(
                primary,
                BLACK,
                lambda bg: _worst(accent, bg) >= required and _worst(on_primary, bg) >= required,
            )
        if moved is not None and moved[1] <= MAX_BACKGROUND_SHIFT:
            primary = moved[0]
            checks.append(
                ContrastCheck(
                    "accent_text/background",
                    hex_colour(accent),
                    hex_colour(primary),
                    24,
                    required,
                    round(_worst(accent, primary), 2),
                    adjusted=hex_colour(primary),
                    original=hex_colour(given_primary),
                    before=round(_worst(accent, given_primary), 2),
                    reason=(
                        f"background {hex_colour(given_primary)} darkened to "
                        f"{hex_colour(primary)}: accent text {hex_colour(accent)} had "
                        f"{_worst(accent, given_primary):.1f}:1, needs {required}:1 at 24 px"
                    ),
                )
            )
        else:
            direction = WHITE if light_accent else BLACK
            found = _shift(accent, direction, lambda fg: _worst(fg, primary) >= required)
            if found is None:  # the other way round
                found = _shift(
                    accent,
                    BLACK if light_accent else WHITE,
                    lambda fg: _worst(fg, primary) >= required,
                )
            accent_text = found[0] if found else readable_on(primary)
            checks.append(
                ContrastCheck(
                    "accent_text/background",
                    hex_colour(accent_text),
                    hex_colour(primary),
                    24,
                    required,
                    round(_worst(accent_text, primary), 2),
                    adjusted=hex_colour(accent_text),
                    original=hex_colour(accent),
                    before=round(_worst(accent, primary), 2),
                    reason=(
                        f"accent text {hex_colour(accent)} shown as {hex_colour(accent_text)}: "
                        f"it had {_worst(accent, primary):.1f}:1 on the background, needs "
                        f"{required}:1 at 24 px"
                    ),
                )
            )
    else:
        checks.append(
            ContrastCheck(
                "accent_text/background",
                hex_colour(accent),
                hex_colour(primary),
                24,
                required,
                round(_worst(accent, primary), 2),
            )
        )

    # 3. Text on the accent card.
    on_accent = max((WHITE, INK), key=lambda fg: contrast(fg, accent))
    card = accent
    if contrast(on_accent, card) < required:
        dark = on_accent == WHITE
        moved = _shift(
            card, BLACK if dark else WHITE, lambda bg: contrast(on_accent, bg) >= required
        )
        card = moved[0] if moved else card
        checks.append(
            ContrastCheck(
                "text/accent_card",
                hex_colour(on_accent),
                hex_colour(card),
                24,
                required,
                round(contrast(on_accent, card), 2),
                adjusted=hex_colour(card),
                original=hex_colour(accent),
                before=round(contrast(on_accent, accent), 2),
                reason=(
                    f"accent card {hex_colour(accent)} shown as {hex_colour(card)}: its text "
                    f"had {contrast(on_accent, accent):.1f}:1, needs {required}:1 at 24 px"
                ),
            )
        )
    else:
        checks.append(
            ContrastCheck(
                "text/accent_card",
                hex_colour(on_accent),
                hex_colour(card),
                24,
                required,
                round(contrast(on_accent, card), 2),
            )
        )

    # 4. The primary as text on white cards (stat values, row labels).
    primary_text = primary
    if contrast(primary, WHITE) < required:
        moved = _shift(primary, BLACK, lambda fg: contrast(fg, WHITE) >= required)
        primary_text = moved[0] if moved else INK
        checks.append(
            ContrastCheck(
                "primary_text/white_card",
                hex_colour(primary_text),
                hex_colour(WHITE),
                24,
                required,
                round(contrast(primary_text, WHITE), 2),
                adjusted=hex_colour(primary_text),
                original=hex_colour(primary),
                before=round(contrast(primary, WHITE), 2),
                reason=(
                    f"primary {hex_colour(primary)} as text on white cards shown as "
                    f"{hex_colour(primary_text)}: it had {contrast(primary, WHITE):.1f}:1, "
                    f"needs {required}:1 at 24 px"
                ),
            )
        )
    else:
        checks.append(
            ContrastCheck(
                "primary_text/white_card",
                hex_colour(primary),
                hex_colour(WHITE),
                24,
                required,
                round(contrast(primary, WHITE), 2),
            )
        )
    return Palette(primary, card, accent_text, primary_text, on_primary, on_accent, tuple(checks))
