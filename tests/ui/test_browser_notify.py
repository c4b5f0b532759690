"""Issue 18's «Done when», in a real headless Chromium against ``publisher demo``: the officer
sends a post for review, and the editor finds on «Hộp cát» the email (the demo's SMTP server
is the sandbox's mail catcher) and the Telegram message (the sandbox's notification bot) that
the worker sent about it. Screenshots at 1440 px and 390 px go to ``test-artifacts/``."""

from __future__ import annotations

import re
import time
import uuid

import pytest

from tests.ui.test_browser import (  # the demo and browser fixtures, and their helpers
    CHROMIUM,
    Demo,
    browser,
    demo,
    login,
    open_page,
    settle,
    shot,
)

__all__ = ["browser", "demo"]  # fixtures used by name

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not __import__("pathlib").Path(CHROMIUM).exists(), reason="no chromium"),
]


def _card(page: object, marker: str, kind: str) -> object:
    """The card of ``kind`` (``mail``, ``dm``) that names ``marker``."""
    cards = page.locator(f"[class*='st-key-sb_{kind}_']", has_text=marker)  # type: ignore[attr-defined]
    return cards.first


def _wait_in_tab(page: object, tab: str, marker: str, kind: str) -> object:
    """Open ``tab`` and press «Làm mới» until the card naming ``marker`` shows (the worker
    sends every few seconds)."""
    deadline = time.monotonic() + 90
    while True:
        page.get_by_role("tab", name=re.compile(tab)).click()  # type: ignore[attr-defined]
        settle(page)
        card = _card(page, marker, kind)
        if card.count() or time.monotonic() > deadline:  # type: ignore[attr-defined]
            return card
        page.get_by_role("button", name="Làm mới").click()  # type: ignore[attr-defined]
        settle(page)


def test_the_editor_is_told_by_email_and_telegram_when_a_post_awaits_review(
    browser: object, demo: Demo
) -> None:
    marker = f"TB-{uuid.uuid4().hex[:8]}"
    page = login(browser, demo, "canbo")
    open_page(page, "Soạn bài")
    page.get_by_label("Kênh đăng").click()  # type: ignore[attr-defined]
    page.locator("[role=option]", has_text="Telegram").first.click()  # type: ignore[attr-defined]
    settle(page)
    page.keyboard.press("Escape")  # type: ignore[attr-defined]
    page.get_by_role("textbox", name="Tiêu đề nội bộ").fill(f"Thông báo {marker}")  # type: ignore[attr-defined]
    body = page.get_by_role("textbox", name="Nội dung bài viết")  # type: ignore[attr-defined]
    body.fill(f"Hội thảo chuyển đổi số cấp tỉnh, mã kiểm thử {marker}")
    body.press("Control+Enter")
    settle(page)
    page.get_by_role("button", name="Gửi duyệt").click()  # type: ignore[attr-defined]
    settle(page)
    page.get_by_text("cho biên tập viên duyệt").wait_for(timeout=30_000)  # type: ignore[attr-defined]
    page.close()  # type: ignore[attr-defined]

    page = login(browser, demo, "bientap")
    open_page(page, "Hộp cát")
    mail = _wait_in_tab(page, "Email", marker, "mail")
    assert mail.count() == 1, "the email reached the sandbox's mail catcher"  # type: ignore[attr-defined]
    text = mail.inner_text()  # type: ignore[attr-defined]
    assert "Bài chờ duyệt" in text and f"«Thông báo {marker}» đang chờ duyệt" in text
    assert "Trần Minh Quân (bientap)" in text and "bientap@sokhcn.example.gov.vn" in text
    assert re.search(r"lúc \d{2}/\d{2}/\d{4} \d{2}:\d{2}", text), text
    mail.scroll_into_view_if_needed()  # type: ignore[attr-defined]
    shot(page, "notify-email-1440")
    page.set_viewport_size({"width": 390, "height": 844})  # type: ignore[attr-defined]
    settle(page)
    _card(page, marker, "mail").scroll_into_view_if_needed()  # type: ignore[attr-defined]
    shot(page, "notify-email-390")
    page.set_viewport_size({"width": 1440, "height": 1000})  # type: ignore[attr-defined]
    settle(page)

    message = _wait_in_tab(page, "Tin nhắn Telegram", marker, "dm")
    assert message.count() == 1, "the notification bot's message reached the sandbox"  # type: ignore[attr-defined]
    text = message.inner_text()  # type: ignore[attr-defined]
    assert "Bot thông báo" in text and "Trần Minh Quân (bientap)" in text
    assert f"«Thông báo {marker}» đang chờ duyệt" in text
    message.scroll_into_view_if_needed()  # type: ignore[attr-defined]
    shot(page, "notify-telegram-1440")
    page.set_viewport_size({"width": 390, "height": 844})  # type: ignore[attr-defined]
    settle(page)
    _card(page, marker, "dm").scroll_into_view_if_needed()  # type: ignore[attr-defined]
    shot(page, "notify-telegram-390")
    assert page.locator("[data-testid=stException]").count() == 0  # type: ignore[attr-defined]
    page.close()  # type: ignore[attr-defined]
