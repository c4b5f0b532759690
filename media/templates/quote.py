"""``quote``: a message card — a quotation with its author."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from media.brand import BrandKit
from media.fonts import font
from media.templates.base import Canvas, Infographic, field_text

NAME = "quote"
FIELDS = ("title", "author", "role", "footer")
LIMITS = {"title": 360, "author": 80, "role": 140, "footer": 120}


@lru_cache(maxsize=32)
def _ink_box(face: ImageFont.FreeTypeFont) -> tuple[int, int, int, int]:
    """The quotation mark's ink, measured on pixels: the font's box runs down to the
    baseline and would leave a hole under the mark."""
    box = [round(v) for v in ImageDraw.Draw(Image.new("L", (1, 1))).textbbox(
        (0, 0), "“", font=face, anchor="lt"
    )]  # fmt: skip
    mask = Image.new("L", (max(1, box[2]) + 4, max(1, box[3]) + 4))
    ImageDraw.Draw(mask).text((0, 0), "“", font=face, fill=255, anchor="lt")
    ink = mask.getbbox() or (0, 0, box[2], box[3])
    return ink[0], ink[1], ink[2], ink[3]


def render(
    fields: Mapping[str, Any], brand: BrandKit, size: tuple[int, int], *, lang: str, today: date
) -> Infographic:
    """``title`` is the quotation; ``author`` (or ``subtitle``) and ``role`` attribute it.

    Raises :class:`MediaError` for an empty quotation or text that cannot fit.
    """
    fam = brand.font_family
    quote = field_text(fields, "title", LIMITS["title"], fam, required=True)
    author = field_text(fields, "author", LIMITS["author"], fam) or field_text(
        fields, "subtitle", LIMITS["author"], fam
    )
    role = field_text(fields, "role", LIMITS["role"], fam)
    c = Canvas(brand, size, lang)
    left, top, right, bottom = c.chrome(field_text(fields, "footer", LIMITS["footer"], fam))
    u = c.u
    mark_size = round((200 if c.landscape else 280) * u)
    # The opening quotation mark is decoration: drawn at a fixed size, its ink box recorded.
    mark_face = font(fam, "black", mark_size)
    mark_ink = _ink_box(mark_face)
    mark_h = mark_ink[3] - mark_ink[1]
    attrib_h = 0
    name_h = max(c.line_box(c.min_text), round(46 * u))
    role_h = max(2 * c.line_box(c.min_text), round(70 * u)) if role else 0
    if author or role:
        attrib_h = name_h + round(8 * u) + role_h
    gap_mark, gap_attrib = round(36 * u), round(74 * u)
    quote_box = (
        left,
        top + mark_h + gap_mark,
        right,
        bottom - attrib_h - (round(56 * u) if attrib_h else 0),
    )
    block = c.fit(
        quote,
        quote_box,
        weight="italic",
        max_size=round(74 * u),
        min_size=max(14, round(26 * u)),
        max_lines=10,
        line_spacing=1.3,
        name="title",
    )
    # On tall canvases a short quote would leave the bottom half empty: centre the group
    # (slightly above the middle, where the eye expects it).
    group_h = mark_h + gap_mark + block.height + (gap_attrib + attrib_h if attrib_h else 0)
    shift = max(0, (bottom - top - group_h) * 2 // 5) if c.h / c.w > 1.2 else 0
    top += shift
    mx, my = left - mark_ink[0], top - mark_ink[1]
    c.draw.text((mx, my), "“", font=mark_face, fill=c.accent_text, anchor="lt")
    c.boxes["quote_mark"] = c.ink["quote_mark"] = (
        left,
        top,
        left + mark_ink[2] - mark_ink[0],
        top + mark_h,
    )
    y = top + mark_h + gap_mark
    quote_box = (left, y, right, y + block.height)
    ink = c.put("title", block, quote_box, fill=c.on_primary)
    if not attrib_h:
        return c.result(NAME, {})
    ay = ink[3] + round(48 * u)
    c.bar(left, ay, round(64 * u), max(4, round(6 * u)), c.accent)
    ay += round(26 * u)
    if author:
        c.text(
            "author",
            author,
            (left, ay, right, ay + name_h),
            weight="bold",
            max_size=round(38 * u),
            min_size=max(11, round(18 * u)),
            max_lines=1,
            fill=c.on_primary,
        )
        ay += name_h + round(8 * u)
    if role:
        c.text(
            "role",
            role,
            (left, ay, right, ay + role_h),
            weight="regular",
            max_size=round(28 * u),
            min_size=max(10, round(15 * u)),
            max_lines=2,
            fill=c.soft(0.25),
            line_spacing=1.25,
        )
    return c.result(NAME, {})
