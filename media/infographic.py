"""Render infographics by template name and save them as PNG or JPEG."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

from PIL import Image

from media import errors
from media.alt import alt_text
from media.brand import BrandKit
from media.files import atomic_path
from media.images import open_image
from media.sizes import DEFAULT_IMAGE_SIZE
from media.templates import campaign, chart, event, quote, stats, task
from media.templates.base import CHROME, CONTENT_SHIFT, PHOTO, QR_LINK, Infographic

TEMPLATES: dict[str, ModuleType] = {
    "campaign": campaign,
    "stats": stats,
    "quote": quote,
    "event": event,
    "task": task,
    "chart": chart,
}
DEFAULT_TEMPLATE = "campaign"
MIN_SIDE = 320
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def render_infographic(
    template: str = DEFAULT_TEMPLATE,
    fields: Mapping[str, Any] | None = None,
    brand: BrandKit | None = None,
    size: tuple[int, int] = DEFAULT_IMAGE_SIZE,
    *,
    lang: str = "vi",
    today: date | None = None,
) -> Infographic:
    """Render ``template`` with ``fields`` in ``brand`` at ``size``.

    Sides under 320 px are refused. ``today`` (default: today in Asia/Ho_Chi_Minh) drives
    the campaign countdown. The result carries the layout boxes and a JSON-able ``recipe``
    to re-render it at another size.
    Raises :class:`MediaError`: ``unknown_template``, ``empty_title``, ``text_too_long``,
    ``bad_date``, ``stats_count``, ``bad_stat``, and image errors for an unreadable logo.
    """
    module = TEMPLATES.get(template)
    if module is None:
        raise errors.MediaError(
            errors.UNKNOWN_TEMPLATE,
            f"unknown template {template!r}",
            template=template,
            known=", ".join(TEMPLATES),
        )
    if min(size) < MIN_SIDE:
        # Below this, a header, a title and a footer cannot all be legible.
        raise errors.MediaError(errors.BAD_SIZE, f"too small: {size}", value=f"{size[0]}x{size[1]}")
    brand = brand or BrandKit()
    fields = dict(fields or {})
    today = today or datetime.now(LOCAL_TZ).date()
    qr_token = QR_LINK.set(_qr_link(fields.get("qr")))
    photo = fields.get("photo")
    photo_token = PHOTO.set(open_image(photo, at_least=size) if photo else None)
    try:
        result: Infographic = module.render(fields, brand, size, lang=lang, today=today)
        shift = _balance_shift(result)
        if shift:
            token = CONTENT_SHIFT.set(shift)
            try:
                result = module.render(fields, brand, size, lang=lang, today=today)
            finally:
                CONTENT_SHIFT.reset(token)
    finally:
        QR_LINK.reset(qr_token)
        PHOTO.reset(photo_token)
    stats_pairs = None
    if template == "stats":
        stats_pairs = stats.parse_stats(fields.get("stats") or [], brand.font_family)
    elif template == "chart":
        kind = str(fields.get("kind") or "bar")
        unit = str(fields.get("unit") or "")
        stats_pairs = [
            (label, chart.format_value(value, unit))
            for label, value in chart.parse_data(fields.get("data") or [], kind, brand.font_family)
        ]
    result.alt = alt_text(template, fields, brand, lang=lang, today=today, stats=stats_pairs)
    result.recipe = {
        "kind": "infographic",
        "template": template,
        "fields": _jsonable(fields),
        "brand": _jsonable(asdict(brand)),
        "size": [size[0], size[1]],
        "lang": lang,
    }
    return result


#: Longest link printed as a QR code (a longer one makes modules too small to scan).
QR_LIMIT = 300


def _qr_link(value: Any) -> str:
    """``fields["qr"]``: an http(s) link, or "" for none. Raises MediaError (bad_field)."""
    link = str(value or "").strip()
    if not link:
        return ""
    if len(link) > QR_LIMIT:
        raise errors.MediaError(
            errors.TEXT_TOO_LONG, "qr link", field="qr", length=len(link), limit=QR_LIMIT
        )
    if not link.lower().startswith(("http://", "https://")):
        raise errors.MediaError(errors.BAD_FIELD, "qr link", field="qr")
    return link


#: On canvases taller than wide, content that leaves more than this share of its box empty
#: below it is moved down (a second render), so it does not cling to the top.
SPARSE_SHARE = 0.12


def _balance_shift(result: Infographic) -> int:
    """How far to move the content down: 45 % of the empty space under it (optical centre,
    a little above the middle), when that space is large on a tall canvas."""
    w, h = result.size
    box = result.content_box
    if box is None or h / w < 1.2:
        return 0
    content = [ink for name, ink in result.ink.items() if name not in CHROME]
    drawn = [b for name, b in result.boxes.items() if name not in CHROME]
    if not content:
        return 0
    used_bottom = max(b[3] for b in content + drawn)
    empty = box[3] - used_bottom
    if empty < (box[3] - box[1]) * SPARSE_SHARE:
        return 0
    return round(empty * 0.45)


def encode(image: Image.Image, fmt: str = "PNG", max_bytes: int | None = None) -> bytes:
    """PNG or JPEG bytes; JPEG quality steps down until the result fits ``max_bytes``.

    Raises :class:`MediaError` (``cannot_fit``) when even the lowest quality is too big.
    """
    fmt = fmt.upper().replace("JPG", "JPEG")
    buffer = io.BytesIO()
    if fmt == "PNG":
        image.save(buffer, "PNG", optimize=False, compress_level=6)
        data = buffer.getvalue()
        if max_bytes is None or len(data) <= max_bytes:
            return data
        fmt = "JPEG"  # a PNG over budget falls back to JPEG, which always compresses better
    rgb = image.convert("RGB")
    for quality in (92, 88, 84, 80, 75, 70, 64, 58, 50):
        buffer = io.BytesIO()
        # Full-colour chroma keeps small text crisp; Pillow's encoder can fail on large noisy
        # 4:4:4 images ("broken data stream"), so fall back to 4:2:0 then.
        for subsampling in ("4:4:4", "4:2:0") if quality >= 90 else ("4:2:0",):
            buffer = io.BytesIO()
            try:
                rgb.save(
                    buffer,
                    "JPEG",
                    quality=quality,
                    optimize=True,
                    progressive=True,
                    subsampling=subsampling,
                )
                break
            except OSError:
                continue
        data = buffer.getvalue()
        if max_bytes is None or len(data) <= max_bytes:
            return data
    raise errors.MediaError(errors.CANNOT_FIT, "image over byte budget", limit=max_bytes)


#: Output formats by file extension.
EXTENSIONS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}


def save_infographic(
    result: Infographic | Image.Image, out: str | Path, *, max_bytes: int | None = None
) -> Path:
    """Write PNG or JPEG, as the extension says, atomically; returns the path written.

    The data always matches the extension: a ``.png`` over ``max_bytes`` is written as JPEG
    under the same name with ``.jpg`` (the returned path tells).
    Raises :class:`MediaError` (``bad_extension`` for another extension, ``cannot_fit``,
    ``write_failed``).
    """
    image = result.image if isinstance(result, Infographic) else result
    out = Path(out)
    fmt = EXTENSIONS.get(out.suffix.lower())
    if fmt is None:
        raise errors.MediaError(
            errors.BAD_EXTENSION,
            f"unsupported extension {out.suffix!r}",
            file=out.name,
            known=", ".join(EXTENSIONS),
        )
    data = encode(image, fmt, max_bytes)
    if fmt == "PNG" and not data.startswith(b"\x89PNG"):
        out = out.with_suffix(".jpg")  # encode fell back to JPEG to meet the budget
    with atomic_path(out) as tmp:
        tmp.write_bytes(data)
    return out
