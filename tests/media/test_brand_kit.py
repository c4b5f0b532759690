"""Brand kit: WCAG AA colour pairs, official header, safe areas, minimum text, logos."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from media import errors
from media.brand import PRESETS, BrandKit, contrast, palette, parse_colour
from media.images import check_logo
from media.infographic import TEMPLATES, render_infographic, save_infographic
from media.samples import SIZES, sample_fields
from media.templates.base import CHROME

TODAY = date(2026, 9, 15)
GOV = BrandKit(
    org_name="Sở KH&CN",
    primary=PRESETS["government-red"][0],
    accent=PRESETS["government-red"][1],
    header_line1="Ủy ban nhân dân tỉnh Đồng Nai",
    header_line2="Sở Khoa học và Công nghệ",
    website="sokhcn.dongnai.gov.vn",
    hashtag="#DongNaiSo",
    source="Nguồn: Sở Khoa học và Công nghệ tỉnh Đồng Nai",
)


@pytest.mark.parametrize(
    ("primary", "accent"),
    [
        PRESETS["government-red"],
        PRESETS["default"],
        ("#FFFFFF", "#FFFF00"),  # the reviewer's white + yellow: 1.0-1.6:1 as given
        ("#808080", "#7F7F7F"),  # mid grey on mid grey: nothing passes as given
        ("#000000", "#000000"),
    ],
)
def test_every_colour_pair_used_reaches_wcag_aa(primary: str, accent: str) -> None:
    pal = palette(BrandKit(primary=primary, accent=accent))
    light, dark = (np.array(pal.primary) * 0.94 + 255 * 0.06), np.array(pal.primary) * 0.62
    ends = [tuple(round(float(v)) for v in end) for end in (light, dark)]
    for fg in (pal.on_primary, pal.accent_text):
        assert min(contrast(fg, e) for e in ends) >= 4.5 - 0.05  # type: ignore[arg-type]
    assert contrast(pal.on_accent, pal.accent) >= 4.5
    assert contrast(pal.primary_text, (255, 255, 255)) >= 4.5
    for check in pal.checks:
        assert check.passes, check


def test_flag_red_yellow_is_darkened_and_the_reason_is_given() -> None:
    pal = palette(BrandKit(primary="#DA251D", accent="#FFCD00"))
    (adjusted,) = pal.adjustments
    assert adjusted.pair == "accent_text/background"
    assert adjusted.original == "#DA251D" and adjusted.before == pytest.approx(3.08, abs=0.05)
    assert adjusted.adjusted != "#DA251D" and pal.accent == parse_colour("#FFCD00")
    assert "4.5:1" in adjusted.reason


def test_white_and_yellow_get_readable_text_shades() -> None:
    pal = palette(BrandKit(primary="#FFFFFF", accent="#FFFF00"))
    pairs = {c.pair for c in pal.adjustments}
    assert pairs == {"accent_text/background", "primary_text/white_card"}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_no_text_under_24px_at_1080_wide_and_official_header_drawn(
    template: str, size: tuple[int, int]
) -> None:
    fields = sample_fields(template, size)
    if template == "stats" and size == (1080, 1080):
        fields = dict(fields, stats=fields["stats"][:4])  # six long labels do not fit with it
    result = render_infographic(template, fields, GOV, size, today=TODAY)
    floor = round(24 * size[0] / 1080)
    small = {name: px for name, px in result.sizes.items() if px < floor}
    assert not small, f"text under {floor} px: {small}"
    assert {"header_line1", "header_line2", "source", "footer"} <= set(result.ink)


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_story_keeps_text_and_logo_out_of_the_apps_bars(template: str, tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    image = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((10, 10, 190, 190), fill=(218, 37, 29, 255))
    image.save(logo)
    w, h = 1080, 1920
    result = render_infographic(
        template, sample_fields(template, (w, h)), GOV.with_(logo=logo), (w, h), today=TODAY
    )
    for name, box in {**result.ink, "logo": result.boxes["logo"]}.items():
        assert box[1] >= 0.14 * h - 1, f"{name} at y={box[1]} in the top bar"
        assert box[3] <= 0.80 * h + 1, f"{name} at y={box[3]} in the bottom bar"


def test_text_that_cannot_fit_at_the_minimum_is_refused_with_the_limit() -> None:
    with pytest.raises(errors.MediaError) as caught:
        render_infographic(
            "campaign",
            {"title": "Chuyển đổi số " * 11, "subtitle": "Khoa học " * 30},
            GOV,
            (1200, 630),
            today=TODAY,
        )
    assert caught.value.key == errors.TEXT_NO_ROOM
    assert caught.value.params["min_px"] >= round(24 * 1200 / 1080)
    assert caught.value.params["field_vi"] in ("Tiêu đề", "Phụ đề")


def test_stat_values_share_one_size() -> None:
    stats = ["Hồ sơ trực tuyến=1234567", "Tỷ lệ=87,5%", "Doanh nghiệp=2450", "Điểm=12"]
    result = render_infographic("stats", {"title": "Kết quả", "stats": stats}, GOV, today=TODAY)
    sizes = {px for name, px in result.sizes.items() if name.endswith("_value")}
    assert len(sizes) == 1


def test_three_stats_leave_no_orphan_card() -> None:
    stats = ["Hồ sơ=1234567", "Tỷ lệ=87,5%", "Doanh nghiệp=2450"]
    for size in ((1080, 1080), (1080, 1920)):
        result = render_infographic("stats", {"title": "Kết quả", "stats": stats}, GOV, size)
        tops = {result.ink[f"stat{i}_value"][1] for i in range(3)}
        lefts = {result.ink[f"stat{i}_value"][0] for i in range(3)}
        assert len(tops) == 3 or len(lefts) == 3, (size, tops, lefts)  # one row or one column


def test_sparse_content_is_balanced_on_tall_canvases() -> None:
    result = render_infographic("task", {"title": "Nhiệm vụ quan trắc nước"}, GOV, (1080, 1920))
    content = [b for n, b in result.ink.items() if n not in CHROME]
    box = result.content_box
    assert box is not None
    above = min(b[1] for b in content) - box[1]
    below = box[3] - max(b[3] for b in content)
    assert above > 0.2 * (box[3] - box[1])
    assert below > above * 0.8  # a little above the middle, never clinging to the top


def test_quote_mark_is_measured_by_its_ink() -> None:
    result = render_infographic("quote", {"title": "Khoa học là động lực."}, GOV, (1080, 1080))
    mark, quote = result.ink["quote_mark"], result.ink["title"]
    assert quote[1] - mark[3] < 80  # the font box would leave ~110 px more under the mark


def test_countdown_must_agree_with_the_date() -> None:
    with pytest.raises(errors.MediaError) as caught:
        render_infographic(
            "campaign", {"title": "X", "date": "10/10/2026", "countdown": 99_999_999}, today=TODAY
        )
    assert caught.value.key == errors.COUNTDOWN_MISMATCH
    assert caught.value.params["expected"] == 25
    ok = render_infographic(
        "campaign", {"title": "X", "date": "10/10/2026", "countdown": 25}, today=TODAY
    )
    assert "25" in ok.alt
    with pytest.raises(errors.MediaError) as far:
        render_infographic("campaign", {"title": "X", "countdown": 99_999_999}, today=TODAY)
    assert far.value.key == errors.COUNTDOWN_TOO_FAR and far.value.params["limit"] == 3660


def test_output_format_follows_the_extension(tmp_path: Path) -> None:
    result = render_infographic("campaign", {"title": "Ngày hội"}, GOV, today=TODAY)
    png = save_infographic(result, tmp_path / "a.png")
    assert png.read_bytes()[:4] == b"\x89PNG"
    jpg = save_infographic(result, tmp_path / "b.jpeg")
    assert jpg.read_bytes()[:2] == b"\xff\xd8"
    squeezed = save_infographic(result, tmp_path / "c.png", max_bytes=60_000)
    assert squeezed.name == "c.jpg" and squeezed.read_bytes()[:2] == b"\xff\xd8"
    assert not (tmp_path / "c.png").exists()
    with pytest.raises(errors.MediaError) as caught:
        save_infographic(result, tmp_path / "d.gif")
    assert caught.value.key == errors.BAD_EXTENSION
    assert caught.value.params["known"] == ".png, .jpg, .jpeg"
    assert not (tmp_path / "d.gif").exists()


def test_alt_text_is_built_from_the_content() -> None:
    stats = ["Hồ sơ trực tuyến=1234567", "Tỷ lệ=87,5%", "Doanh nghiệp=2450"]
    result = render_infographic("stats", {"title": "Kết quả 9 tháng", "stats": stats}, GOV)
    assert result.alt.startswith("Ảnh đồ họa của Sở Khoa học và Công nghệ")
    assert "Kết quả 9 tháng" in result.alt and "Hồ sơ trực tuyến: 1.234.567" in result.alt
    assert "Nguồn: Sở Khoa học và Công nghệ tỉnh Đồng Nai." in result.alt


def _rgba(tmp_path: Path, name: str, fill: tuple[int, int, int, int], size: int = 200) -> Path:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((20, 20, size - 20, size - 20), fill=fill)
    path = tmp_path / name
    image.save(path)
    return path


def test_logos_that_would_not_show_are_refused(tmp_path: Path) -> None:
    check_logo(_rgba(tmp_path, "ok.png", (218, 37, 29, 255)))
    white = _rgba(tmp_path, "white.png", (255, 255, 255, 255))
    invisible = _rgba(tmp_path, "ghost.png", (218, 37, 29, 0))
    tiny = _rgba(tmp_path, "tiny.png", (218, 37, 29, 255), size=40)
    text_file = tmp_path / "logo.png.txt"
    text_file.write_text("not an image")
    for path, key in (
        (white, errors.BAD_LOGO),
        (invisible, errors.BAD_LOGO),
        (tiny, errors.BAD_LOGO),
        (text_file, errors.UNSUPPORTED_FORMAT),
    ):
        with pytest.raises(errors.MediaError) as caught:
            check_logo(path)
        assert caught.value.key in (key, errors.CORRUPT_IMAGE), path.name


@pytest.mark.parametrize("size", [(1080, 1080), (1080, 1920), (1200, 630)])
def test_a_link_becomes_a_scannable_qr_code_that_reads_back(size: tuple[int, int]) -> None:
    import segno

    link = "https://sokhcn.dongnai.gov.vn/dang-ky-ngay-hoi-doi-moi-sang-tao"
    fields = {"title": "Đăng ký tham dự Ngày hội", "qr": link}
    result = render_infographic("campaign", fields, GOV, size, today=TODAY)
    box = result.boxes["qr"]
    matrix = segno.make(link, error="m", micro=False).matrix
    n = len(matrix)
    rgb = np.asarray(result.image.crop(box)).astype(int)
    tile = np.abs(rgb - np.array([17, 24, 39])).sum(axis=2)  # 0 on the modules' ink colour
    dark = np.argwhere(tile < 60)
    (y0, x0), (_y1, x1) = dark.min(axis=0), dark.max(axis=0)
    module = (x1 - x0 + 1) / n
    assert module >= 4 * size[0] / 1080 - 0.01  # 4 px per module at 1080 wide
    # Sample each module's centre: the drawn code is exactly the encoded one.
    read = [
        [
            tile[round(y0 + (r + 0.5) * module), round(x0 + (c + 0.5) * module)] < 128
            for c in range(n)
        ]
        for r in range(n)
    ]
    assert read == [[bool(v) for v in row] for row in matrix]
    assert box[1] >= result.content_box[3]  # type: ignore[index]  # below the content
    if size[1] / size[0] >= 1.7:
        assert box[3] <= 0.8 * size[1]
    assert link in result.alt
    with pytest.raises(errors.MediaError) as caught:
        render_infographic("campaign", {"title": "X", "qr": "javascript:alert(1)"}, GOV, size)
    assert caught.value.key == errors.BAD_FIELD and caught.value.params["field"] == "qr"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_photo_slot_sits_beside_or_above_the_content(
    size: tuple[int, int], assets: dict[str, Path]
) -> None:
    fields = {
        "title": "Khai trương Trung tâm Đổi mới sáng tạo",
        "date": "15/11/2026",  # no national-day eyebrow: a 16:9 card with a photo has no room
        "photo": assets["photo0"],
    }
    result = render_infographic("campaign", fields, GOV, size, today=TODAY)
    photo = result.boxes["photo"]
    for name, ink in result.ink.items():
        if name in CHROME:
            continue
        overlaps = (
            ink[0] < photo[2] and photo[0] < ink[2] and ink[1] < photo[3] and photo[1] < ink[3]
        )
        assert not overlaps, name
    # The photo really is there: its pixels differ from the brand background.
    crop = np.asarray(result.image.crop(photo)).astype(int)
    assert crop.std() > 20
    assert result.recipe["fields"]["photo"] == str(assets["photo0"])
    with pytest.raises(errors.MediaError):
        render_infographic("campaign", dict(fields, photo=assets["photo0"].with_suffix(".x")))
