"""Streamlit's own widget words get our catalogue's text (Vietnamese by default)."""

from __future__ import annotations

import re

from publisher.i18n import set_language
from ui.components import widget_texts


def test_every_streamlit_string_has_a_vietnamese_text() -> None:
    set_language("vi")
    exact, patterns = widget_texts.translations()
    assert exact["Select all"] == "Chọn tất cả"
    assert exact["Show password"] == "Hiện các ký tự đã nhập"
    assert all(text and text != english for english, text in exact.items())
    by_rx = dict(patterns)
    per_file = by_rx[r"^(.+) per file(.*)$"]
    match = re.match(r"^(.+) per file(.*)$", "500MB per file • JPG, PNG")
    assert match is not None
    assert per_file.replace("\x01", match[1]) + match[2] == "Tối đa 500MB mỗi tệp • JPG, PNG"


def test_english_rewrites_nothing(monkeypatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(widget_texts.st, "html", lambda body, **_: calls.append(body))
    set_language("en")
    widget_texts.install("en")
    assert len(calls) == 1 and "Select all" not in calls[0]
    calls.clear()
    set_language("vi")
    widget_texts.install("vi")
    assert len(calls) == 1 and "Chọn tất cả" in calls[0] and "<script>" in calls[0]


def test_the_page_not_found_box_and_the_help_buttons_labels_have_vietnamese_texts() -> None:
    set_language("vi")
    exact, patterns = widget_texts.translations()
    assert exact["Page not found"] == "Không mở được trang này"
    assert exact["Skip to main content"] == "Tới nội dung chính"
    # «Help for …» only in the labels read aloud: a post may say «Help for farmers».
    assert not any(re.match(rx, "Help for farmers") for rx, _ in patterns)
    rx, text = widget_texts.attr_translations()[0]
    match = re.match(rx, "Help for Tiêu đề nội bộ")
    assert match is not None
    assert text.replace("\x01", match[1]) == "Giải thích: Tiêu đề nội bộ"


def test_the_sidebar_its_button_and_icons_are_read_aloud_in_vietnamese() -> None:
    set_language("vi")
    aloud = widget_texts.attr_exact_translations()
    assert aloud["Sidebar"] == "Thanh bên"
    assert aloud["Collapse sidebar"] == "Thu gọn thanh bên"
    assert aloud["Expand sidebar"] == "Mở thanh bên"
    assert aloud["App pages"] == "Các trang"
    assert all(text and text != english for english, text in aloud.items())
    # only in the labels read aloud: a post may well say «Search» or «Open»
    exact, patterns = widget_texts.translations()
    assert not set(aloud) & set(exact)
    assert not any(re.match(rx, "Sidebar") for rx, _ in patterns)
    # an icon-only button is named by a hidden text node of its own: «chevron_left icon»
    assert exact["chevron_left icon"] == "Trước" and exact["chevron_right icon"] == "Sau"
    icon = [text for rx, text in widget_texts.attr_translations() if re.match(rx, "edit icon")]
    assert icon == ["Biểu tượng"]


def test_the_script_gets_the_labels_read_aloud_and_fixes_an_added_element_itself(
    monkeypatch,
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(widget_texts.st, "html", lambda body, **_: calls.append(body))
    set_language("vi")
    widget_texts.install("vi")
    assert '"Collapse sidebar": "Thu gọn thanh bên"' in calls[0]
    # the sidebar's <section> arrives with its label: the added node itself is fixed too
    assert "root.matches(sel)" in calls[0]
    calls.clear()
    set_language("en")
    widget_texts.install("en")
    assert "Thanh bên" not in calls[0] and "const attrExact = {};" in calls[0]


def test_the_script_holds_no_tag_inside() -> None:
    # st.html passes the script through DOMPurify, which drops an element whose text holds
    # something like a tag («<section>» in a comment, «</» in the texts): no script at all.
    body = widget_texts._SCRIPT.removeprefix("<script>").removesuffix("</script>")
    assert not re.search(r"<[/\w!]", body)
    set_language("vi")
    exact, patterns = widget_texts.translations()
    texts = [
        *exact.values(),
        *(p for _, p in patterns),
        *widget_texts.attr_exact_translations().values(),
    ]
    assert not [text for text in texts if re.search(r"<[/\w!]", text)]


def _aloud(label: str) -> str | None:
    """What the page's script makes of a label read aloud (the same order as ``say``)."""
    exact, patterns = widget_texts.translations()
    if label in exact:
        return exact[label]
    aloud = widget_texts.attr_exact_translations()
    if label in aloud:
        return aloud[label]
    for rx, text in patterns + widget_texts.attr_translations():
        match = re.match(rx, label)
        if match:
            return text.replace("\x01", match[1]) + (match[2] if match.lastindex == 2 else "")
    return None


def test_a_date_or_time_fields_parts_are_read_aloud_in_vietnamese() -> None:
    # React Aria names each part of a date or time field «day, <label>», «hour, <label>»…
    set_language("vi")
    assert _aloud("day, Từ ngày") == "ngày, Từ ngày"
    assert _aloud("month, Từ ngày") == "tháng, Từ ngày"
    assert _aloud("year, Đến ngày") == "năm, Đến ngày"
    assert _aloud("hour, Giờ phát") == "giờ, Giờ phát"
    assert _aloud("minute, Giờ phát") == "phút, Giờ phát"
    assert _aloud("AM/PM, Giờ phát") == "sáng/chiều, Giờ phát"
    # only in the labels read aloud: a post may well begin «day, …»
    _, patterns = widget_texts.translations()
    assert not any(re.match(rx, "day, Từ ngày") for rx, _ in patterns)
    set_language("en")
    texts = dict(widget_texts.attr_translations())
    assert texts[r"^day, (.+)$"].replace("\x01", "From") == "day, From"
