"""The frames of a motion-graphic clip: bands that rise in, numbers that count, bars that
grow (see :mod:`media.motion` for the clip and why it is made this way).

The finished card is cut into horizontal bands at clear pixel rows; each band is an RGB crop
and an alpha mask (where the card differs from the clean background). A frame composites only
the rows where something moves over an accumulated image (finished bands are pasted into it
once), converted to yuv420p into planes kept between frames.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
from PIL import Image, ImageDraw

from media import text
from media.templates.base import CHROME, Infographic

#: Names whose numbers count (stats values, chart values, the countdown).
_COUNTING = re.compile(r"^(stat\d+_value|value\d+|countdown)$")
_NUMBER = re.compile(r"\d[\d.]*(?:,\d+)?")
REVEAL = 0.6  # seconds a band takes to rise and fade in
STAGGER = 0.3  # seconds between two bands
COUNT = 1.6  # seconds a number takes to count
TICKS = 12  # a countdown ticks this many days down to its value


@dataclass
class _Band:
    top: int
    bottom: int
    rgb: Image.Image
    alpha: Image.Image
    start: float
    wipe: bool = False
    x0: int = 0


@dataclass
class _Counter:
    name: str
    start: float
    duration: float
    values: list[str]  # one string per step, the last is the template's own
    box: tuple[int, int, int, int]  # the region erased before each redraw
    patch: Image.Image  # what is under the number
    block: text.TextBlock
    layout_box: tuple[int, int, int, int]
    fill: tuple[int, int, int]
    align: str
    valign: str


def _ease(t: float) -> float:
    """Ease-out cubic on 0..1."""
    t = min(1.0, max(0.0, t))
    return 1 - (1 - t) ** 3


def _mask(final: np.ndarray, clean: np.ndarray) -> np.ndarray:
    """Where the template drew something: a soft threshold on the colour difference."""
    diff = np.abs(final.astype(np.int16) - clean.astype(np.int16)).max(axis=2)
    return np.clip((diff - 2) * 12, 0, 255).astype(np.uint8)


def _rows(names: list[str], boxes: Mapping[str, tuple[int, int, int, int]]) -> list[list[str]]:
    """Elements grouped into rows: elements whose vertical extents overlap share a row."""
    rows: list[list[str]] = []
    span: list[tuple[int, int]] = []
    for name in sorted(names, key=lambda n: (boxes[n][1], boxes[n][0])):
        top, bottom = boxes[name][1], boxes[name][3]
        if span and top < span[-1][1] - 2:
            rows[-1].append(name)
            span[-1] = (span[-1][0], max(span[-1][1], bottom))
        else:
            rows.append([name])
            span.append((top, bottom))
    return rows


def _clear_row(alpha: np.ndarray, a: int, b: int, x0: int, x1: int) -> int | None:
    """The middle pixel row in ``a..b`` where nothing is drawn, or None."""
    if b <= a:
        return None
    counts = (alpha[a:b, x0:x1] > 0).sum(axis=1)
    zeros = np.flatnonzero(counts == 0)
    return a + int(zeros[len(zeros) // 2]) if len(zeros) else None


def _counter_values(shown: str, name: str) -> list[str] | None:
    """The strings a number shows while counting (the last one is ``shown``), or None."""
    match = _NUMBER.search(shown)
    if not match:
        return None
    raw = match.group(0)
    decimals = len(raw.split(",", 1)[1]) if "," in raw else 0
    try:
        value = float(raw.replace(".", "").replace(",", "."))
    except ValueError:
        return None
    head, tail = shown[: match.start()], shown[match.end() :]
    if name == "countdown":
        steps = [int(value) + TICKS - k for k in range(TICKS + 1)]
        return [head + text.format_number(v) + tail for v in steps]
    if value == 0:
        return None
    # Thousands separators only when the template wrote them («2450» stays «2450»).
    grouped = "." in raw
    out = []
    for k in range(1, 25):
        v = value * _ease(k / 24)
        number = text.format_number(round(v, decimals), decimals) if decimals else None
        if number is None:
            number = text.format_number(round(v)) if grouped else str(round(v))
        out.append(head + number + tail)
    out[-1] = shown
    return out


def plan(
    final: Infographic, clean: Image.Image
) -> tuple[Image.Image, list[_Band], list[_Counter], float]:
    """The static base frame, the bands, the counters and when the animation ends."""
    w, h = final.image.size
    content = final.content_box or (0, 0, w, h)
    x0, x1 = max(0, content[0] - 24), min(w, content[2] + 24)
    final_px = np.asarray(final.image.convert("RGB"))
    clean_px = np.asarray(clean)
    alpha = _mask(final_px, clean_px)
    base = final.image.convert("RGB").copy()
    base.paste(clean.crop((x0, content[1], x1, content[3])), (x0, content[1]))
    names = [n for n in final.boxes if n not in CHROME and n in final.ink]
    rows = _rows(names, final.boxes)
    # Band edges: a clear pixel row between two rows of elements, so a panel or a bar is never
    # cut in two; rows with nothing clear between them (a card spanning both) move together.
    edges = [content[1]]
    i = 0
    while i < len(rows) - 1:
        a = max(final.boxes[n][3] for n in rows[i])
        b = min(final.boxes[n][1] for n in rows[i + 1])
        clear = _clear_row(alpha, a, b, x0, x1)
        if clear is None:
            rows[i] += rows.pop(i + 1)
            continue
        edges.append(clear)
        i += 1
    edges.append(content[3])
    bands: list[_Band] = []
    counters: list[_Counter] = []
    for i, row in enumerate(rows):
        top, bottom = edges[i], edges[i + 1]
        start = 0.25 + i * STAGGER
        wipe = final.template == "chart" and any(n.startswith("value") for n in row)
        rgb = final.image.convert("RGB").crop((x0, top, x1, bottom))
        band_alpha = Image.fromarray(alpha[top:bottom, x0:x1])
        for name in row:
            counter = _counter(final, name, clean, start, rgb, (x0, top))
            if counter is not None:
                counters.append(counter)
        bands.append(_Band(top, bottom, rgb, band_alpha, start, wipe, x0))
    end = max([b.start + REVEAL for b in bands] + [c.start + c.duration for c in counters] + [0])
    return base, bands, counters, end


def _counter(
    final: Infographic,
    name: str,
    clean: Image.Image,
    start: float,
    band_rgb: Image.Image,
    band_origin: tuple[int, int],
) -> _Counter | None:
    """A counting number for ``name`` (or None), and its digits erased from the band."""
    if not _COUNTING.match(name) or name not in final.drawn:
        return None
    block, layout_box, fill, align, valign = final.drawn[name]
    values = _counter_values(" ".join(block.lines), name)
    if not values or len(block.lines) != 1:
        return None
    ink = final.ink[name]
    pad = max(3, block.size // 6)
    box = (ink[0] - pad, ink[1] - pad, ink[2] + pad, ink[3] + pad)
    # Widen to the layout box horizontally: shorter or longer numbers move within it.
    box = (min(box[0], layout_box[0]), box[1], max(box[2], layout_box[2]), box[3])
    region = np.asarray(final.image.convert("RGB").crop(box)).reshape(-1, 3)
    ring = np.concatenate(
        [
            np.asarray(final.image.convert("RGB").crop((box[0], box[1], box[2], box[1] + 2))),
            np.asarray(final.image.convert("RGB").crop((box[0], box[3] - 2, box[2], box[3]))),
        ]
    ).reshape(-1, 3)
    if region.size and ring.std(axis=0).max() < 6:
        # On a flat card: the card's colour.
        colour = tuple(int(v) for v in np.median(ring, 0))
        patch = Image.new("RGB", (box[2] - box[0], box[3] - box[1]), colour)
    else:
        patch = clean.crop(box)
    band_rgb.paste(patch, (box[0] - band_origin[0], box[1] - band_origin[1]))
    duration = COUNT if name != "countdown" else COUNT + 0.6
    return _Counter(
        name, start + 0.35, duration, values, box, patch, block, layout_box, fill, align, valign
    )


def _draw_counter(frame: Image.Image, c: _Counter, t: float) -> None:
    """The number at time ``t`` over its erased region."""
    k = (t - c.start) / c.duration
    step = c.values[min(len(c.values) - 1, max(0, int(k * len(c.values))))]
    frame.paste(c.patch, c.box[:2])
    face = c.block.face
    block = replace(c.block, lines=(step,), width=round(face.getlength(step)))
    text.draw(ImageDraw.Draw(frame), block, c.layout_box, fill=c.fill, align=c.align,
              valign=c.valign)  # fmt: skip


#: Full-range (Pillow's JPEG YCbCr) to limited-range BT.601, what H.264 players expect.
_Y_LUT = [16 + round(v * 219 / 255) for v in range(256)]
_C_LUT = [128 + round((v - 128) * 224 / 255) for v in range(256)]


class Frames:
    """Frames of the clip, composited on demand.

    Only the rows where something moves (or moved in the previous frame) are composited and
    converted to yuv420p here, into planes kept from frame to frame; frames where nothing
    moves reuse the previous bytes. Sending yuv420p (half the bytes of RGB) halves ffmpeg's
    frame queues, which were most of its memory.
    """

    def __init__(self, base: Image.Image, bands: list[_Band], counters: list[_Counter],
                 u: float) -> None:  # fmt: skip
        self.acc = base  # bands and counters already finished are pasted in for good
        self.w, self.h = base.size
        self.bands = bands
        self.counters = counters
        self.rise = round(56 * u)
        self.done: set[int] = set()
        self.counted: set[str] = set()
        self.prev: tuple[int, int] | None = None
        self.planes: tuple[Image.Image, Image.Image, Image.Image] | None = None
        self.last: bytes | None = None

    def _advance(self, t: float) -> list[tuple[int, int]]:
        """Paste what has finished into the accumulated frame; returns the rows it changed."""
        changed = []
        for i, band in enumerate(self.bands):
            if i not in self.done and t >= band.start + REVEAL:
                self.acc.paste(band.rgb, (band.x0, band.top), band.alpha)
                self.done.add(i)
                changed.append((band.top, band.bottom + self.rise))
        for c in self.counters:
            if c.name not in self.counted and t >= c.start + c.duration:
                _draw_counter(self.acc, c, c.start + c.duration)
                self.counted.add(c.name)
                changed.append((c.box[1], c.box[3]))
        return changed

    def _moving(self, t: float) -> list[tuple[int, int]]:
        rows = [(b.top, b.bottom + self.rise) for i, b in enumerate(self.bands)
                if i not in self.done and b.start <= t]  # fmt: skip
        rows += [(c.box[1], c.box[3]) for c in self.counters
                 if c.name not in self.counted and c.start <= t]  # fmt: skip
        return rows

    def _compose(self, t: float, y0: int, y1: int) -> Image.Image:
        """Rows ``y0..y1`` of the frame at ``t`` (RGB)."""
        region = self.acc.crop((0, y0, self.w, y1))
        for i, band in enumerate(self.bands):
            if i in self.done or t < band.start:
                continue
            p = _ease((t - band.start) / REVEAL)
            if band.wipe:
                width = max(1, round(band.rgb.width * p))
                region.paste(band.rgb.crop((0, 0, width, band.rgb.height)),
                             (band.x0, band.top - y0),
                             band.alpha.crop((0, 0, width, band.alpha.height)))  # fmt: skip
            else:
                mask = band.alpha.point(lambda v, p=p: round(v * p))
                offset = round(self.rise * (1 - p))
                region.paste(band.rgb, (band.x0, band.top + offset - y0), mask)
        for c in self.counters:
            if c.name not in self.counted and t >= c.start:
                shifted = replace(c, box=(c.box[0], c.box[1] - y0, c.box[2], c.box[3] - y0),
                                  layout_box=(c.layout_box[0], c.layout_box[1] - y0,
                                              c.layout_box[2], c.layout_box[3] - y0))  # fmt: skip
                _draw_counter(region, shifted, t)
        return region

    def rgb(self, t: float) -> Image.Image:
        """The whole frame at ``t`` as RGB (previews and tests); ``t`` must not decrease."""
        self._advance(t)
        return self._compose(t, 0, self.h)

    def at(self, t: float) -> bytes:
        """The frame at ``t`` as yuv420p bytes; ``t`` must not decrease."""
        rows = self._advance(t)
        moving = self._moving(t)
        rows += moving
        if self.prev is not None:
            rows.append(self.prev)  # restore what moved away since the last frame
        self.prev = (min(r[0] for r in moving), max(r[1] for r in moving)) if moving else None
        if self.planes is None:
            rows = [(0, self.h)]
        if not rows and self.last is not None:
            return self.last
        y0 = max(0, min(r[0] for r in rows)) // 2 * 2
        y1 = min(self.h, -(-max(r[1] for r in rows) // 2) * 2)
        y, cb, cr = self.planes or (Image.new("L", (self.w, self.h)),
                                    Image.new("L", (self.w // 2, self.h // 2)),
                                    Image.new("L", (self.w // 2, self.h // 2)))  # fmt: skip
        self.planes = (y, cb, cr)
        ry, rcb, rcr = self._compose(t, y0, y1).convert("YCbCr").split()
        y.paste(ry.point(_Y_LUT), (0, y0))
        cb.paste(rcb.reduce(2).point(_C_LUT), (0, y0 // 2))
        cr.paste(rcr.reduce(2).point(_C_LUT), (0, y0 // 2))
        self.last = y.tobytes() + cb.tobytes() + cr.tobytes()
        return self.last
