from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from media import errors
from media.brand import BrandKit, parse_colour
from media.infographic import TEMPLATES, encode, render_infographic, save_infographic
from media.samples import LONG_FIELDS, SIZES, TITLE, sample_fields
from media.templates.base import Infographic

TODAY = date(2026, 9, 15)


def _inside(
    inner: tuple[int, int, int, int], outer: tuple[int, int, int, int], slack: int = 1
) -> bool:
    return (
        inner[0] >= outer[0] - slack
        and inner[1] >= outer[1] - slack
        and inner[2] <= outer[2] + slack
        and inner[3] <= outer[3] + slack
    )


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _check_layout(result: Infographic) -> None:
    w, h = result.size
    safe = round(0.03 * min(w, h))
    canvas = (safe, safe, w - safe, h - safe)
    assert result.ink, "no text recorded"
    for name, ink in result.ink.items():
        assert _inside(ink, result.boxes[name]), (
            f"{name} ink {ink} outside box {result.boxes[name]}"
        )
        assert _inside(ink, canvas, slack=0), f"{name} ink {ink} touches the edge of {w}x{h}"
    names = sorted(result.ink)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert not _overlap(result.ink[a], result.ink[b]), f"{a} overlaps {b}"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_long_text_stays_inside_its_box_in_every_template_and_size(
    template: str, size: tuple[int, int], brand: BrandKit
) -> None:
    result = render_infographic(template, sample_fields(template, size), brand, size, today=TODAY)
    assert result.size == size
    assert result.image.mode == "RGB"
    _check_layout(result)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_short_text_renders_in_every_template_and_size(
    template: str, size: tuple[int, int]
) -> None:
    fields = {
        "campaign": {"title": "Chuyển đổi số", "date": "18/05/2027"},
        "stats": {"title": "Số liệu", "stats": ["A=1", "B=2", "C=3"]},
        "quote": {"title": "Đổi mới."},
        "event": {"title": "Hội thảo", "time": "8:00"},
        "chart": {"title": "Số liệu", "kind": "donut", "data": ["A=1", "B=2"]},
        "task": {"title": "Nhiệm vụ", "lead": "Sở KH&CN"},
    }[template]
    result = render_infographic(template, fields, BrandKit(), size, today=TODAY)
    assert result.size == size
    _check_layout(result)


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_absurdly_long_input_is_refused_with_a_message(template: str) -> None:
    fields = dict(LONG_FIELDS[template])
    fields["title"] = "Chuyển đổi số " * 800
    with pytest.raises(errors.MediaError) as caught:
        render_infographic(template, fields, BrandKit(), today=TODAY)
    assert caught.value.key == errors.TEXT_TOO_LONG


@pytest.mark.parametrize("template", sorted(TEMPLATES))
@pytest.mark.parametrize("title", ["", "   ", "\u200b\n"])
def test_an_empty_title_is_refused(template: str, title: str) -> None:
    fields = dict(LONG_FIELDS[template], title=title)
    with pytest.raises(errors.MediaError) as caught:
        render_infographic(template, fields, BrandKit(), today=TODAY)
    assert caught.value.key == errors.EMPTY_TITLE


def test_nfd_and_nfc_titles_render_identically() -> None:
    nfc = {"title": TITLE, "date": "10/10/2026"}
    nfd = {"title": unicodedata.normalize("NFD", TITLE), "date": "10/10/2026"}
    a = render_infographic("campaign", nfc, today=TODAY).image
    b = render_infographic("campaign", nfd, today=TODAY).image
    assert a.tobytes() == b.tobytes()


def test_emoji_in_text_do_not_crash_and_are_dropped() -> None:
    plain = render_infographic("quote", {"title": "Chào mừng ngày 10/10"}, today=TODAY)
    emoji = render_infographic("quote", {"title": "Chào mừng 🎉🇻🇳 ngày 10/10 👩‍💻"}, today=TODAY)
    assert plain.image.tobytes() == emoji.image.tobytes()


def _count(image: Image.Image, colour: tuple[int, int, int], tol: int = 6) -> int:
    px = image.convert("RGB").getdata()
    return sum(
        1
        for p in px
        if abs(p[0] - colour[0]) <= tol
        and abs(p[1] - colour[1]) <= tol
        and abs(p[2] - colour[2]) <= tol
    )


@pytest.mark.parametrize(("primary", "accent"), [("#0B3D91", "#F2A900"), ("#7A0E0E", "#DA251D")])
def test_brand_colours_are_used(primary: str, accent: str) -> None:
    brand = BrandKit(org_name="UBND tỉnh", primary=primary, accent=accent)
    image = render_infographic(
        "campaign", {"title": "Ngày hội", "date": "01/10/2026"}, brand, (540, 540), today=TODAY
    ).image
    # Accent: the top rule and the countdown card are solid accent.
    assert _count(image, parse_colour(accent), tol=2) > 540 * 5
    # Primary: the background is a gradient around the primary colour.
    r, g, b = parse_colour(primary)
    small = image.resize((54, 54))
    near = _count(small, (r, g, b), tol=40)
    assert near > 54 * 54 * 0.2


def test_campaign_counts_down_to_the_national_day() -> None:
    result = render_infographic(
        "campaign", {"title": "Chuyển đổi số", "date": "10/10/2026"}, today=date(2026, 9, 15)
    )
    assert result.recipe["fields"]["date"] == "10/10/2026"
    assert "countdown" in result.ink and "date" in result.ink
    today = render_infographic(
        "campaign", {"title": "X", "date": "10/10/2026"}, today=date(2026, 10, 10)
    )
    assert "countdown" in today.ink and "countdown_days" not in today.ink
    past = render_infographic(
        "campaign", {"title": "X", "date": "10/10/2026"}, today=date(2026, 10, 11)
    )
    assert "countdown" not in past.ink and "date" in past.ink


@pytest.mark.parametrize("stats", [["A=1", "B=2"], [f"S{i}={i}" for i in range(7)]])
def test_stats_needs_three_to_six_figures(stats: list[str]) -> None:
    with pytest.raises(errors.MediaError) as caught:
        render_infographic("stats", {"title": "Số liệu", "stats": stats})
    assert caught.value.key == errors.STATS_COUNT


def test_a_stat_without_value_is_refused() -> None:
    with pytest.raises(errors.MediaError) as caught:
        render_infographic("stats", {"title": "Số liệu", "stats": ["A=1", "B=2", "C"]})
    assert caught.value.key == errors.BAD_STAT


def test_unknown_template_and_bad_colour_are_refused() -> None:
    with pytest.raises(errors.MediaError) as caught:
        render_infographic("poster", {"title": "X"})
    assert caught.value.key == errors.UNKNOWN_TEMPLATE
    with pytest.raises(errors.MediaError) as caught:
        BrandKit(primary="blue")
    assert caught.value.key == errors.BAD_COLOUR


def test_an_unreadable_logo_is_a_clear_error(assets: dict[str, Path]) -> None:
    brand = BrandKit(org_name="UBND", logo=assets["truncated"])
    with pytest.raises(errors.MediaError) as caught:
        render_infographic("campaign", {"title": "X"}, brand)
    assert caught.value.key == errors.CORRUPT_IMAGE


def test_recipe_re_renders_at_another_size(brand: BrandKit) -> None:
    first = render_infographic("event", LONG_FIELDS["event"], brand, (1080, 1080), today=TODAY)
    recipe = first.recipe
    again = render_infographic(
        recipe["template"], recipe["fields"], BrandKit(**recipe["brand"]), (1080, 1920), today=TODAY
    )
    assert again.size == (1080, 1920)


def test_jpeg_output_respects_a_byte_budget(no_stray_files: Path) -> None:
    result = render_infographic("campaign", {"title": TITLE, "date": "10/10/2026"}, today=TODAY)
    out = save_infographic(result, no_stray_files / "post.jpg", max_bytes=120_000)
    assert out.stat().st_size <= 120_000
    assert Image.open(out).format == "JPEG"


def test_an_impossible_byte_budget_leaves_no_file(no_stray_files: Path) -> None:
    result = render_infographic("campaign", {"title": TITLE}, today=TODAY)
    with pytest.raises(errors.MediaError) as caught:
        save_infographic(result, no_stray_files / "post.jpg", max_bytes=500)
    assert caught.value.key == errors.CANNOT_FIT
    assert list(no_stray_files.iterdir()) == []


def test_png_encoding_round_trips() -> None:
    result = render_infographic("quote", {"title": "Đổi mới sáng tạo"}, size=(400, 400))
    data = encode(result.image, "PNG")
    assert data[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_layout_also_holds_with_pillows_own_text_drawing(
    template: str, brand: BrandKit, monkeypatch: pytest.MonkeyPatch
) -> None:
    from media import text

    monkeypatch.setattr(text, "GLYPH_CACHE", False)
    result = render_infographic(template, LONG_FIELDS[template], brand, (1080, 1350), today=TODAY)
    _check_layout(result)
