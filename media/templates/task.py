"""``task``: a science & technology task highlight — name, lead organisation, result."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from media.brand import BrandKit
from media.labels import label
from media.templates.base import Infographic, field_text
from media.templates.event import _layout

NAME = "task"
FIELDS = ("title", "code", "subtitle", "lead", "manager", "period", "result", "footer")
LIMITS = {
    "title": 220,
    "code": 40,
    "subtitle": 200,
    "lead": 160,
    "manager": 80,
    "period": 60,
    "result": 420,
    "footer": 120,
}


def render(
    fields: Mapping[str, Any], brand: BrandKit, size: tuple[int, int], *, lang: str, today: date
) -> Infographic:
    """``title`` is the task name. Raises :class:`MediaError` for an empty name or overflow."""
    fam = brand.font_family
    title = field_text(fields, "title", LIMITS["title"], fam, required=True)
    subtitle = field_text(fields, "subtitle", LIMITS["subtitle"], fam)
    code = field_text(fields, "code", LIMITS["code"], fam)
    eyebrow = label("media.label.task", lang) + (f" · {code}" if code else "")
    rows = [
        (key, label(f"media.label.{key}", lang), field_text(fields, key, LIMITS[key], fam))
        for key in ("lead", "manager", "period", "result")
    ]
    rows = [r for r in rows if r[2]]
    return _layout(NAME, brand, size, lang, fields, eyebrow, title, subtitle, rows)
