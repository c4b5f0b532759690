"""Text for artwork: NFC normalisation, glyph coverage, wrapping by measured width, shrink-to-fit,
and Vietnamese number and date formatting.

Rule for characters the font cannot draw (emoji, pictographs, rare symbols): they are dropped,
together with the joiners and variation selectors that glue emoji sequences, and the spaces
around them collapse. A drawn "tofu" box would look broken on an official graphic; a silently
dropped emoji does not change the meaning of an announcement.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from PIL import ImageDraw, ImageFont

from media import errors
from media.fonts import font

Box = tuple[int, int, int, int]  # left, top, right, bottom (right/bottom exclusive)

_CONTROL = re.compile(
    r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b\u200c\u200d\ufeff\ufe0e\ufe0f]"
)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
# A code point surely absent from any font: its rendering is the ".notdef" box.
_NOTDEF_PROBE = "\U0010fffd"


def nfc(text: str | None) -> str:
    """NFC-normalised text with control characters removed and spaces collapsed per line."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", str(text)).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    # Collapse runs of blank lines: layout decides spacing, not the input.
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n")


@lru_cache(maxsize=8192)
def _has_glyph(font_file: str, ch: str) -> bool:
    face = ImageFont.truetype(font_file, size=24, layout_engine=ImageFont.Layout.BASIC)
    glyph = face.getmask(ch)
    notdef = face.getmask(_NOTDEF_PROBE)
    if glyph.size != notdef.size:
        return True
    return bytes(glyph) != bytes(notdef)


def drawable(text: str, face: ImageFont.FreeTypeFont) -> str:
    """``text`` without the characters ``face`` has no glyph for (see the module rule)."""
    font_file = getattr(face, "path", None)
    if not font_file or text.isascii():
        return text
    kept = []
    for ch in text:
        if ch in "\n " or ord(ch) < 0x250 or 0x1E00 <= ord(ch) <= 0x1EFF:
            kept.append(ch)  # Latin and Vietnamese: covered by every font we ship
        elif unicodedata.category(ch).startswith("M"):
            kept.append(ch)
        elif _has_glyph(str(font_file), ch):
            kept.append(ch)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in "".join(kept).split("\n"))


def clean(text: str | None, family: str = "Be Vietnam Pro") -> str:
    """:func:`nfc`, then drop what the family's regular face cannot draw."""
    return nfc(drawable(nfc(text), font(family, "regular", 24)))


@dataclass(frozen=True)
class TextBlock:
    """Wrapped lines at one size, with their ink extents relative to the first baseline."""

    lines: tuple[str, ...]
    face: ImageFont.FreeTypeFont
    size: int
    line_height: int
    width: int  # widest line, in pixels
    ink_top: int  # from the first baseline (negative: above it)
    ink_bottom: int  # from the first baseline

    @property
    def height(self) -> int:
        return self.ink_bottom - self.ink_top


def _break_word(word: str, face: ImageFont.FreeTypeFont, max_width: int) -> list[str]:
    """Split one word wider than the box (long URLs, hashtags), without a hyphen.

    A URL or path breaks after "/" or "." first; only a piece still too wide is split
    between characters.
    """
    pieces = [p for p in re.split(r"(?<=[/.])", word) if p]
    parts: list[str] = []
    current = ""
    for piece in pieces:
        if current and face.getlength(current + piece) > max_width:
            parts.append(current)
            current = ""
        if face.getlength(piece) > max_width:
            for ch in piece:
                if current and face.getlength(current + ch) > max_width:
                    parts.append(current)
                    current = ch
                else:
                    current += ch
        else:
            current += piece
    if current:
        parts.append(current)
    return parts


def wrap(text: str, face: ImageFont.FreeTypeFont, max_width: int) -> list[str]:
    """Greedy word wrap by measured width; explicit newlines are kept as line breaks."""
    space = face.getlength(" ")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        words = paragraph.split(" ")
        current: list[str] = []
        current_w = 0.0
        for word in words:
            if not word:
                continue
            w = face.getlength(word)
            if w > max_width:
                if current:
                    lines.append(" ".join(current))
                pieces = _break_word(word, face, max_width)
                lines.extend(pieces[:-1])
                current, current_w = [pieces[-1]], face.getlength(pieces[-1])
                continue
            extra = w + (space if current else 0.0)
            if current and current_w + extra > max_width:
                lines.append(" ".join(current))
                current, current_w = [word], w
            else:
                current.append(word)
                current_w += extra
        lines.append(" ".join(current))
    return lines


#: Record exact ink boxes when drawing (slow: one extra shaping pass per line). Tests turn it
#: on to check that the fast, conservative estimates below never under-measure.
EXACT_INK = False

# Tallest and deepest glyphs Vietnamese text can produce: stacked capitals above, dot-below and
# descenders under. Measuring these once per face replaces a bounding box per line, which cost
# more than the rest of the layout together.
_TALL = "ẤẦẨẪẬẮẰẲẴẶỐỒỔỖỘỚỜỞỠỢẾỀỂỄỆỨỪỬỮỰÁÍÝĐ|()[]{}"
_DEEP = "gjpqyỵỹẬỘỆỰỴ|()[]{},;"


@lru_cache(maxsize=1024)
def _extents(face: ImageFont.FreeTypeFont) -> tuple[int, int]:
    top = face.getbbox(_TALL, anchor="ls")[1]
    bottom = face.getbbox(_DEEP, anchor="ls")[3]
    return min(0, math.floor(top)), max(0, math.ceil(bottom))


def _slack(size: int) -> int:
    """Room for side bearings and italic overhang beyond the advance width."""
    return max(1, -(-size * 3 // 100))


def layout(
    text: str, family: str, weight: str, size: int, max_width: int, line_spacing: float = 1.18
) -> TextBlock:
    """Wrap ``text`` at ``size`` within ``max_width`` and measure its ink. Never raises."""
    face = font(family, weight, size)
    # Italic glyphs lean past their advance width: twice the room.
    slack = _slack(size) * (2 if "italic" in weight else 1)
    lines = wrap(text, face, max(1, max_width - 2 * slack))
    line_h = max(1, round(size * line_spacing))
    top, bottom = _extents(face)
    width = max((face.getlength(line) for line in lines if line), default=0.0)
    return TextBlock(
        tuple(lines),
        face,
        size,
        line_h,
        round(width) + 2 * slack,
        top,
        bottom + (len(lines) - 1) * line_h,
    )


def fit(
    text: str,
    box_w: int,
    box_h: int,
    *,
    family: str,
    weight: str,
    max_size: int,
    min_size: int,
    max_lines: int = 99,
    line_spacing: float = 1.18,
    field: str = "text",
) -> TextBlock:
    """The largest size (≤ ``max_size``) at which ``text`` wraps inside ``box_w`` × ``box_h``.

    Raises :class:`MediaError` (``text_no_room``) when even ``min_size`` does not fit.
    """
    lo, hi = min_size, max(min_size, max_size)
    best: TextBlock | None = None

    def fits(block: TextBlock) -> bool:
        return len(block.lines) <= max_lines and block.width <= box_w and block.height <= box_h

    # Binary search on size; each probe is a full wrap + measure at that size.
    while lo <= hi:
        mid = (lo + hi) // 2
        block = layout(text, family, weight, mid, box_w, line_spacing)
        if fits(block):
            best, lo = block, mid + 1
        else:
            hi = mid - 1
    if best is not None and len(best.lines) > 1:
        best = _balanced(best, text, family, weight, box_w, line_spacing)
    if best is None:
        raise errors.MediaError(
            errors.TEXT_NO_ROOM,
            f"{field} ({len(text)} characters) does not fit its box at {min_size} px",
            field=field,
            length=len(text),
            min_px=min_size,
            lines=max_lines,
        )
    return best


def _balanced(
    block: TextBlock, text: str, family: str, weight: str, box_w: int, line_spacing: float
) -> TextBlock:
    """The same text and size on the same number of lines, as even as they go.

    The narrowest wrap width that still gives that many lines (binary search): no line of a
    word or two under a full one ("...TỈNH ĐỒNG / NAI", "2025–2030" alone).
    """
    n = len(block.lines)
    lo, hi = box_w // 2, box_w
    best = block
    for _ in range(7):
        if hi - lo < 4:
            break
        mid = (lo + hi) // 2
        trial = layout(text, family, weight, block.size, mid, line_spacing)
        if len(trial.lines) == n and trial.width <= box_w:
            best, hi = trial, mid
        else:
            lo = mid
    return best


def draw(
    drawing: ImageDraw.ImageDraw,
    block: TextBlock,
    box: Box,
    *,
    fill: str | tuple[int, ...],
    align: str = "left",
    valign: str = "top",
) -> Box:
    """Draw ``block`` aligned inside ``box``; returns the ink bounding box actually used."""
    left, top, right, bottom = box
    if valign == "middle":
        y0 = top + ((bottom - top) - block.height) // 2 - block.ink_top
    elif valign == "bottom":
        y0 = bottom - block.ink_bottom
    else:
        y0 = top - block.ink_top
    ink = [right, bottom, left, top]
    for i, line in enumerate(block.lines):
        if not line:
            continue
        w = block.face.getlength(line)
        if align == "center":
            x = left + ((right - left) - w) / 2
        elif align == "right":
            x = right - w
        else:
            # Inset by the slack: a negative left side bearing (italics, "j") stays in the box.
            x = float(left + _slack(block.size))
        y = y0 + i * block.line_height
        if GLYPH_CACHE and _cacheable(line):
            glyph_ink = _draw_cached(drawing, block.face, line, x, y, fill)
            if glyph_ink is not None:
                ink = [
                    min(ink[0], glyph_ink[0]),
                    min(ink[1], glyph_ink[1]),
                    max(ink[2], glyph_ink[2]),
                    max(ink[3], glyph_ink[3]),
                ]
            continue
        drawing.text((x, y), line, font=block.face, fill=fill, anchor="ls")
        if EXACT_INK:
            bx = drawing.textbbox((x, y), line, font=block.face, anchor="ls")
            lb = (math.floor(bx[0]), math.floor(bx[1]), math.ceil(bx[2]), math.ceil(bx[3]))
        else:
            lb = (
                round(x),
                round(y + block.ink_top),
                round(x + w) + _slack(block.size),
                round(y) + (block.ink_bottom - (len(block.lines) - 1) * block.line_height),
            )
        ink = [min(ink[0], lb[0]), min(ink[1], lb[1]), max(ink[2], lb[2]), max(ink[3], lb[3])]
    if ink[0] > ink[2]:
        return (left, top, left, top)
    return (ink[0], ink[1], ink[2], ink[3])


# -- cached glyphs ----------------------------------------------------------------------------
# Pillow rasterises every glyph on every draw; on an infographic that is most of the render
# time. Vietnamese NFC text is (almost) one code point per glyph, so glyph masks are cached per
# face and character and pasted at advances taken from the shaper (pair-wise, which keeps the
# font's kerning). Lines with combining marks or unusual characters use Pillow's own path.
GLYPH_CACHE = True


def _cacheable(line: str) -> bool:
    return all(
        ch == " " or (ord(ch) < 0x2100 and not unicodedata.category(ch).startswith("M"))
        for ch in line
    )


@lru_cache(maxsize=32768)
def _glyph(face: ImageFont.FreeTypeFont, ch: str) -> tuple[Any, int, int, float]:
    """(mask or None, x offset, y offset from the baseline, advance) for one character."""
    advance = face.getlength(ch)
    if ch == " ":
        return None, 0, 0, advance
    mask, offset = face.getmask2(ch, mode="L", anchor="ls")
    if mask.size[0] == 0 or mask.size[1] == 0:
        return None, 0, 0, advance
    return mask, offset[0], offset[1], advance


@lru_cache(maxsize=65536)
def _kern(face: ImageFont.FreeTypeFont, pair: str) -> float:
    return face.getlength(pair) - face.getlength(pair[0]) - face.getlength(pair[1])


def _draw_cached(
    drawing: ImageDraw.ImageDraw,
    face: ImageFont.FreeTypeFont,
    line: str,
    x: float,
    y: float,
    fill: str | tuple[int, ...],
) -> Box | None:
    """Paste cached glyphs for ``line`` with its baseline at ``y``; returns the exact ink box."""
    # _getink and .draw are Pillow internals (stable in the pinned Pillow < 12); they are what
    # ImageDraw.text itself uses to paint a glyph bitmap in the image's colour space.
    ink_value, _ = drawing._getink(fill)
    core = drawing.draw
    box: list[int] | None = None
    pen = x
    previous = ""
    for ch in line:
        if previous:
            pen += _kern(face, previous + ch)
        mask, ox, oy, advance = _glyph(face, ch)
        if mask is not None:
            gx, gy = round(pen) + ox, round(y) + oy
            core.draw_bitmap((gx, gy), mask, ink_value)
            w, h = mask.size
            glyph_box = [gx, gy, gx + w, gy + h]
            box = (
                glyph_box
                if box is None
                else [min(box[0], gx), min(box[1], gy), max(box[2], gx + w), max(box[3], gy + h)]
            )
        pen += advance
        previous = ch
    return None if box is None else (box[0], box[1], box[2], box[3])


# -- numbers and dates ------------------------------------------------------------------------


def format_number(value: float | int | Decimal, decimals: int | None = None) -> str:
    """Vietnamese grouping: ``1234.5`` -> ``"1.234,5"``; ``1234567`` -> ``"1.234.567"``.

    ``decimals`` fixes the number of decimals; by default trailing zeros are dropped.
    """
    number = Decimal(str(value))
    if decimals is not None:
        text = f"{number:,.{decimals}f}"
    else:
        text = f"{number:,f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    return text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")


_NUMBER_PREFIX = re.compile(r"^([+-]?\d[\d.,]*)(.*)$", re.S)


def format_stat_value(raw: str | float | int) -> str:
    """A stat value for a card: numbers in Vietnamese format, anything else kept as written.

    ``"1234"`` -> ``"1.234"``, ``"1234.5"`` -> ``"1.234,5"``, ``"98,5%"`` -> ``"98,5%"``,
    ``"1.234"`` (already Vietnamese grouping) -> ``"1.234"``, ``"12 tỷ đồng"`` kept.
    """
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        return format_number(raw)
    text = nfc(str(raw))
    match = _NUMBER_PREFIX.match(text)
    if not match:
        return text
    number, rest = match.group(1).rstrip(".,"), match.group(2)
    rest = text[len(number) :]
    try:
        if re.fullmatch(r"[+-]?\d+", number):
            return format_number(int(number)) + rest
        if re.fullmatch(r"[+-]?\d+,\d+", number):  # Vietnamese decimal comma
            return format_number(Decimal(number.replace(",", "."))) + rest
        if re.fullmatch(r"[+-]?\d+\.\d{1,2}|[+-]?\d+\.\d{4,}", number):  # decimal point
            return format_number(Decimal(number)) + rest
    except InvalidOperation:
        return text
    # "1.234", "1.234.567,8" and the like are already Vietnamese; keep them as typed.
    return text


def parse_date(text: str) -> date:
    """Parse ``dd/mm/yyyy`` (also ``d/m/yyyy`` and ISO ``yyyy-mm-dd``).

    Raises :class:`MediaError` (``bad_date``) otherwise.
    """
    text = nfc(text)
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise errors.MediaError(errors.BAD_DATE, f"not a dd/mm/yyyy date: {text!r}", value=text)


def format_date(day: date) -> str:
    """``dd/mm/yyyy``, the way dates are written in Vietnam."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"
