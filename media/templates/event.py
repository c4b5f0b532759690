"""``event``: an event announcement — name, time, place, organiser."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from media.brand import BrandKit
from media.errors import MediaError
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
    """Heading on top (or left), the rows panel below (or right). Shared with ``task``."""
    c = Canvas(brand, size, lang)
    left, top, right, bottom = c.chrome(field_text(fields, "footer", 120, brand.font_family))
    u = c.u
    if c.landscape and rows:
        split = left + round((right - left) * 0.5)
        heading(
            c,
            (left, top, split - round(24 * u), bottom),
            eyebrow=eyebrow,
            title=title,
            subtitle=subtitle,
            title_max=76,
        )
        rows_panel(c, (split + round(24 * u), top, right, bottom), rows, max_value=30)
        return c.result(name, {})
    if not rows:
        heading(c, (left, top, right, bottom), eyebrow=eyebrow, title=title, subtitle=subtitle)
        return c.result(name, {})
    # The panel is sized first (anchored at the bottom, at most ~half the height): its facts
    # matter more than a huge title, and the title shrinks into whatever is left above it.
    tall = c.h / c.w > 1.2
    max_value = 40 if tall else 30
    # Smallest panel whose values stay comfortably readable; squeeze only as a last resort.
    attempts = (
        ((0.5, 28), (0.6, 26), (0.7, 16)) if tall else ((0.42, 27), (0.5, 25), (0.6, 23), (0.7, 16))
    )
    for i, (share, min_value) in enumerate(attempts):
        try:
            panel = rows_panel(
                c,
                (left, bottom - round((bottom - top) * share), right, bottom),
                rows,
                dry_run=True,
                max_value=max_value,
                min_value=min_value,
                table=not tall,
            )
            break
        except MediaError:
            if i == len(attempts) - 1:
                raise
    panel = rows_panel(c, panel, rows, max_value=max_value, min_value=min_value, table=not tall)
    heading(
        c,
        (left, top, right, panel[1] - round(48 * u)),
        eyebrow=eyebrow,
        title=title,
        subtitle=subtitle,
        title_max=88,
    )
    return c.result(name, {})
