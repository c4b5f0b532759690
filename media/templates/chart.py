"""``chart``: a bar, line or donut chart of a few numbers («công bố kết quả», KPI progress).

Fields: ``title`` (required), ``subtitle``, ``kind`` (``bar``, ``line`` or ``donut``), ``data``
(``["Nhãn=123", ...]`` or ``(label, number)`` pairs), ``unit`` (printed after values),
``footer``. Bars and donut shares must not be negative; 1 to 12 items (2 to 24 points for a
line); every label and value is drawn at the minimum legible size or larger, else refused.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from PIL import Image, ImageDraw

from media import errors, text
from media.brand import RGB, BrandKit, mix
from media.templates.base import INK, MUTED_INK, WHITE, Canvas, Infographic, field_text
from media.templates.panels import heading

NAME = "chart"
FIELDS = ("title", "subtitle", "kind", "data", "unit", "footer")
LIMITS = {"title": 120, "subtitle": 200, "label": 40, "unit": 12, "footer": 120}
KINDS = ("bar", "line", "donut")
MAX_ITEMS = {"bar": 12, "donut": 8, "line": 24}
MIN_ITEMS = {"bar": 1, "donut": 2, "line": 2}
#: Vietnamese names of the kinds, for messages.
KIND_VI = {"bar": "cột", "line": "đường", "donut": "tròn"}


def _bad(vi: str, en: str) -> errors.MediaError:
    return errors.MediaError(errors.BAD_CHART, en, why_vi=vi, why_en=en)


def parse_number(raw: str) -> float:
    """``"1.234.567"``, ``"87,5"``, ``"87,5%"``, ``"1,234.5"``, ``"-3"`` -> float.

    Raises :class:`MediaError` (``bad_chart``) for anything else.
    """
    value = raw.strip().replace(" ", "").rstrip("%")
    if "." in value and "," in value:
        if value.rfind(",") > value.rfind("."):  # 1.234,5 (Vietnamese)
            value = value.replace(".", "").replace(",", ".")
        else:  # 1,234.5
            value = value.replace(",", "")
    elif "," in value:
        value = value.replace(",", ".")
    elif re.fullmatch(r"-?\d{1,3}(\.\d{3})+", value):
        value = value.replace(".", "")
    try:
        number = float(value)
    except ValueError:
        raise _bad(f"«{raw}» không phải là số", f"«{raw}» is not a number") from None
    if not math.isfinite(number):
        raise _bad(f"«{raw}» không phải là số", f"«{raw}» is not a number")
    return number


def parse_data(raw: Sequence[Any], kind: str, family: str) -> list[tuple[str, float]]:
    """The chart's ``(label, value)`` pairs, checked against the kind's limits."""
    if kind not in KINDS:
        raise _bad(
            f"loại biểu đồ «{kind}» không có; chọn bar, line hoặc donut",
            f"no chart kind «{kind}»; use bar, line or donut",
        )
    pairs: list[tuple[str, float]] = []
    for item in raw:
        if isinstance(item, str):
            label, sep, value = item.rpartition("=")
            if not sep:
                raise _bad(
                    f"«{item}» thiếu dấu «=» (dạng Nhãn=giá trị)",
                    f"«{item}» has no «=» (use label=value)",
                )
        else:
            label, value = item
        label = text.clean(str(label), family)
        if not label:
            raise _bad("có mục không có nhãn", "an item has no label")
        if len(label) > LIMITS["label"]:
            raise errors.MediaError(
                errors.TEXT_TOO_LONG,
                "chart label",
                field="data",
                length=len(label),
                limit=LIMITS["label"],
            )
        number = parse_number(str(value)) if isinstance(value, str) else float(value)
        pairs.append((label, number))
    lo, hi = MIN_ITEMS[kind], MAX_ITEMS[kind]
    if not pairs:
        raise _bad("không có dữ liệu", "there is no data")
    if not lo <= len(pairs) <= hi:
        raise _bad(
            f"{len(pairs)} mục, biểu đồ {KIND_VI[kind]} nhận từ {lo} đến {hi} mục",
            f"{len(pairs)} items; a {kind} chart takes {lo} to {hi}",
        )
    if kind in ("bar", "donut") and any(v < 0 for _, v in pairs):
        raise _bad(
            f"biểu đồ {KIND_VI[kind]} không nhận giá trị âm",
            f"a {kind} chart takes no negative values",
        )
    if kind == "donut" and sum(v for _, v in pairs) <= 0:
        raise _bad("tổng các phần bằng 0", "the shares add up to 0")
    return pairs


def format_value(value: float, unit: str) -> str:
    """A value as printed on the chart (Vietnamese number format, ``%`` kept)."""
    return _fmt(value, unit)


def _fmt(value: float, unit: str) -> str:
    decimals = 0 if float(value).is_integer() else 1
    return text.format_number(round(value, 1), decimals) + (unit if unit == "%" else "")


def render(
    fields: Mapping[str, Any], brand: BrandKit, size: tuple[int, int], *, lang: str, today: date
) -> Infographic:
    """Raises :class:`MediaError`: ``bad_chart``, ``empty_title``, ``text_too_long``,
    ``text_no_room``."""
    fam = brand.font_family
    title = field_text(fields, "title", LIMITS["title"], fam, required=True)
    subtitle = field_text(fields, "subtitle", LIMITS["subtitle"], fam)
    unit = field_text(fields, "unit", LIMITS["unit"], fam)
    kind = str(fields.get("kind") or "bar")
    data = parse_data(fields.get("data") or [], kind, fam)
    c = Canvas(brand, size, lang)
    left, top, right, bottom = c.chrome(field_text(fields, "footer", LIMITS["footer"], fam))
    u = c.u
    if c.landscape:
        split = left + round((right - left) * 0.38)
        heading(
            c,
            (left, top, split - round(32 * u), bottom),
            eyebrow="",
            title=title,
            subtitle=subtitle,
            title_max=72,
        )
        area = (split, top, right, bottom)
    else:
        head_bottom = top + round((bottom - top) * 0.34)
        y = heading(
            c,
            (left, top, right, head_bottom),
            eyebrow="",
            title=title,
            subtitle=subtitle,
            title_max=80,
        )
        area = (left, y + round(40 * u), right, bottom)
    if kind == "bar":
        _bars(c, area, data, unit)
    elif kind == "line":
        _line(c, area, data, unit)
    else:
        _donut(c, area, data, unit)
    return c.result(NAME, {})


def _bars(
    c: Canvas, box: tuple[int, int, int, int], data: list[tuple[str, float]], unit: str
) -> None:
    """Horizontal bars (Vietnamese labels read better beside a bar than under it)."""
    left, top, right, bottom = box
    n = len(data)
    gap = round(18 * c.u)
    row_h = min((bottom - top - gap * (n - 1)) // n, round(120 * c.u))
    if row_h < c.line_box(c.min_text):
        raise errors.MediaError(
            errors.TEXT_NO_ROOM, "bars", field="data", length=n, min_px=c.min_text, lines=n
        )
    label_w = round((right - left) * 0.36)
    value_w = round((right - left) * 0.2)
    bar_x0, bar_x1 = left + label_w + round(16 * c.u), right - value_w - round(12 * c.u)
    peak = max(v for _, v in data) or 1.0
    # One size for every label and every value, the largest all of them fit.
    label_px = min(
        c.fit(lab, (0, 0, label_w, row_h), weight="medium", max_size=round(30 * c.u),
              min_size=c.min_text, max_lines=2, line_spacing=1.15, name="data").size
        for lab, _ in data
    )  # fmt: skip
    values = [_fmt(v, unit) for _, v in data]
    value_px = min(
        c.fit(v, (0, 0, value_w, row_h), weight="extrabold", max_size=round(34 * c.u),
              min_size=c.min_text, max_lines=1, name="data").size
        for v in values
    )  # fmt: skip
    used = n * row_h + gap * (n - 1)
    y = top + max(0, (bottom - top - used) // 2)
    for i, ((lab, value), shown) in enumerate(zip(data, values, strict=True)):
        c.text(
            f"label{i}", lab, (left, y, left + label_w, y + row_h), weight="medium",
            max_size=label_px, min_size=label_px, max_lines=2, fill=c.on_primary,
            valign="middle", line_spacing=1.15,
        )  # fmt: skip
        bar_h = max(6, round(row_h * 0.56))
        length = max(bar_h, round((bar_x1 - bar_x0) * value / peak)) if value > 0 else 0
        track = mix(c.primary, WHITE, 0.14)
        by = y + (row_h - bar_h) // 2
        c.bar(bar_x0, by, bar_x1 - bar_x0, bar_h, track)
        if length:
            c.bar(bar_x0, by, length, bar_h, c.accent)
        c.text(
            f"value{i}", shown, (right - value_w, y, right, y + row_h), weight="extrabold",
            max_size=value_px, min_size=value_px, max_lines=1, fill=c.accent_text,
            align="right", valign="middle",
        )  # fmt: skip
        y += row_h + gap


def _nice_step(span: float) -> float:
    raw = span / 4 or 1.0
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * power:
            return m * power
    return 10 * power


def _line(
    c: Canvas, box: tuple[int, int, int, int], data: list[tuple[str, float]], unit: str
) -> None:
    """A line on a white panel: gridlines with values, the points, the last value called out."""
    u = c.u
    left, top, right, bottom = box
    c.panel(box, WHITE, radius=24 * u)
    pad = round(28 * u)
    small = c.min_text
    lo = min(0.0, min(v for _, v in data))
    hi = max(v for _, v in data)
    step = _nice_step(hi - lo)
    lo = math.floor(lo / step) * step
    hi = max(lo + step, math.ceil(hi / step) * step)
    axis_w = max(
        round(text.layout(_fmt(v, unit), c.family, "medium", small, 999).width) for v in (lo, hi)
    ) + round(12 * u)
    x0, x1 = left + pad + axis_w, right - pad - round(small * 1.2)
    y0, y1 = top + pad + round(small * 1.8), bottom - pad - c.line_box(small) - round(8 * u)
    if y1 - y0 < 4 * small or x1 - x0 < 4 * small:
        raise errors.MediaError(
            errors.TEXT_NO_ROOM, "line", field="data", length=len(data), min_px=small, lines=1
        )

    def py(v: float) -> float:
        return y1 - (v - lo) / (hi - lo) * (y1 - y0)

    grid = mix(WHITE, INK, 0.12)
    v, k = lo, 0
    while v <= hi + step / 2:
        gy = round(py(v))
        c.draw.line((x0, gy, x1, gy), fill=grid, width=max(1, round(2 * u)))
        c.text(
            f"axis{k}", _fmt(v, unit), (left + pad, gy - small, x0 - round(10 * u), gy + small),
            weight="medium", max_size=small, min_size=small, max_lines=1, fill=MUTED_INK,
            align="right", valign="middle",
        )  # fmt: skip
        v, k = v + step, k + 1
    n = len(data)
    xs = [x0 + (x1 - x0) * i / max(1, n - 1) for i in range(n)]
    points = [(x, py(val)) for x, (_, val) in zip(xs, data, strict=True)]
    _polyline(c, points, c.primary_text, max(3, round(7 * u)))
    r = max(4, round(9 * u))
    for x, y in points:
        c.disc((round(x - r), round(y - r), round(x + r), round(y + r)), c.primary_text)
    # X labels: as many as fit side by side at the minimum size, always the first and last.
    label_w = max(text.layout(lab, c.family, "medium", small, 9999).width for lab, _ in data)
    every = max(1, math.ceil((label_w + 16 * u) / ((x1 - x0) / max(1, n - 1) or 1)))
    shown = sorted({*range(0, n, every), n - 1})
    if len(shown) > 1 and shown[-1] - shown[-2] < every:
        shown.pop(-2)
    ly = bottom - pad - c.line_box(small)
    for i in shown:
        half = round(label_w / 2) + 4
        cx = round(xs[i])
        c.text(
            f"xlabel{i}", data[i][0], (cx - half, ly, cx + half, ly + c.line_box(small)),
            weight="medium", max_size=small, min_size=small, max_lines=1, fill=MUTED_INK,
            align="center", valign="top",
        )  # fmt: skip
    # The latest value, called out above its point.
    lx, lyy = points[-1]
    value = _fmt(data[-1][1], unit)
    vw = round(text.layout(value, c.family, "extrabold", round(small * 1.3), 9999).width) + 8
    vx1 = min(right - pad, round(lx + vw / 2))
    c.text(
        "last_value", value,
        (vx1 - vw, round(lyy) - r - c.line_box(round(small * 1.3)) - 4, vx1, round(lyy) - r - 4),
        weight="extrabold", max_size=round(small * 1.3), min_size=small, max_lines=1,
        fill=c.primary_text, align="right", valign="bottom",
    )  # fmt: skip


def _polyline(c: Canvas, points: list[tuple[float, float]], fill: RGB, width: int) -> None:
    """An anti-aliased polyline (drawn at 3x, reduced)."""
    x0 = min(p[0] for p in points) - width * 2
    y0 = min(p[1] for p in points) - width * 2
    x1 = max(p[0] for p in points) + width * 2
    y1 = max(p[1] for p in points) + width * 2
    w, h = round(x1 - x0), round(y1 - y0)
    big = Image.new("L", (w * 3, h * 3), 0)
    ImageDraw.Draw(big).line(
        [((x - x0) * 3, (y - y0) * 3) for x, y in points], fill=255, width=width * 3, joint="curve"
    )
    mask = big.reduce(3)
    c.image.paste(fill, (round(x0), round(y0), round(x0) + w, round(y0) + h), mask=mask)


def _donut(
    c: Canvas, box: tuple[int, int, int, int], data: list[tuple[str, float]], unit: str
) -> None:
    """A donut with its legend (swatch, label, share in %)."""
    u = c.u
    left, top, right, bottom = box
    total = sum(v for _, v in data)
    colours = [
        c.accent,
        WHITE,
        mix(c.accent, c.primary, 0.45),
        mix(WHITE, c.primary, 0.45),
        mix(c.accent, WHITE, 0.5),
        mix(WHITE, c.primary, 0.7),
        mix(c.accent, c.primary, 0.7),
        mix(WHITE, c.accent, 0.3),
    ]
    side_by_side = (right - left) > (bottom - top) * 1.15
    if side_by_side:
        d = min(bottom - top, round((right - left) * 0.45))
        ring = (left, top + (bottom - top - d) // 2, left + d, top + (bottom - top - d) // 2 + d)
        legend = (left + d + round(40 * u), top, right, bottom)
    else:
        d = min(right - left, round((bottom - top) * 0.55))
        ring = ((left + right - d) // 2, top, (left + right + d) // 2, top + d)
        legend = (left, top + d + round(36 * u), right, bottom)
    scale = 3
    big = Image.new("RGBA", (d * scale, d * scale), (0, 0, 0, 0))
    bd = ImageDraw.Draw(big)
    start = -90.0
    for (_, value), colour in zip(data, colours, strict=False):
        sweep = 360.0 * value / total
        if sweep > 0:
            bd.pieslice((0, 0, d * scale - 1, d * scale - 1), start, start + sweep, fill=colour)
        start += sweep
    hole = round(d * scale * 0.2)
    bd.ellipse((hole, hole, d * scale - hole, d * scale - hole), fill=(0, 0, 0, 0))
    small_ring = big.resize((d, d), Image.Resampling.LANCZOS)
    c.image.paste(small_ring, ring[:2], mask=small_ring)
    c.boxes["donut"] = ring
    n = len(data)
    row = c.line_box(c.min_text) + round(10 * u)
    lx0, ly0, lx1, ly1 = legend
    if n * row > ly1 - ly0:
        raise errors.MediaError(
            errors.TEXT_NO_ROOM, "legend", field="data", length=n, min_px=c.min_text, lines=n
        )
    row = min(round(row * 1.5), (ly1 - ly0) // n)
    y = ly0 + max(0, (ly1 - ly0 - n * row) // 2)
    sw = round(c.min_text * 0.9)
    for i, ((lab, value), colour) in enumerate(zip(data, colours, strict=False)):
        c.panel((lx0, y + (row - sw) // 2, lx0 + sw, y + (row + sw) // 2), colour, radius=sw / 4)
        share = f"{text.format_number(round(100 * value / total, 1), 1)}%"
        c.text(
            f"share{i}", share, (lx1 - round(150 * u * max(1.0, c.w / 1080)), y, lx1, y + row),
            weight="extrabold", max_size=round(34 * u), min_size=c.min_text, max_lines=1,
            fill=c.accent_text, align="right", valign="middle",
        )  # fmt: skip
        c.text(
            f"label{i}", lab,
            (lx0 + sw + round(18 * u), y, lx1 - round(160 * u * max(1.0, c.w / 1080)), y + row),
            weight="medium", max_size=round(30 * u), min_size=c.min_text, max_lines=1,
            fill=c.on_primary, valign="middle",
        )  # fmt: skip
        y += row
