"""Reusable content blocks: a heading stack and a white panel of labelled rows."""

from __future__ import annotations

from media import errors, text
from media.templates.base import INK, Canvas
from media.text import Box, TextBlock


def heading(
    c: Canvas,
    box: Box,
    *,
    eyebrow: str,
    title: str,
    subtitle: str,
    title_share: float = 1.0,
    title_max: int = 104,
    align: str = "left",
    tight: bool = False,
) -> int:
    """Eyebrow (accent), title (big), subtitle stacked from the top of ``box``.

    ``tight`` lowers the minimum sizes: the last resort before refusing long input.

    ``title_share`` is how much of ``box``'s height the title may take. Returns the bottom y
    of what was drawn. Raises :class:`MediaError` (``text_too_long``).
    """
    u = c.u
    left, top, right, bottom = box
    y = top
    if eyebrow:
        c.bar(
            left if align == "left" else (left + right) // 2 - round(40 * u),
            y,
            round(80 * u),
            max(4, round(8 * u)),
            c.accent,
        )
        y += round(26 * u)
        eb_box = (left, y, right, y + round(84 * u))
        block = c.fit(
            eyebrow.upper(),
            eb_box,
            weight="bold",
            max_size=round(32 * u),
            min_size=max(12, round(18 * u)),
            max_lines=2,
            name="eyebrow",
        )
        ink = c.put(
            "eyebrow", block, (left, y, right, y + block.height), fill=c.accent_text, align=align
        )
        y = ink[3] + round(26 * u)
    sub_block: TextBlock | None = None
    gap = round(28 * u)
    if subtitle:
        sub_box = (left, y, right, y + round((bottom - y) * 0.4))
        sub_block = c.fit(
            subtitle,
            sub_box,
            weight="regular",
            max_size=round(34 * u),
            min_size=max(12, round((15 if tight else 18) * u)),
            max_lines=7,
            line_spacing=1.35,
            name="subtitle",
        )
    reserve = (sub_block.height + gap) if sub_block else 0
    title_h = round((bottom - y - reserve) * title_share)
    if title_h < 40 * u:
        raise errors.MediaError(
            errors.TEXT_NO_ROOM,
            "no room for the title",
            field="title",
            length=len(title),
            min_px=c.min_text,
            lines=0,
        )
    title_block = c.fit(
        title,
        (left, y, right, y + title_h),
        weight="extrabold",
        max_size=round(title_max * u),
        min_size=max(14, round((24 if tight else 30) * u)),
        max_lines=7,
        line_spacing=1.14,
        name="title",
    )
    ink = c.put(
        "title",
        title_block,
        (left, y, right, y + title_block.height),
        fill=c.on_primary,
        align=align,
    )
    y = ink[3]
    if sub_block is not None:
        y += gap
        sub_fill = c.soft(0.18)
        ink = c.put(
            "subtitle",
            sub_block,
            (left, y, right, y + sub_block.height),
            fill=sub_fill,
            align=align,
        )
        y = ink[3]
    return y


def rows_panel(
    c: Canvas,
    box: Box,
    rows: list[tuple[str, str, str]],
    *,
    max_value: int = 40,
    min_value: int = 18,
    dry_run: bool = False,
    table: bool = False,
) -> Box:
    """A white panel listing ``(name, label, value)`` rows, anchored to the bottom of ``box``.

    One value size is shared by all rows (the largest that fits) so the panel reads evenly.
    ``table`` puts labels in a left column beside their values (compact, for square canvases).
    Returns the panel box (``dry_run``: without drawing).
    Raises :class:`MediaError` (``text_too_long``).
    """
    u = c.u
    left, top, right, bottom = box
    pad = round(34 * u)
    inner_w = right - left - 2 * pad
    label_size = max(c.min_text, round(22 * u))
    label_gap, row_gap = round(8 * u), round(24 * u)
    avail = bottom - top - 2 * pad
    label_w = round(inner_w * 0.3) if table else inner_w
    value_x = left + pad + (label_w + round(24 * u) if table else 0)
    value_w = right - pad - value_x
    labels = [
        text.layout(label.upper(), c.family, "bold", label_size, label_w) for _, label, _ in rows
    ]
    labels_h = sum(b.height for b in labels)

    def measure(size: int) -> tuple[int, list[TextBlock]] | None:
        blocks = [text.layout(v, c.family, "semibold", size, value_w, 1.25) for _, _, v in rows]
        if any(b.width > value_w for b in blocks):
            return None
        if table:
            total = sum(max(lab.height, b.height) for lab, b in zip(labels, blocks, strict=True))
        else:
            total = labels_h + sum(label_gap + b.height for b in blocks)
        total += row_gap * (len(rows) - 1)
        return (total, blocks) if total <= avail else None

    lo = max(c.min_text, round(min_value * u))
    hi = max(lo, round(max_value * u))
    best: tuple[int, list[TextBlock]] | None = None
    while lo <= hi:
        mid = (lo + hi) // 2
        got = measure(mid)
        if got:
            best, lo = got, mid + 1
        else:
            hi = mid - 1
    if best is None:
        raise errors.MediaError(
            errors.TEXT_NO_ROOM,
            "panel rows do not fit",
            field=rows[0][0],
            length=sum(len(r[2]) for r in rows),
            min_px=max(min_value, c.min_text),
            lines=len(rows),
        )
    total, blocks = best
    panel = (left, bottom - total - 2 * pad, right, bottom)
    if dry_run:
        return panel
    c.panel(panel, (255, 255, 255))
    # An accent spine on the panel's left edge ties it to the brand.
    c.panel((left, panel[1] + pad, left + max(4, round(8 * u)), panel[3] - pad), c.accent, radius=0)
    y = panel[1] + pad
    for (name, _, _), lab, block in zip(rows, labels, blocks, strict=True):
        if table:
            # Label cap-height aligned with the value's first line: both start at row top.
            c.put(
                f"{name}_label",
                lab,
                (left + pad, y, left + pad + label_w, y + lab.height),
                fill=c.primary_text,
            )
            c.put(name, block, (value_x, y, right - pad, y + block.height), fill=INK)
            y += max(lab.height, block.height) + row_gap
            continue
        c.put(
            f"{name}_label", lab, (left + pad, y, right - pad, y + lab.height), fill=c.primary_text
        )
        y += lab.height + label_gap
        c.put(name, block, (left + pad, y, right - pad, y + block.height), fill=INK)
        y += block.height + row_gap
    return panel
