"""Shared chrome and layout helpers for every infographic template.

A template builds a :class:`Canvas`, which paints the brand background, the header
(logo + organisation name) and the footer (hashtag, website) and hands back the content box.
Every piece of text goes through :meth:`Canvas.text`, which fits it to a box and records both
the box and the ink actually drawn, so tests can check that nothing overflows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from media import errors, text
from media.brand import RGB, BrandKit, contrast, mix, palette
from media.images import contain, cover, flatten, open_image
from media.sizes import link_crop
from media.text import Box, TextBlock

WHITE: RGB = (255, 255, 255)
#: See :attr:`Canvas.min_text`.
MIN_TEXT_AT_1080 = 24
#: Pixels by which the content box starts lower: set by render_infographic's second pass to
#: balance sparse content on tall canvases (see media.infographic).
CONTENT_SHIFT: ContextVar[int] = ContextVar("content_shift", default=0)
#: The link to print as a QR code in the footer (``fields["qr"]``, set by render_infographic).
QR_LINK: ContextVar[str] = ContextVar("qr_link", default="")
#: The photo shown in the photo slot (``fields["photo"]``, opened by render_infographic).
PHOTO: ContextVar[Image.Image | None] = ContextVar("photo", default=None)
#: Names of the chrome's text (not content).
CHROME = frozenset(
    {"org_name", "header_line1", "header_line2", "footer", "source", "logo", "emblem", "qr"}
)
#: Fractions of the height kept free of text and logo on 9:16 canvases.
STORY_SAFE_TOP, STORY_SAFE_BOTTOM = 0.14, 0.20
INK: RGB = (17, 24, 39)
MUTED_INK: RGB = (75, 85, 99)


@dataclass
class Infographic:
    """A rendered infographic: the image, the layout boxes and the recipe that made it."""

    image: Image.Image
    template: str
    boxes: dict[str, Box] = field(default_factory=dict)
    ink: dict[str, Box] = field(default_factory=dict)
    recipe: dict[str, Any] = field(default_factory=dict)
    #: Alternative text built from the content (see :mod:`media.alt`).
    alt: str = ""
    #: The box the template had for its content (inside header and footer).
    content_box: Box | None = None
    #: Text size (px) of every piece of text drawn through the canvas.
    sizes: dict[str, int] = field(default_factory=dict)
    #: How each text was drawn: ``name -> (block, box, fill, align, valign)``; motion clips
    #: redraw counting numbers with exactly the same face, colour and alignment.
    drawn: dict[str, tuple[TextBlock, Box, RGB, str, str]] = field(default_factory=dict)

    @property
    def size(self) -> tuple[int, int]:
        return self.image.size


def field_text(
    fields: Mapping[str, Any], key: str, limit: int, family: str, *, required: bool = False
) -> str:
    """A cleaned text field; refuses empty required fields and absurdly long input.

    Raises :class:`MediaError`: ``empty_title`` or ``text_too_long``.
    """
    value = text.clean(str(fields.get(key) or ""), family)
    if required and not value:
        raise errors.MediaError(errors.EMPTY_TITLE, f"{key} is empty", field=key)
    if len(value) > limit:
        raise errors.MediaError(
            errors.TEXT_TOO_LONG,
            f"{key} is {len(value)} characters, at most {limit}",
            field=key,
            length=len(value),
            limit=limit,
        )
    return value


def _supersampled_mask(size: tuple[int, int], radius: float, ellipse: bool = False) -> Image.Image:
    """An anti-aliased rounded-rectangle (or ellipse) mask: drawn at 3x, then reduced."""
    w, h = max(1, size[0]), max(1, size[1])
    big = Image.new("L", (w * 3, h * 3), 0)
    d = ImageDraw.Draw(big)
    if ellipse:
        d.ellipse((0, 0, w * 3 - 1, h * 3 - 1), fill=255)
    else:
        d.rounded_rectangle((0, 0, w * 3 - 1, h * 3 - 1), radius=radius * 3, fill=255)
    return big.reduce(3)


@lru_cache(maxsize=16)
def _background(primary: RGB, accent: RGB, size: tuple[int, int]) -> Image.Image:
    """Brand gradient with soft decoration; cached because it depends only on colours and size."""
    w, h = size
    light = mix(primary, WHITE, 0.06)
    dark = mix(primary, (0, 0, 0), 0.38)
    # Diagonal gradient computed small and scaled up: smooth and cheap.
    sw, sh = max(2, w // 8), max(2, h // 8)
    yy, xx = np.mgrid[0:sh, 0:sw]
    t = (xx / (sw - 1)) * 0.45 + (yy / (sh - 1)) * 0.55
    mask = Image.fromarray((t * 255).astype(np.uint8)).resize((w, h), Image.Resampling.BILINEAR)
    base = Image.composite(Image.new("RGB", (w, h), dark), Image.new("RGB", (w, h), light), mask)
    # Decoration: rings and a soft disc, drawn at half size for soft anti-aliased edges.
    hw, hh = w // 2, h // 2
    deco = Image.new("L", (hw, hh), 0)
    d = ImageDraw.Draw(deco)
    s = min(hw, hh)
    cx, cy = hw + s * 0.12, -s * 0.08
    for r, width in ((s * 0.55, max(2, round(s * 0.012))), (s * 0.78, max(1, round(s * 0.006)))):
        d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=255, width=width)
    d.ellipse((-s * 0.35, hh - s * 0.3, s * 0.45, hh + s * 0.5), fill=110)
    deco = deco.resize((w, h), Image.Resampling.BICUBIC)
    tint = Image.new("RGB", (w, h), mix(primary, WHITE, 0.16))
    base.paste(tint, mask=deco.point(lambda v: v * 60 // 255))
    # A thin accent rule along the top edge: the brand's signature.
    ImageDraw.Draw(base).rectangle((0, 0, w, max(6, round(10 * (min(w, h) / 1080)))), fill=accent)
    return base


class Canvas:
    """One infographic being drawn."""

    def __init__(self, brand: BrandKit, size: tuple[int, int], lang: str = "vi") -> None:
        self.brand = brand
        self.lang = lang
        self.w, self.h = size
        self.family = brand.font_family
        #: Every colour pair checked against WCAG AA; failing ones adjusted (see brand.palette).
        self.palette = palette(brand)
        self.primary = self.palette.primary
        self.accent = self.palette.accent
        self.accent_text = self.palette.accent_text
        self.primary_text = self.palette.primary_text
        self.on_primary = self.palette.on_primary
        self.on_accent = self.palette.on_accent
        #: Layout unit: 1 at 1080 px on the short side.
        self.u = min(self.w, self.h) / 1080
        self.margin = max(36, round(72 * self.u))
        self.landscape = self.w / self.h > 1.25
        #: Smallest text size: 24 px once the image is scaled to 1080 px wide (how a phone
        #: shows it). Text that does not fit at this size is refused, never shrunk below it.
        self.min_text = max(12, round(MIN_TEXT_AT_1080 * self.w / 1080))
        #: Stories and Reels: the apps draw their own header and reply bar over the top ~14 %
        #: and bottom ~20 %; no text or logo goes there (the background still does).
        tall = self.h / self.w >= 1.7
        self.safe_top = round(self.h * STORY_SAFE_TOP) if tall else 0
        self.safe_bottom = round(self.h * STORY_SAFE_BOTTOM) if tall else 0
        #: Link previews (1200x630, 16:9) are cropped to a centre band by the platforms:
        #: text and logo stay inside it whatever the margins.
        crop = link_crop(size)
        self.safe_top, self.safe_bottom = max(self.safe_top, crop), max(self.safe_bottom, crop)
        self.image = _background(self.primary, self.accent, size).copy()
        self.draw = ImageDraw.Draw(self.image)
        self.boxes: dict[str, Box] = {}
        self.ink: dict[str, Box] = {}
        self.content_box: Box | None = None
        self.sizes: dict[str, int] = {}
        self.drawn: dict[str, tuple[TextBlock, Box, RGB, str, str]] = {}

    # -- background and chrome ------------------------------------------------------------------
    def chrome(self, footer: str = "", date_line: str = "") -> Box:
        """Paint header and footer; returns the content box left for the template.

        The header is the logo (emblem) and either the official two lines (governing body,
        then the office) or the organisation's name; the footer is the source line
        («Nguồn: ...»), then ``footer`` (default: hashtag and website) with ``date_line``.
        """
        m = self.margin
        top = max(m + round(8 * self.u), self.safe_top)
        bottom = self.h - max(m, self.safe_bottom)
        top = self._header(top)
        footer_parts = [p for p in (self.brand.hashtag, self.brand.website) if p]
        footer = footer or "  •  ".join(footer_parts)
        footer = text.clean(footer, self.family)
        date_line = text.clean(date_line, self.family)
        if date_line:
            footer = f"{footer}  •  {date_line}" if footer else date_line
        source = text.clean(self.brand.source, self.family)
        line_h = self.line_box(self.min_text)
        right = self.w - m
        qr = QR_LINK.get()
        if qr:
            # A QR tile at the bottom right, the footer lines beside it: at 1080 px a module is
            # at least 4 px (scannable from a phone screen), with its quiet zone.
            import segno

            matrix = segno.make(qr, error="m", micro=False).matrix
            module = math.ceil(4 * self.w / 1080)
            tile = max(round(190 * self.u), module * (len(matrix) + 4) + 8)
            self._qr(matrix, (self.w - m - tile, bottom - tile, self.w - m, bottom))
            right = self.w - m - tile - round(28 * self.u)
        if footer:
            fh = max(line_h, round(44 * self.u))
            line_y = bottom - fh - round(18 * self.u)
            rule = mix(self.primary, WHITE, 0.35)
            self.draw.rectangle((m, line_y, right, line_y + max(1, round(2 * self.u))), fill=rule)
            self.text(
                "footer",
                footer,
                (m, bottom - fh, right, bottom),
                weight="semibold",
                max_size=round(28 * self.u),
                min_size=self.min_text,
                max_lines=1,
                fill=self.accent_text,
                valign="middle",
            )
            bottom = line_y - round(24 * self.u)
        if source:
            block = self.fit(
                source,
                (m, 0, right, line_h * 2),
                weight="regular",
                max_size=round(26 * self.u),
                min_size=self.min_text,
                max_lines=2,
                line_spacing=1.25,
                name="source",
            )
            sh = block.height
            self.put(
                "source",
                block,
                (m, bottom - sh, right, bottom),
                fill=self.soft(0.22),
                valign="bottom",
            )
            bottom -= sh + round(20 * self.u)
        if footer or source:
            bottom -= round(12 * self.u)
        if qr:
            bottom = min(bottom, self.boxes["qr"][1] - round(28 * self.u))
        left_x, right_x = m, self.w - m
        photo = PHOTO.get()
        if photo is not None:
            # The photo slot: a band across the top of the content (portrait and square), or
            # the right part of it (landscape); the template lays out in what is left.
            gap = round(32 * self.u)
            if self.landscape:
                pw = round((right_x - left_x) * 0.36)
                self._photo(photo, (right_x - pw, top, right_x, bottom))
                right_x -= pw + gap
            else:
                ph = round((bottom - top) * (0.36 if self.h / self.w > 1.2 else 0.3))
                self._photo(photo, (left_x, top, right_x, top + ph))
                top += ph + gap
        self.content_box = (left_x, top, right_x, bottom)
        shift = min(CONTENT_SHIFT.get(), max(0, bottom - top) // 2)
        return (left_x, top + shift, right_x, bottom)

    def _photo(self, photo: Image.Image, box: Box) -> None:
        """The photo cover-cropped into ``box`` with rounded corners."""
        w, h = box[2] - box[0], box[3] - box[1]
        fitted = cover(flatten(photo, self.primary), (w, h))
        mask = _supersampled_mask((w, h), 24 * self.u)
        self.image.paste(fitted, box[:2], mask=mask)
        self.boxes["photo"] = box

    @staticmethod
    def line_box(px: int) -> int:
        """Height of a one-line box for text of ``px`` (room for stacked Vietnamese marks)."""
        return round(px * 1.7) + 1

    def soft(self, t: float) -> RGB:
        """Text colour ``t`` of the way towards the background, kept at WCAG AA (4.5:1)."""
        ends = (mix(self.primary, WHITE, 0.06), mix(self.primary, (0, 0, 0), 0.38))
        while t > 0:
            colour = mix(self.on_primary, self.primary, t)
            if min(contrast(colour, e) for e in ends) >= 4.5:
                return colour
            t -= 0.02
        return self.on_primary

    def _header(self, top: int) -> int:
        """Logo and header text from ``top``; returns where the content may start."""
        m, u = self.margin, self.u
        brand = self.brand
        line1 = text.clean(brand.header_line1, self.family).upper()
        line2 = text.clean(brand.header_line2, self.family).upper()
        org = text.clean(brand.org_name, self.family).upper()
        official = bool(line1 or line2)
        if official and not line2:
            line1, line2 = "", line1
        small = self.min_text
        header_h = max(
            round((92 if not self.landscape else 84) * u),
            self.line_box(small) * (2 if official else 1),
        )
        x, right = m, self.w - m
        # The emblem opens the header; the logo follows it, or sits at the right end when
        # both are set (the official form: emblem, the two lines, the office's own mark).
        first = brand.emblem or brand.logo
        if first:
            self._logo(Path(first), (m, top, m + header_h, top + header_h),
                       "emblem" if brand.emblem else "logo")  # fmt: skip
            x = m + header_h + round(22 * u)
        if brand.emblem and brand.logo:
            right = self.w - m - header_h - round(22 * u)
            self._logo(Path(brand.logo), (self.w - m - header_h, top, self.w - m, top + header_h))
        if official:
            box1_h = max(self.line_box(small), round(header_h * 0.44)) if line1 else 0
            if line1:
                self.text(
                    "header_line1",
                    line1,
                    (x, top, right, top + box1_h),
                    weight="medium",
                    max_size=max(small, round(24 * u)),
                    min_size=small,
                    max_lines=1,
                    fill=self.soft(0.1),
                    valign="middle",
                )
            self.text(
                "header_line2",
                line2,
                (x, top + box1_h, right, top + header_h),
                weight="bold",
                max_size=max(small, round(30 * u)),
                min_size=small,
                max_lines=1 if line1 else 2,
                fill=self.on_primary,
                valign="middle",
                line_spacing=1.2,
            )
        elif org:
            self.text(
                "org_name",
                org,
                (x, top, right, top + header_h),
                weight="semibold",
                max_size=max(small, round(30 * u)),
                min_size=small,
                max_lines=2,
                fill=self.on_primary,
                valign="middle",
                line_spacing=1.22,
            )
        if brand.logo or brand.emblem or org or official:
            top += header_h + round(40 * u)
        return top

    def _qr(self, matrix: Any, box: Box) -> None:
        """A QR code (segno's module matrix) on a white rounded tile with its quiet zone."""
        size = box[2] - box[0]
        self.panel(box, WHITE, radius=14 * self.u)
        n = len(matrix)
        quiet = 2
        module = (size - 8) // (n + 2 * quiet)
        code = Image.new("L", (n, n), 255)
        code.putdata([0 if v else 255 for row in matrix for v in row])
        code = code.resize((n * module, n * module), Image.Resampling.NEAREST)
        off = (size - n * module) // 2
        self.image.paste(INK, (box[0] + off, box[1] + off), mask=code.point(lambda v: 255 - v))
        self.boxes["qr"] = box

    def _logo(self, path: Path, box: Box, name: str = "logo") -> None:
        """The logo (or emblem) on a white disc, so any mark reads on any brand colour."""
        size = box[2] - box[0]
        logo = open_image(path)
        disc = _supersampled_mask((size, size), 0, ellipse=True)
        self.image.paste(WHITE, (box[0], box[1], box[0] + size, box[1] + size), mask=disc)
        inner = round(size * 0.72)
        logo = contain(logo, (inner, inner))
        ox = box[0] + (size - logo.width) // 2
        oy = box[1] + (size - logo.height) // 2
        if logo.mode == "RGBA":
            self.image.paste(logo.convert("RGB"), (ox, oy), mask=logo.getchannel("A"))
        else:
            self.image.paste(logo, (ox, oy))
        self.boxes[name] = box

    # -- drawing helpers ------------------------------------------------------------------------
    def fit(
        self,
        value: str,
        box: Box,
        *,
        weight: str,
        max_size: int,
        min_size: int,
        max_lines: int = 99,
        line_spacing: float = 1.18,
        name: str = "text",
    ) -> TextBlock:
        """Fit ``value`` to ``box`` without drawing, never below :attr:`min_text`.

        Raises :class:`MediaError` (``text_no_room``) when it does not fit at that size.
        """
        min_size = max(min_size, self.min_text)
        return text.fit(
            value,
            box[2] - box[0],
            box[3] - box[1],
            family=self.family,
            weight=weight,
            max_size=max(min_size, max_size),
            min_size=min_size,
            max_lines=max_lines,
            line_spacing=line_spacing,
            field=name,
        )

    def put(
        self,
        name: str,
        block: TextBlock,
        box: Box,
        *,
        fill: RGB,
        align: str = "left",
        valign: str = "top",
    ) -> Box:
        """Draw an already-fitted block in ``box`` and record box and ink."""
        ink = text.draw(self.draw, block, box, fill=fill, align=align, valign=valign)
        self.boxes[name] = box
        self.ink[name] = ink
        self.sizes[name] = block.size
        self.drawn[name] = (block, box, fill, align, valign)
        return ink

    def text(
        self,
        name: str,
        value: str,
        box: Box,
        *,
        weight: str,
        max_size: int,
        min_size: int,
        fill: RGB,
        max_lines: int = 99,
        line_spacing: float = 1.18,
        align: str = "left",
        valign: str = "top",
    ) -> Box:
        """Fit and draw ``value`` inside ``box``; returns the ink box.

        Raises :class:`MediaError` (``text_too_long``) when it cannot fit at ``min_size``.
        """
        block = self.fit(
            value,
            box,
            weight=weight,
            max_size=max_size,
            min_size=min_size,
            max_lines=max_lines,
            line_spacing=line_spacing,
            name=name,
        )
        return self.put(name, block, box, fill=fill, align=align, valign=valign)

    def panel(self, box: Box, fill: RGB, radius: float | None = None) -> None:
        """An anti-aliased rounded rectangle."""
        w, h = box[2] - box[0], box[3] - box[1]
        if w <= 0 or h <= 0:
            return
        r = radius if radius is not None else 28 * self.u
        mask = _supersampled_mask((w, h), min(r, w / 2, h / 2))
        self.image.paste(fill, (box[0], box[1], box[2], box[3]), mask=mask)

    def disc(self, box: Box, fill: RGB) -> None:
        w, h = box[2] - box[0], box[3] - box[1]
        mask = _supersampled_mask((w, h), 0, ellipse=True)
        self.image.paste(fill, (box[0], box[1], box[2], box[3]), mask=mask)

    def bar(self, x: int, y: int, width: int, height: int, fill: RGB) -> None:
        self.panel((x, y, x + width, y + height), fill, radius=height / 2)

    def result(self, template: str, recipe: dict[str, Any]) -> Infographic:
        return Infographic(
            self.image,
            template,
            dict(self.boxes),
            dict(self.ink),
            recipe,
            content_box=self.content_box,
            sizes=dict(self.sizes),
            drawn=dict(self.drawn),
        )
