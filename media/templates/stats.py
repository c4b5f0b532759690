"""``stats``: a headline and 3–6 stat cards (big number + label)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from media import errors, text
from media.brand import BrandKit
from media.templates.base import MUTED_INK, WHITE, Canvas, Infographic, field_text
from media.templates.panels import heading

NAME = "stats"
FIELDS = ("title", "subtitle", "stats", "footer")
LIMITS = {"title": 140, "subtitle": 240, "footer": 120, "label": 90, "value": 16}
MIN_STATS, MAX_STATS = 3, 6


def parse_stats(raw: Sequence[Any], family: str) -> list[tuple[str, str]]:
    """``[("label", value) | "LABEL=VALUE" | {"label":..,"value":..}]`` -> cleaned pairs.

    Raises :class:`MediaError`: ``stats_count``, ``bad_stat``, ``text_too_long``.
    """
    pairs: list[tuple[str, str]] = []
    for item in raw:
        if isinstance(item, str):
            label, sep, value = item.partition("=")
            if not sep:
                raise errors.MediaError(errors.BAD_STAT, f"bad stat {item!r}", value=item)
        elif isinstance(item, Mapping):
            label, value = str(item.get("label", "")), item.get("value", "")
        else:
            label, value = item
        label = text.clean(str(label), family)
        value = text.clean(text.format_stat_value(value), family)
        if not label or not value:
            raise errors.MediaError(errors.BAD_STAT, f"bad stat {item!r}", value=str(item))
        if len(label) > LIMITS["label"] or len(value) > LIMITS["value"]:
            raise errors.MediaError(
                errors.TEXT_TOO_LONG,
                "stat too long",
                field="stats",
                length=len(label),
                limit=LIMITS["label"],
            )
        pairs.append((label, value))
    if not MIN_STATS <= len(pairs) <= MAX_STATS:
        raise errors.MediaError(
            errors.STATS_COUNT,
            f"{len(pairs)} stats",
            count=len(pairs),
            min=MIN_STATS,
            max=MAX_STATS,
        )
    return pairs


def _grid(n: int, w: int, h: int, gap: int, min_h: int = 0) -> tuple[int, int]:
    """Columns and rows whose cards come closest to a pleasant shape; no empty row, and a
    part-filled row (an orphan card) only when no full grid is reasonable."""
    best: tuple[float, int, int] | None = None
    for cols in range(1, n + 1):
        rows = math.ceil(n / cols)
        if rows * cols - n >= cols:
            continue
        cw, ch = (w - gap * (cols - 1)) / cols, (h - gap * (rows - 1)) / rows
        if cw <= 0 or ch <= 0 or (ch < min_h and cols < n):
            continue
        # A part-filled last row leaves an orphan card: only when nothing else fits.
        score = abs(math.log(min(cw / ch, 6.0) / 1.35)) + 1.5 * (rows * cols - n)
        if best is None or score < best[0]:
            best = (score, cols, rows)
    assert best is not None
    return best[1], best[2]


def render(
    fields: Mapping[str, Any], brand: BrandKit, size: tuple[int, int], *, lang: str, today: date
) -> Infographic:
    """Raises :class:`MediaError` for an empty title, a bad stat list, or text that cannot fit."""
    fam = brand.font_family
    title = field_text(fields, "title", LIMITS["title"], fam, required=True)
    subtitle = field_text(fields, "subtitle", LIMITS["subtitle"], fam)
    stats = parse_stats(list(fields.get("stats") or []), fam)
    shares = (0.32, 0.42, 0.5) if size[1] / size[0] <= 1.2 else (0.28, 0.36, 0.44)
    for i, share in enumerate(shares):
        try:
            return _attempt(fields, brand, size, lang, title, subtitle, stats, share)
        except errors.MediaError as exc:
            if exc.key != errors.TEXT_TOO_LONG or i == len(shares) - 1:
                raise
    raise AssertionError("unreachable")


def _attempt(
    fields: Mapping[str, Any],
    brand: BrandKit,
    size: tuple[int, int],
    lang: str,
    title: str,
    subtitle: str,
    stats: list[tuple[str, str]],
    share: float,
) -> Infographic:
    """One layout with the heading taking ``share`` of the height (or width, landscape)."""
    c = Canvas(brand, size, lang)
    left, top, right, bottom = c.chrome(
        field_text(fields, "footer", LIMITS["footer"], brand.font_family)
    )
    u = c.u
    gap = round(28 * u)
    if c.landscape:
        split = left + round((right - left) * (share + 0.06))
        heading(
            c,
            (left, top, split - round(24 * u), bottom),
            eyebrow="",
            title=title,
            subtitle=subtitle,
            title_max=72,
        )
        grid = (split + round(24 * u), top, right, bottom)
    else:
        head_bottom = top + round((bottom - top) * share)
        y = heading(
            c,
            (left, top, right, head_bottom),
            eyebrow="",
            title=title,
            subtitle=subtitle,
            title_max=80,
            tight=share >= 0.44,
        )
        grid = (left, y + round(44 * u), right, bottom)
    _cards(c, grid, stats, gap)
    return c.result(NAME, {})


def _cards(
    c: Canvas, box: tuple[int, int, int, int], stats: list[tuple[str, str]], gap: int
) -> None:
    u = c.u
    left, top, right, bottom = box
    w, h = right - left, bottom - top
    cols, rows = _grid(len(stats), w, h, gap, min_h=3 * c.line_box(c.min_text))
    cw = (w - gap * (cols - 1)) // cols
    ch = min((h - gap * (rows - 1)) // rows, round(cw * 1.1))
    # Cards sit at the top of their area; leftover height goes below, not between cards.
    pad = round(min(cw, ch) * 0.12)
    # Uniform cards: every value at the size of the one that needs the smallest, so
    # "1.234.567" is never smaller than "87,5%" beside it.
    inner_w, inner_h = cw - 2 * pad, ch - 2 * pad - round(20 * u)
    wide = cw / ch > 2.2
    value_box = (
        (0, 0, round(inner_w * 0.46) - pad // 2, inner_h)
        if wide
        else (0, 0, inner_w, round(inner_h * 0.4))
    )
    value_max = round((value_box[3] - value_box[1]) * (0.8 if wide else 0.85))
    value_px = min(
        c.fit(
            value, value_box, weight="extrabold", max_size=value_max, min_size=12,
            max_lines=1, name=f"stat{i}_value",
        ).size
        for i, (_, value) in enumerate(stats)
    )  # fmt: skip
    for i, (label, value) in enumerate(stats):
        r, col = divmod(i, cols)
        in_row = min(cols, len(stats) - r * cols)
        # A shorter last row is centred under the others.
        x = left + col * (cw + gap) + (cols - in_row) * (cw + gap) // 2
        y = top + r * (ch + gap)
        c.panel((x, y, x + cw, y + ch), WHITE, radius=24 * u)
        c.bar(x + pad, y + pad, round(56 * u), max(4, round(8 * u)), c.accent)
        inner = (x + pad, y + pad + round(20 * u), x + cw - pad, y + ch - pad)
        iw, ih = inner[2] - inner[0], inner[3] - inner[1]
        if cw / ch > 2.2:  # wide card: number left, label right
            split = inner[0] + round(iw * 0.46)
            c.text(
                f"stat{i}_value",
                value,
                (inner[0], inner[1], split - pad // 2, inner[3]),
                weight="extrabold",
                max_size=value_px,
                min_size=value_px,
                max_lines=1,
                fill=c.primary_text,
                valign="middle",
            )
            c.text(
                f"stat{i}_label",
                label,
                (split + pad // 2, inner[1], inner[2], inner[3]),
                weight="medium",
                max_size=round(34 * u),
                min_size=max(10, round(15 * u)),
                max_lines=4,
                fill=MUTED_INK,
                valign="middle",
                line_spacing=1.25,
            )
        else:
            value_h = round(ih * 0.4)
            c.text(
                f"stat{i}_value",
                value,
                (inner[0], inner[1], inner[2], inner[1] + value_h),
                weight="extrabold",
                max_size=value_px,
                min_size=value_px,
                max_lines=1,
                fill=c.primary_text,
                valign="bottom",
            )
            c.text(
                f"stat{i}_label",
                label,
                (inner[0], inner[1] + value_h + round(14 * u), inner[2], inner[3]),
                weight="medium",
                max_size=round(min(34 * u, ih * 0.18)),
                min_size=max(10, round(14 * u)),
                max_lines=3,
                fill=MUTED_INK,
                valign="top",
                line_spacing=1.25,
            )
