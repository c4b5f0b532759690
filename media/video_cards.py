"""Static layers for videos, drawn once with Pillow: title card, end card, slides, captions.

Everything that does not move is rendered here, so the ffmpeg graph only moves, fades and
overlays ready-made pictures (see :mod:`media.video`).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from media import text
from media.brand import BrandKit, mix
from media.images import contain, cover, flatten, open_image
from media.templates.base import WHITE, Canvas, _supersampled_mask
from media.templates.panels import heading


def title_card(
    brand: BrandKit,
    size: tuple[int, int],
    title: str,
    subtitle: str = "",
    eyebrow: str = "",
    lang: str = "vi",
) -> Image.Image:
    """The opening card: brand background, header, title block centred vertically.

    Raises :class:`MediaError` (``text_too_long``) when the title cannot fit.
    """

    def draw(offset: int) -> tuple[Canvas, int, tuple[int, int, int, int]]:
        c = Canvas(brand, size, lang)
        box = c.chrome(brand.hashtag)
        top = box[1] + offset
        bottom = heading(
            c,
            (box[0], top, box[2], box[3]),
            eyebrow=eyebrow,
            title=title,
            subtitle=subtitle,
            title_max=110,
        )
        return c, bottom, box

    # Two passes: measure the block, then draw it centred in the content box.
    _, bottom, box = draw(0)
    free = box[3] - bottom
    c, _, _ = draw(max(0, free * 2 // 5))
    return c.image


def end_card(
    brand: BrandKit, size: tuple[int, int], campaign: str = "", lang: str = "vi"
) -> Image.Image:
    """The closing card: logo, organisation, campaign line, hashtag and website, centred.

    Raises :class:`MediaError` when the logo cannot be read or text cannot fit.
    """
    c = Canvas(brand, size, lang)
    u, w, h = c.u, c.w, c.h
    m = c.margin
    top = max(m, c.safe_top)
    bottom = h - max(m, c.safe_bottom)
    y = top
    mark = brand.logo or brand.emblem
    d = round(220 * u) if mark else 0
    org = text.clean(brand.org_name, c.family).upper()
    blocks: list[tuple[str, str, str, int, int, tuple[int, int, int]]] = []
    if org:
        blocks.append(("org_name", org, "bold", 40, 3, c.on_primary))
    if campaign := text.clean(campaign, c.family):
        blocks.append(("campaign", campaign, "medium", 44, 3, c.soft(0.15)))
    if brand.hashtag:
        blocks.append(
            ("hashtag", text.clean(brand.hashtag, c.family), "extrabold", 64, 2, c.accent_text)
        )
    if brand.website:
        blocks.append(
            (
                "website",
                text.clean(brand.website, c.family),
                "medium",
                32,
                1,
                c.soft(0.3),
            )
        )
    avail = (bottom - top - (d + round(48 * u) if d else 0)) // max(1, len(blocks))
    # Measure first, then centre the group (a little above the middle) in the safe area.
    heights = [
        c.fit(
            value,
            (
                m,
                0,
                w - m,
                min(avail, max(round(max_size * u * lines * 1.3), c.line_box(c.min_text) * lines)),
            ),
            weight=weight,
            max_size=round(max_size * u),
            min_size=max(10, round(16 * u)),
            max_lines=lines,
            name=name,
        ).height
        for name, value, weight, max_size, lines, _fill in blocks
    ]
    group = (d + round(48 * u) if d else 0) + sum(heights) + round(36 * u) * len(blocks)
    group += round(24 * u) if org else 0
    y = top + max(0, (bottom - top - group) * 2 // 5)
    if mark:
        c._logo(Path(mark), ((w - d) // 2, y, (w + d) // 2, y + d))
        y += d + round(48 * u)
    for name, value, weight, max_size, lines, fill in blocks:
        box = (
            m,
            y,
            w - m,
            y + min(avail, max(round(max_size * u * lines * 1.3), c.line_box(c.min_text) * lines)),
        )
        ink = c.text(
            name,
            value,
            box,
            weight=weight,
            max_size=round(max_size * u),
            min_size=max(10, round(16 * u)),
            max_lines=lines,
            fill=fill,
            align="center",
        )
        y = ink[3] + round(36 * u)
        if name == "org_name":
            c.bar(
                (w - round(80 * u)) // 2,
                y - round(12 * u),
                round(80 * u),
                max(4, round(6 * u)),
                c.accent,
            )
            y += round(24 * u)
    return c.image


def slide(
    source: str | Path | Image.Image, size: tuple[int, int], brand: BrandKit, scale: float = 1.0
) -> Image.Image:
    """A photo or infographic filling the frame.

    Close aspect ratios are cover-cropped; very different ones (a square infographic in a
    9:16 clip) are shown whole over a blurred, darkened copy, because cropping would cut text.
    Transparent images sit on the brand colour. Raises the errors of :func:`open_image`.
    """
    w, h = round(size[0] * scale), round(size[1] * scale)
    image = source if isinstance(source, Image.Image) else open_image(source, at_least=(w, h))
    image = flatten(image, brand.primary_rgb)
    ratio = (image.width / image.height) / (w / h)
    if 0.8 <= ratio <= 1.25:
        return cover(image, (w, h))
    small = cover(image, (max(1, w // 10), max(1, h // 10)))
    back = small.filter(ImageFilter.GaussianBlur(3)).resize((w, h), Image.Resampling.BILINEAR)
    back = Image.blend(back, Image.new("RGB", (w, h), mix(brand.primary_rgb, (0, 0, 0), 0.5)), 0.45)
    front = contain(image, (w, h))
    back.paste(front, ((w - front.width) // 2, (h - front.height) // 2))
    return back


#: Opacity of the band behind captions: white text keeps 9:1 even over a white photo.
CAPTION_BAND_ALPHA = 184


def caption_layer(size: tuple[int, int], caption: str, brand: BrandKit) -> Image.Image:
    """A transparent layer: a soft gradient at the bottom, a shaded band and the caption.

    On 9:16 frames the caption sits above the bottom 20 % (the apps' reply bar); the text is
    never under 24 px at 1080 px wide. Raises :class:`MediaError` (``text_no_room``) when the
    caption cannot fit in 3 lines at that size.
    """
    w, h = size
    u = min(w, h) / 1080
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    caption = text.clean(caption, brand.font_family)
    if not caption:
        return layer
    m = max(36, round(64 * u))
    pad = round(22 * u)
    min_px = max(12, round(24 * w / 1080))
    block = text.fit(
        caption,
        w - 2 * m - 2 * pad - round(24 * u),
        round(h * 0.2),
        family=brand.font_family,
        weight="semibold",
        max_size=max(min_px, round(50 * u)),
        min_size=min_px,
        max_lines=3,
        line_spacing=1.25,
        field="caption",
    )
    bottom = h - (round(h * 0.20) if h / w >= 1.7 else m)
    band = (m, bottom - block.height - 2 * pad, w - m, bottom)
    grad_h = h - band[1] + round(2 * m)
    # A gradient from clear to dark under the band, then the band itself.
    grad = Image.linear_gradient("L").resize((1, grad_h)).point(lambda v: v * 150 // 255)
    alpha = Image.new("L", size, 0)
    alpha.paste(grad.resize((w, grad_h)), (0, h - grad_h))
    band_mask = _supersampled_mask((band[2] - band[0], band[3] - band[1]), 18 * u)
    solid = Image.new("L", band_mask.size, CAPTION_BAND_ALPHA)
    region = alpha.crop(band)
    alpha.paste(Image.composite(solid, region, band_mask), band[:2])
    shade = Image.new("RGBA", size, (0, 0, 0, 255))
    shade.putalpha(alpha)
    layer = Image.alpha_composite(layer, shade)
    d = ImageDraw.Draw(layer)
    x = m + pad + round(24 * u)
    text_box = (x, band[1] + pad, w - m - pad, bottom - pad)
    text.draw(d, block, text_box, fill=WHITE)
    bar_w = max(4, round(8 * u))
    mask = _supersampled_mask((bar_w, block.height), bar_w / 2)
    top = band[1] + pad
    layer.paste(
        (*brand.accent_rgb, 255), (m + pad, top, m + pad + bar_w, top + block.height), mask=mask
    )
    return layer
