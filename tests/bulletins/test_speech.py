"""Vietnamese written for listening: the normaliser's table (media.speech)."""

from __future__ import annotations

import pytest

from media.speech import for_listening, number, ordinal


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "không"),
        (4, "bốn"),
        (10, "mười"),
        (11, "mười một"),
        (15, "mười lăm"),
        (21, "hai mươi mốt"),
        (25, "hai mươi lăm"),
        (30, "ba mươi"),
        (105, "một trăm lẻ năm"),
        (110, "một trăm mười"),
        (1000, "một nghìn"),
        (1005, "một nghìn không trăm lẻ năm"),
        (2026, "hai nghìn không trăm hai mươi sáu"),
        (10_000, "mười nghìn"),
        (1_500_000, "một triệu năm trăm nghìn"),
        (1_000_050, "một triệu không trăm năm mươi"),
        (3_000_000_000, "ba tỷ"),
    ],
)
def test_numbers_are_read_the_vietnamese_way(n: int, words: str) -> None:
    assert number(n) == words


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        (
            "Ngày 10/10/2026",
            "ngày mười tháng mười năm hai nghìn không trăm hai mươi sáu.",
        ),
        ("hạn 01/4/2026", "hạn ngày một tháng tư năm hai nghìn không trăm hai mươi sáu."),
        ("dịp 18/5", "dịp ngày mười tám tháng năm."),
        ("tháng 10/2026", "tháng mười năm hai nghìn không trăm hai mươi sáu."),
        ("lúc 8h30", "lúc tám giờ ba mươi phút."),
        ("lúc 14:00", "lúc mười bốn giờ."),
        ("đạt 80%", "đạt tám mươi phần trăm."),
        ("tăng 12,5%", "tăng mười hai phẩy năm phần trăm."),
        ("1.500 tỷ đồng", "một nghìn năm trăm tỷ đồng."),
        (
            "giai đoạn 2026-2030",
            "giai đoạn hai nghìn không trăm hai mươi sáu đến hai nghìn không trăm ba mươi.",
        ),
        ("25 ha", "hai mươi lăm héc ta."),
        ("Sở KH&CN", "Sở khoa học và công nghệ."),
        ("ĐMST và CĐS", "đổi mới sáng tạo và chuyển đổi số."),
        ("UBND, HĐND tỉnh", "Ủy ban nhân dân, Hội đồng nhân dân tỉnh."),
        ("Ngày S&T", "Ngày khoa học và công nghệ."),
        ("Kế hoạch 45/KH-UBND", "Kế hoạch bốn mươi lăm kế hoạch Ủy ban nhân dân."),
        (
            "Nghị định 13/2026/NĐ-CP",
            "Nghị định mười ba năm hai nghìn không trăm hai mươi sáu nghị định của Chính phủ.",
        ),
    ],
)
def test_dates_times_numbers_and_abbreviations_are_read_out(text: str, spoken: str) -> None:
    assert for_listening(text) == spoken


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Xem tại https://sokhcn.gov.vn/tin/1 nhé", ""),
        ("Liên hệ lienhe@sokhcn.gov.vn", ""),
        ("Thông tin chi tiết tại https://sokhcn.gov.vn #ĐMST", ""),
        ("Liên hệ tại: lienhe@sokhcn.gov.vn.", ""),
        ("Hội thảo sáng nay. Thông tin chi tiết: https://sokhcn.gov.vn/a", "Hội thảo sáng nay."),
        (
            "Đăng ký tại https://dangky.vn hoặc gọi đường dây nóng.",
            "Đăng ký hoặc gọi đường dây nóng.",
        ),
        ("Mở cửa. Xem thêm tại www.skhcn.vn. Vào cửa tự do!", "Mở cửa. Vào cửa tự do!"),
        ("Tin vui 🎉🎉 #CĐS #ĐMST", "Tin vui."),
        ("**Quan trọng** • mục một", "Quan trọng mục một."),
    ],
)
def test_links_emoji_hashtags_and_markup_are_not_read(text: str, spoken: str) -> None:
    assert for_listening(text) == spoken


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Gọi 0912345678.", "Gọi không chín một hai ba bốn năm sáu bảy tám."),
        ("Gọi 0912 345 678.", "Gọi không chín một hai ba bốn năm sáu bảy tám."),
        ("Gọi +84 912.345.678.", "Gọi không chín một hai ba bốn năm sáu bảy tám."),
        ("Có 1.500 người", "Có một nghìn năm trăm người."),
    ],
)
def test_phone_numbers_are_read_digit_by_digit(text: str, spoken: str) -> None:
    assert for_listening(text) == spoken


def test_every_line_ends_a_sentence_so_the_voice_pauses() -> None:
    assert for_listening("Dòng một\nDòng hai!") == "Dòng một. Dòng hai!"


def test_a_word_holding_an_abbreviation_is_left_alone() -> None:
    assert for_listening("KHOA học, CPU") == "KHOA học, CPU."


@pytest.mark.parametrize(("n", "word"), [(1, "thứ nhất"), (2, "thứ hai"), (4, "thứ tư")])
def test_items_are_counted_with_ordinals(n: int, word: str) -> None:
    assert ordinal(n) == word


def test_nothing_raises_on_odd_input_and_no_digit_is_left() -> None:
    assert for_listening("") == ""
    spoken = for_listening("99/99/9999 25h99 % 007 1234567890123456")
    assert spoken.endswith(".") and not any(c.isdigit() for c in spoken)
    assert "hai mươi lăm h chín mươi chín phần trăm" in spoken
