"""A link to a page opened while logged out (a bookmark, the link in a «Bài chờ duyệt»
email): the login form, in Vietnamese, with no Streamlit «Page not found» box over it, and
after login the page that was asked for — in a real headless Chromium against
``publisher demo``. Also when that link is the very first request a freshly started server
gets (no one has opened the app's root yet)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.ui import test_browser as base
from tests.ui.test_browser import (  # the demo and browser fixtures, and their helpers
    ARGS,
    CHROMIUM,
    Demo,
    browser,
    demo,
    settle,
    shot,
)

__all__ = ["ARGS", "CHROMIUM", "browser", "demo"]  # fixtures used by name

#: The page files' names, as Streamlit's automatic multipage app would list them.
FILE_NAMES = ("audit", "bulletins", "calendar", "campaigns", "faq_inbox", "sandbox")


@pytest.fixture
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """A demo server of its own, started for this test: nothing has been requested yet."""
    start = base.demo.__wrapped__(tmp_path_factory)  # type: ignore[attr-defined]
    running = next(start)
    try:
        yield running
    finally:
        for _ in start:  # stops the demo and checks it stopped cleanly
            pass


def _login_form(page: Any, name: str) -> None:
    # Either the login form or a sidebar of pages, whichever Streamlit serves.
    page.wait_for_selector(
        "input[type=password], [data-testid=stSidebarNav]", state="attached", timeout=60_000
    )
    settle(page)
    shot(page, name)
    body = page.inner_text("body")
    assert "Page not found" not in body and "Không mở được trang này" not in body
    assert page.locator("[role=dialog]").count() == 0
    assert page.locator("[data-testid=stSidebarNav]").count() == 0, body[:500]
    assert not [n for n in FILE_NAMES if n in body.split()], body[:500]
    assert page.get_by_label("Tên đăng nhập").count() == 1
    assert page.get_by_label("Mật khẩu").count() == 1
    assert page.get_by_role("button", name="Đăng nhập").count() == 1


def test_a_fresh_servers_first_request_to_a_page_shows_the_login(browser: Any, fresh: Demo) -> None:
    # Streamlit would serve a directory named «pages» next to ui/app.py as its automatic
    # multipage app (raw file names in a sidebar) until the app's own navigation has run
    # once: the views live in ui/views/, which it does not look for.
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(f"{fresh.url}/calendar")
    _login_form(page, "deeplink-fresh-login")
    page.get_by_label("Tên đăng nhập").fill("canbo")
    page.get_by_label("Mật khẩu").fill(fresh.accounts["canbo"])
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_selector("[data-testid=stSidebarNav]", state="attached", timeout=60_000)
    settle(page)
    assert page.url.rstrip("/").endswith("/calendar")
    nav = page.locator("[data-testid=stSidebarNav]").inner_text()
    assert "Lịch" in nav, nav
    assert not [n for n in FILE_NAMES if n in nav.split()], nav
    page.close()


def test_a_link_to_a_page_opens_the_login_then_that_page(browser: Any, demo: Demo) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 900})
    page.goto(f"{demo.url}/review")
    _login_form(page, "deeplink-login-390")
    page.get_by_label("Tên đăng nhập").fill("bientap")
    page.get_by_label("Mật khẩu").fill(demo.accounts["bientap"])
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("heading", name="Duyệt bài").wait_for(timeout=60_000)
    settle(page)
    shot(page, "deeplink-review-390")
    assert page.url.rstrip("/").endswith("/review")
    page.close()


def test_a_logged_in_user_at_another_roles_page_is_told_in_vietnamese(
    browser: Any, demo: Demo
) -> None:
    """A manager typing «/users» (an administrator's page) or a mistyped address got
    Streamlit's English «Page not found» box; it speaks Vietnamese, as the rest does."""
    page = base.login(browser, demo, "lanhdao")
    for address in ("users", "khong-co-trang-nay"):
        page.goto(f"{demo.url}/{address}")  # type: ignore[attr-defined]
        dialog = page.locator("[role=dialog]")  # type: ignore[attr-defined]
        dialog.wait_for(timeout=60_000)
        settle(page)
        text = dialog.inner_text()
        shot(page, f"deeplink-not-found-{address}")
        assert "Không mở được trang này" in text, text
        assert "tài khoản của bạn không được mở trang này" in text, text
        assert "Page not found" not in text and "Running the app" not in text, text
    assert "Skip to main content" not in page.inner_text("body")  # type: ignore[attr-defined]
    page.goto(f"{demo.url}/statistics")  # type: ignore[attr-defined]
    page.get_by_role("heading", name="Thống kê").first.wait_for(timeout=60_000)  # type: ignore[attr-defined]
    settle(page)
    # the (?) button beside «Lượt nhấp» is read aloud in Vietnamese too
    page.locator("[aria-label='Giải thích: Lượt nhấp']").wait_for(timeout=30_000)  # type: ignore[attr-defined]
    assert page.locator("[aria-label^='Help for']").count() == 0  # type: ignore[attr-defined]
    page.close()


#: What a screen reader says for Streamlit's own parts, in Vietnamese (ui/components/widget_texts).
_READ_ALOUD = (
    "() => ({sidebar: document.querySelector('[data-testid=stSidebar]')?.getAttribute("
    "'aria-label'), toggle: document.querySelector('[data-testid=stSidebarCollapseButton] "
    "button, [data-testid=stExpandSidebarButton]')?.getAttribute('aria-label'), pages: "
    "document.querySelector('[data-testid=stSidebarNav]')?.getAttribute('aria-label')})"
)


@pytest.mark.parametrize("width", [1440, 390])
def test_the_sidebar_and_the_calendars_arrows_are_read_aloud_in_vietnamese(
    browser: Any, demo: Demo, width: int
) -> None:
    """Streamlit names the sidebar «Sidebar», its button «Collapse/Expand sidebar» and an
    icon-only button by its icon («chevron_left icon»): in Vietnamese, before and after the
    sidebar is opened or closed, on a desk and on a phone."""
    page = base.login(browser, demo, "canbo")
    page.set_viewport_size({"width": width, "height": 900})  # type: ignore[attr-defined]
    page.goto(f"{demo.url}/calendar")  # type: ignore[attr-defined]
    page.wait_for_selector("[data-testid=stSidebarNav]", state="attached", timeout=60_000)  # type: ignore[attr-defined]
    settle(page)
    shot(page, f"read-aloud-calendar-{width}")
    page.get_by_role("button", name="Trước", exact=True).wait_for(timeout=60_000)  # type: ignore[attr-defined]
    before = page.evaluate(_READ_ALOUD)  # type: ignore[attr-defined]
    toggle = "Thu gọn thanh bên" if width >= 768 else "Mở thanh bên"
    assert before == {"sidebar": "Thanh bên", "toggle": toggle, "pages": "Các trang"}, before
    assert page.get_by_role("button", name="Sau", exact=True).count() == 1  # type: ignore[attr-defined]
    assert page.get_by_role("region", name="Thanh bên").count() == 1  # type: ignore[attr-defined]
    if width >= 768:  # the close button shows while the pointer is over the sidebar
        page.hover("[data-testid=stSidebar]")  # type: ignore[attr-defined]
        page.locator("[data-testid=stSidebarCollapseButton] button").click()  # type: ignore[attr-defined]
    else:
        page.locator("[data-testid=stExpandSidebarButton]").click()  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "(was) => { const b = document.querySelector('[data-testid=stSidebarCollapseButton] "
        "button, [data-testid=stExpandSidebarButton]'); return b && b.offsetParent !== null "
        "&& b.getAttribute('aria-label') !== was; }",
        arg=toggle,
        timeout=30_000,
    )
    after = page.evaluate(_READ_ALOUD)  # type: ignore[attr-defined]
    other = "Mở thanh bên" if width >= 768 else "Thu gọn thanh bên"
    assert after == {"sidebar": "Thanh bên", "toggle": other, "pages": "Các trang"}, after
    english = page.evaluate(  # type: ignore[attr-defined]
        "() => [...document.querySelectorAll('[aria-label],[title]')].flatMap(e => "
        "[e.getAttribute('aria-label'), e.getAttribute('title')]).filter(v => v && "
        "/^(Sidebar|Collapse sidebar|Expand sidebar|App pages|.+ icon)$/.test(v))"
    )
    assert english == [], english
    assert "chevron_left icon" not in page.inner_text("body")  # type: ignore[attr-defined]
    page.close()  # type: ignore[attr-defined]


#: Every part of a date or time field, with the label a screen reader says for it.
_SEGMENTS = (
    "() => [...document.querySelectorAll('[data-testid=stDateInput] [role=spinbutton], "
    "[data-testid=stTimeInput] [role=spinbutton]')].map(e => e.getAttribute('aria-label'))"
)


@pytest.mark.parametrize("width", [1440, 390])
def test_a_date_fields_parts_are_read_aloud_in_vietnamese(
    browser: Any, demo: Demo, width: int
) -> None:
    """React Aria names each part of a date field «day, Từ ngày», «month, Từ ngày»…: the
    audit log's two date filters say «ngày, Từ ngày», «tháng, …», «năm, …» instead."""
    page = base.login(browser, demo, "lanhdao")
    page.set_viewport_size({"width": width, "height": 900})  # type: ignore[attr-defined]
    page.goto(f"{demo.url}/audit")  # type: ignore[attr-defined]
    page.wait_for_selector("[data-testid=stDateInput] [role=spinbutton]", timeout=60_000)  # type: ignore[attr-defined]
    settle(page)
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => !!document.querySelector('[role=spinbutton][aria-label=\"ngày, Từ ngày\"]')",
        timeout=30_000,
    )
    shot(page, f"read-aloud-audit-dates-{width}")
    labels = page.evaluate(_SEGMENTS)  # type: ignore[attr-defined]
    expected = [
        f"{part}, {field}" for field in ("Từ ngày", "Đến ngày") for part in ("ngày", "tháng", "năm")
    ]
    assert labels == expected, labels
    english = page.evaluate(  # type: ignore[attr-defined]
        "() => [...document.querySelectorAll('[aria-label]')].map(e => e.getAttribute("
        "'aria-label')).filter(v => /^(day|month|year|hour|minute|AM\\/PM), /.test(v))"
    )
    assert english == [], english
    page.close()  # type: ignore[attr-defined]
