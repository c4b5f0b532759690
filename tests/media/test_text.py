from __future__ import annotations

import unicodedata

import pytest

from media import errors, text


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1234.5, "1.234,5"), (1234567, "1.234.567"), (0.25, "0,25"), (-1500, "-1.500"), (12, "12")],
)
def test_it_formats_numbers_the_vietnamese_way(value: float, expected: str) -> None:
    assert text.format_number(value) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1234", "1.234"),
        ("1234.5", "1.234,5"),
        ("98,5%", "98,5%"),
        ("1.234", "1.234"),  # already Vietnamese grouping: kept
        ("12 tỷ đồng", "12 tỷ đồng"),
        ("2500+", "2.500+"),
        (1500, "1.500"),
    ],
)
def test_it_formats_stat_values(raw: str | int, expected: str) -> None:
    assert text.format_stat_value(raw) == expected


def test_it_normalises_nfd_to_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Chuyển đổi số")
    assert nfd != "Chuyển đổi số"
    assert text.nfc(nfd) == "Chuyển đổi số"


def test_it_collapses_spaces_and_drops_control_characters() -> None:
    assert text.nfc("  Khoa\u200b học\t\tvà   công nghệ \x07") == "Khoa học và công nghệ"


def test_it_drops_emoji_the_font_cannot_draw() -> None:
    cleaned = text.clean("Chào mừng 🎉🇻🇳 ngày 10/10 👩‍💻 Chuyển đổi số")
    assert cleaned == "Chào mừng ngày 10/10 Chuyển đổi số"


def test_it_keeps_every_vietnamese_letter() -> None:
    letters = "ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
    assert text.clean(letters + letters.upper()) == letters + letters.upper()


def test_wrapped_lines_fit_the_measured_width() -> None:
    block = text.fit(
        "Đẩy mạnh chuyển đổi số toàn diện " * 6,
        500,
        800,
        family="Be Vietnam Pro",
        weight="bold",
        max_size=80,
        min_size=12,
    )
    assert block.width <= 500
    assert all(block.face.getlength(line) <= 500 for line in block.lines)


def test_a_word_longer_than_the_box_is_broken() -> None:
    block = text.layout("https://" + "a" * 200, "Be Vietnam Pro", "regular", 30, 300)
    assert len(block.lines) > 1
    assert block.width <= 300


def test_text_that_cannot_fit_is_refused() -> None:
    with pytest.raises(errors.MediaError) as caught:
        text.fit(
            "chữ " * 500,
            200,
            100,
            family="Be Vietnam Pro",
            weight="bold",
            max_size=40,
            min_size=20,
            field="title",
        )
    assert caught.value.key == errors.TEXT_NO_ROOM
    assert caught.value.params["field"] == "title"
    assert caught.value.params["min_px"] == 20
    assert caught.value.params["field_vi"] == "Tiêu đề"


@pytest.mark.parametrize("raw", ["10/10/2026", "2026-10-10", "10-10-2026"])
def test_it_parses_dates(raw: str) -> None:
    assert text.format_date(text.parse_date(raw)) == "10/10/2026"


def test_a_bad_date_is_refused() -> None:
    with pytest.raises(errors.MediaError) as caught:
        text.parse_date("31/02/2026")
    assert caught.value.key == errors.BAD_DATE


def test_cached_glyphs_draw_like_pillow() -> None:
    from PIL import Image, ImageChops, ImageDraw

    block = text.fit(
        "Chuyển đổi số: Tỷ lệ 98,5% — Ấp Vĩnh Phúc",
        1000,
        200,
        family="Be Vietnam Pro",
        weight="bold",
        max_size=64,
        min_size=20,
    )
    images = []
    for cached in (False, True):
        image = Image.new("L", (1100, 240), 0)
        text.GLYPH_CACHE = cached
        try:
            text.draw(ImageDraw.Draw(image), block, (20, 20, 1080, 220), fill=255)
        finally:
            text.GLYPH_CACHE = True
        images.append(image)
    pillow, cached = images
    assert pillow.getbbox() is not None and cached.getbbox() is not None
    # Same glyphs at the same places, give or take sub-pixel rounding at glyph edges.
    for a, b in zip(pillow.getbbox(), cached.getbbox(), strict=True):
        assert abs(a - b) <= 2
    diff = ImageChops.difference(pillow, cached)
    assert sum(diff.getdata()) / (255 * 1100 * 240) < 0.01
