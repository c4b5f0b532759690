"""``campaign`` (default): a national-day poster with date and countdown ("Còn N ngày")."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from media import errors, text
from media.brand import BrandKit
from media.labels import label
from media.templates.base import Canvas, Infographic, field_text
from media.templates.panels import heading

NAME = "campaign"
FIELDS = ("title", "subtitle", "day_name", "date", "countdown", "footer")
#: Longest countdown, in days (ten years: a campaign further off has no countdown).
MAX_COUNTDOWN = 3660
LIMITS = {"title": 160, "subtitle": 320, "day_name": 80, "footer": 120}


def _day_name(day: date | None, lang: str) -> str:
    if day is None:
        return ""
    return label(f"media.day.{day.day:02d}-{day.month:02d}", lang).removeprefix("media.day.")


def render(
    fields: Mapping[str, Any], brand: BrandKit, size: tuple[int, int], *, lang: str, today: date
) -> Infographic:
    """Raises :class:`MediaError` for an empty title, a bad date, or text that cannot fit."""
    fam = brand.font_family
    title = field_text(fields, "title", LIMITS["title"], fam, required=True)
    subtitle = field_text(fields, "subtitle", LIMITS["subtitle"], fam)
    day = fields.get("date")
    event_day = day if isinstance(day, date) else (text.parse_date(str(day)) if day else None)
    day_name = field_text(fields, "day_name", LIMITS["day_name"], fam)
    if not day_name:
        known = _day_name(event_day, lang)
        day_name = "" if known[:2].isdigit() else known
    countdown = fields.get("countdown")
    if countdown is not None:
        try:
            countdown = int(countdown)
        except (TypeError, ValueError) as exc:
            raise errors.MediaError(errors.BAD_FIELD, "countdown", field="countdown") from exc
        if event_day is not None and countdown != (event_day - today).days:
            # A countdown is a fact about the date: one that disagrees with it is a mistake.
            raise errors.MediaError(
                errors.COUNTDOWN_MISMATCH,
                f"countdown {countdown} does not match {event_day}",
                countdown=countdown,
                date=text.format_date(event_day),
                expected=(event_day - today).days,
            )
        if abs(countdown) > MAX_COUNTDOWN:
            raise errors.MediaError(
                errors.COUNTDOWN_TOO_FAR,
                f"countdown {countdown}",
                countdown=countdown,
                limit=MAX_COUNTDOWN,
            )
    elif event_day is not None:
        countdown = (event_day - today).days
        if countdown < 0:
            countdown = None  # the day has passed: show the date only
    c = Canvas(brand, size, lang)
    box = c.chrome(field_text(fields, "footer", LIMITS["footer"], fam))
    left, top, right, bottom = box
    u = c.u
    has_panel = event_day is not None or countdown is not None
    if c.landscape:
        split = left + round((right - left) * (0.60 if has_panel else 1.0))
        heading(
            c,
            (left, top, split - round(40 * u) if has_panel else right, bottom),
            eyebrow=day_name,
            title=title,
            subtitle=subtitle,
            title_max=92,
        )
        if has_panel:
            _countdown(c, (split, top, right, bottom), countdown, event_day, stacked=True)
    else:
        panel_h = round(min((bottom - top) * 0.3, (420 if c.h / c.w > 1.5 else 260) * u))
        if not has_panel:
            panel_h = 0
        heading(
            c,
            (left, top, right, bottom - panel_h - round(48 * u)),
            eyebrow=day_name,
            title=title,
            subtitle=subtitle,
        )
        if has_panel:
            _countdown(
                c, (left, bottom - panel_h, right, bottom), countdown, event_day, stacked=False
            )
    return c.result(NAME, {})


def _countdown(
    c: Canvas,
    box: tuple[int, int, int, int],
    countdown: int | None,
    day: date | None,
    *,
    stacked: bool,
) -> None:
    """The accent countdown card, with the date beside it (or under it when ``stacked``)."""
    u, lang = c.u, c.lang
    left, top, right, bottom = box
    w, h = right - left, bottom - top
    date_h = max(round(130 * u), round(c.line_box(c.min_text) * 2.6)) if day else 0
    if stacked:
        card = round(min(w, (h - date_h) * 0.9, 380 * u))
        cx = left + (w - card) // 2
        cy = top + (h - card - date_h) // 2
    else:
        card = h
        cx, cy = left, top
    card_box = (cx, cy, cx + card, cy + card)
    small = max(round(card * 0.15), c.line_box(c.min_text))
    if countdown is not None and card < 3.6 * small + 2 * round(card * 0.1):
        # Too short for three lines at the minimum size: one line «CÒN 25 NGÀY», full width
        # (stacked) or beside the date.
        card_box = (left, cy, right if stacked else left + round(w * 0.48), cy + card)
        c.panel(card_box, c.accent, radius=36 * u)
        pad = round(card * 0.12)
        words = (
            [label("media.label.countdown_today", lang)]
            if countdown == 0
            else [
                label("media.label.countdown_left", lang),
                text.format_number(countdown),
                label("media.label.countdown_days", lang),
            ]
        )
        c.text(
            "countdown",
            " ".join(words).upper(),
            (card_box[0] + pad, cy + pad, card_box[2] - pad, cy + card - pad),
            weight="black",
            max_size=round(card * 0.5),
            min_size=c.min_text,
            max_lines=1,
            fill=c.on_accent,
            align="center",
            valign="middle",
        )
        countdown = None  # drawn
        compact = True
    else:
        compact = False
    if countdown is not None:
        c.panel(card_box, c.accent, radius=36 * u)
        pad = round(card * 0.1)
        inner = (cx + pad, cy + pad, cx + card - pad, cy + card - pad)
        if countdown == 0:
            c.text(
                "countdown",
                label("media.label.countdown_today", lang).upper(),
                inner,
                weight="black",
                max_size=round(card * 0.3),
                min_size=10,
                max_lines=2,
                fill=c.on_accent,
                align="center",
                valign="middle",
            )
        else:
            c.text(
                "countdown_left",
                label("media.label.countdown_left", lang).upper(),
                (inner[0], inner[1], inner[2], inner[1] + small),
                weight="bold",
                max_size=round(small * 0.7),
                min_size=6,
                max_lines=1,
                fill=c.on_accent,
                align="center",
                valign="top",
            )
            c.text(
                "countdown_days",
                label("media.label.countdown_days", lang).upper(),
                (inner[0], inner[3] - small, inner[2], inner[3]),
                weight="bold",
                max_size=round(small * 0.7),
                min_size=6,
                max_lines=1,
                fill=c.on_accent,
                align="center",
                valign="bottom",
            )
            num_box = (inner[0], inner[1] + small + pad // 3, inner[2], inner[3] - small - pad // 3)
            c.text(
                "countdown",
                text.format_number(countdown),
                num_box,
                weight="black",
                max_size=round(card * 0.5),
                min_size=10,
                max_lines=1,
                fill=c.on_accent,
                align="center",
                valign="middle",
            )
    if day is None:
        return
    weekday = label(f"media.weekday.{day.weekday()}", lang)
    date_text = text.format_date(day)
    soft = c.soft(0.2)
    if stacked or (countdown is None and not compact):
        if countdown is None and not compact:
            dy = top + (h - date_h) // 2
        else:
            dy = card_box[3] + round(24 * u)
        dx0, dx1 = (left, right)
        align = "center" if stacked else "left"
    else:
        dx0, dx1 = card_box[2] + round(40 * u), right
        dy = top + (h - date_h) // 2
        align = "left"
    week_h = max(round(date_h * 0.32), c.line_box(c.min_text))
    c.text(
        "weekday",
        weekday,
        (dx0, dy, dx1, dy + week_h),
        weight="medium",
        max_size=round(34 * u),
        min_size=10,
        max_lines=1,
        fill=soft,
        align=align,
    )
    c.text(
        "date",
        date_text,
        (dx0, dy + week_h + round(8 * u), dx1, dy + date_h),
        weight="extrabold",
        max_size=round(84 * u),
        min_size=10,
        max_lines=1,
        fill=c.on_primary,
        align=align,
        valign="bottom",
    )
