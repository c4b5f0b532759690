"""Alternative text for rendered graphics, built from their content (Vietnamese first).

Screen readers read it; Facebook takes it as the photo's ``alt_text_custom``. It says what
the picture says, in plain sentences, without the decoration.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from media import text
from media.brand import BrandKit
from media.errors import MediaError
from media.labels import label

#: Longest alt text: Facebook and screen readers cope with more, people do not.
ALT_LIMIT = 1000

_WORDS: dict[str, tuple[str, str]] = {
    "graphic": ("Ảnh đồ họa", "Graphic"),
    "motion": ("Video đồ họa động", "Motion-graphic video"),
    "by": ("của", "by"),
    "days_left": ("còn {n} ngày", "{n} days to go"),
    "today": ("hôm nay", "today"),
    "figures": ("Số liệu", "Figures"),
    "quote": ("Trích dẫn", "Quotation"),
    "event": ("Thông báo sự kiện", "Event notice"),
    "task": ("Nhiệm vụ khoa học và công nghệ", "Science and technology task"),
    "chart": ("Biểu đồ", "Chart"),
}


def _w(key: str, lang: str) -> str:
    vi, en = _WORDS[key]
    return en if lang == "en" else vi


def _clean(value: Any) -> str:
    return " ".join(text.nfc(str(value or "")).split())


def _sentence(part: str) -> str:
    part = part.strip().rstrip(".,;:")
    return f"{part}." if part else ""


def alt_text(
    template: str,
    fields: Mapping[str, Any],
    brand: BrandKit,
    *,
    lang: str = "vi",
    today: date | None = None,
    stats: list[tuple[str, str]] | None = None,
) -> str:
    """One to a few sentences describing the graphic ``template`` filled with ``fields``."""
    f = {k: _clean(v) for k, v in fields.items() if not isinstance(v, list | tuple)}
    who = _clean(brand.header_line2 or brand.org_name)
    head = _w("graphic", lang) + (f" {_w('by', lang)} {who}" if who else "")
    title = f.get("title", "")
    parts: list[str] = []
    if template == "campaign":
        parts.append(f"{head}: «{title}»")
        day = f.get("day_name", "")
        when = f.get("date", "")
        if not day and when:
            key = f"media.day.{when[:2]}-{when[3:5]}"
            day = "" if label(key, lang) == key else label(key, lang)
        countdown = fields.get("countdown")
        if countdown is None and when and today is not None:
            try:
                countdown = (text.parse_date(when) - today).days
            except MediaError:  # the render itself reports a bad date
                countdown = None
        line = ", ".join(p for p in (day, when) if p)
        if countdown is not None and int(countdown) >= 0:
            n = int(countdown)
            left = _w("today", lang) if n == 0 else _w("days_left", lang).format(n=n)
            line = f"{line}: {left}" if line else left
        parts += [line, f.get("subtitle", "")]
    elif template == "stats":
        parts.append(f"{head}. {_w('figures', lang)}: «{title}»")
        for lab, value in stats or []:
            parts.append(f"{lab}: {value}")
        parts.append(f.get("subtitle", ""))
    elif template == "quote":
        speaker = f.get("author") or f.get("subtitle", "")
        author = ", ".join(p for p in (speaker, f.get("role", "")) if p)
        parts.append(f"{_w('quote', lang)}" + (f" {author}" if author else "") + f": «{title}»")
    elif template == "event":
        parts.append(f"{_w('event', lang)}: «{title}»")
        for key in ("time", "place", "organiser"):
            if f.get(key):
                parts.append(f"{label(f'media.label.{key}', lang)}: {f[key]}")
        parts.append(f.get("subtitle", ""))
    elif template == "task":
        code = f.get("code", "")
        parts.append(f"{_w('task', lang)}" + (f" {code}" if code else "") + f": «{title}»")
        for key in ("lead", "manager", "period", "result"):
            if f.get(key):
                parts.append(f"{label(f'media.label.{key}', lang)}: {f[key]}")
    elif template == "chart":
        kind = {"bar": ("cột", "bar"), "line": ("đường", "line"), "donut": ("tròn", "donut")}
        name = kind.get(str(fields.get("kind") or "bar"), ("", ""))
        what = f"{_w('chart', lang)} {name[1] if lang == 'en' else name[0]}".strip()
        parts.append(f"{what}: «{title}»")
        parts.append("; ".join(f"{lab}: {value}" for lab, value in stats or []))
        parts.append(f.get("subtitle", ""))
    else:
        parts.append(f"{head}: «{title}»" if title else head)
    if f.get("qr"):
        parts.append(("QR code: " if lang == "en" else "Mã QR dẫn tới ") + f["qr"])
    source = _clean(brand.source)
    if source:
        parts.append(source)
    out = " ".join(_sentence(p) for p in parts if p and p.strip())
    return out[: ALT_LIMIT - 1] + "…" if len(out) > ALT_LIMIT else out


def clip_alt_text(
    title: str,
    subtitle: str,
    captions: list[str],
    brand: BrandKit,
    campaign: str = "",
    *,
    lang: str = "vi",
) -> str:
    """Alt text of a clip: what its cards and captions say, in order."""
    who = _clean(brand.header_line2 or brand.org_name)
    head = "Video" + (f" {_w('by', lang)} {who}" if who else "")
    parts = [f"{head}: «{_clean(title)}»" if title else head, _clean(subtitle)]
    parts += [_clean(c) for c in captions]
    parts += [_clean(campaign), _clean(brand.hashtag)]
    out = " ".join(_sentence(p) for p in parts if p and p.strip())
    return out[: ALT_LIMIT - 1] + "…" if len(out) > ALT_LIMIT else out


def motion_alt_text(graphic_alt: str, lang: str = "vi") -> str:
    """The alt text of a motion-graphic clip: its final card's, said of a video."""
    head = _w("graphic", lang)
    if graphic_alt.startswith(head):
        return _w("motion", lang) + graphic_alt[len(head) :]
    return graphic_alt
