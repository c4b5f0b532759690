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
    [(rx, text)] = widget_texts.attr_translations()
    match = re.match(rx, "Help for Tiêu đề nội bộ")
    assert match is not None
    assert text.replace("\x01", match[1]) == "Giải thích: Tiêu đề nội bộ"
