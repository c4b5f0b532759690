"""A link to a page opened while logged out (a bookmark, the link in a «Bài chờ duyệt»
email): the login form, in Vietnamese, with no Streamlit «Page not found» box over it, and
after login the page that was asked for — in a real headless Chromium against
``publisher demo``."""

from __future__ import annotations

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


def test_a_link_to_a_page_opens_the_login_then_that_page(browser: object, demo: Demo) -> None:
    # Someone has opened the app since the server started (until then Streamlit serves
    # ui/pages/ as a plain multipage app: not fixed here, see the QA report).
    first = browser.new_page()  # type: ignore[attr-defined]
    first.goto(demo.url)
    first.wait_for_selector("input[type=password]", timeout=60_000)
    first.close()
    page = browser.new_page(viewport={"width": 390, "height": 900})  # type: ignore[attr-defined]
    page.goto(f"{demo.url}/review")
    page.wait_for_selector("input[type=password]", timeout=60_000)
    settle(page)
    shot(page, "deeplink-login-390")
    assert "Page not found" not in page.inner_text("body")
    assert page.locator("[role=dialog]").count() == 0
    page.get_by_label("Tên đăng nhập").fill("bientap")
    page.get_by_label("Mật khẩu").fill(demo.accounts["bientap"])
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("heading", name="Duyệt bài").wait_for(timeout=60_000)
    settle(page)
    shot(page, "deeplink-review-390")
    assert page.url.rstrip("/").endswith("/review")
    page.close()
