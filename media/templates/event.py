"""``event``: an event announcement — name, time, place, organiser."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from media.brand import BrandKit
from media.errors import TEXT_NO_ROOM, TEXT_TOO_LONG, MediaError
from media.labels import label
from media.templates.base import Canvas, Infographic, field_text
from media.templates.panels import heading, rows_panel

NAME = "event"
FIELDS = ("title", "subtitle", "time", "place", "organiser", "footer")
LIMITS = {"title": 160, "subtitle": 240, "time": 80, "place": 160, "organiser": 160, "footer": 120}


def render(
    fields: Mapping[str, Any], brand: BrandKit, size: tuple[int, int], *, lang: str, today: date
) -> Infographic:
    """Raises :class:`MediaError` for an empty title or text that cannot fit."""
    fam = brand.font_family
    title = field_text(fields, "title", LIMITS["title"], fam, required=True)
    subtitle = field_text(fields, "subtitle", LIMITS["subtitle"], fam)
    rows = [
        (key, label(f"media.label.{key}", lang), field_text(fields, key, LIMITS[key], fam))
        for key in ("time", "place", "organiser")
    ]
    rows = [r for r in rows if r[2]]
    return _layout(
        NAME, brand, size, lang, fields, label("media.label.event", lang), title, subtitle, rows
    )


def _layout(
    name: str,
    brand: BrandKit,
    size: tuple[int, int],
    lang: str,
    fields: Mapping[str, Any],
    eyebrow: str,
    title: str,
    subtitle: str,
    rows: list[tuple[str, str, str]],
) -> Infographic:
    """Heading on top (or left), the rows panel below (or right). Shared with ``task``.

    Tries a few splits of the space, from "roomy facts" to "everything tight"; long input
    falls through to the tighter ones. Raises :class:`MediaError` when none fits.
    """
    tall = size[1] / size[0] > 1.2
    if size[0] / size[1] > 1.25:
        attempts: tuple[tuple[float, int], ...] = ((0.5, 18), (0.56, 14))
    elif tall:
        attempts = ((0.5, 28), (0.6, 24), (0.7, 16))
    else:
        attempts = ((0.42, 27), (0.5, 25), (0.6, 21), (0.6, 16), (0.7, 15), (0.75, 14))
    for i, (share, min_value) in enumerate(attempts):
        try:
            return _attempt(
                name,
                brand,
                size,
                lang,
                fields,
                eyebrow,
                title,
                subtitle,
                rows,
                share,
                min_value,
                tall,
            )
        except MediaError as exc:
            if exc.key not in (TEXT_TOO_LONG, TEXT_NO_ROOM) or i == len(attempts) - 1:
                raise
    raise AssertionError("unreachable")


def _attempt(
    name: str,
    brand: BrandKit,
    size: tuple[int, int],
    lang: str,
    fields: Mapping[str, Any],
    eyebrow: str,
    title: str,
    subtitle: str,
    rows: list[tuple[str, str, str]],
    share: float,
    min_value: int,
    tall: bool,
) -> Infographic:
    c = Canvas(brand, size, lang)
    left, top, right, bottom = c.chrome(field_text(fields, "footer", 120, brand.font_family))
    u = c.u
    if c.landscape and rows:
        split = left + round((right - left) * share)
        heading(
            c,
            (left, top, split - round(24 * u), bottom),
            eyebrow=eyebrow,
            title=title,
            subtitle=subtitle,
            title_max=76,
            tight=share > 0.5,
        )
        rows_panel(
            c, (split + round(24 * u), top, right, bottom), rows, max_value=30, min_value=min_value
        )
        return c.result(name, {})
    if not rows:
        heading(c, (left, top, right, bottom), eyebrow=eyebrow, title=title, subtitle=subtitle)
        return c.result(name, {})
    # The panel is sized first (anchored at the bottom, at most ``share`` of the height): its
    # facts matter more than a huge title, and the title shrinks into what is left above it.
    # Tighter attempts also cap the value size, so the panel does not eat the title's room.
    max_value = (40 if tall else 30) if share <= 0.5 else min_value + 4
    area = (left, bottom - round((bottom - top) * share), right, bottom)
    panel = rows_panel(
        c, area, rows, dry_run=True, max_value=max_value, min_value=min_value, table=not tall
    )
    heading(
        c,
        (left, top, right, panel[1] - round(40 * u)),
        eyebrow=eyebrow,
        title=title,
        subtitle=subtitle,
        title_max=88,
        tight=share >= 0.7,
    )
    rows_panel(c, panel, rows, max_value=max_value, min_value=min_value, table=not tall)
    return c.result(name, {})
