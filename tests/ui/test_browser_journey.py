"""Issue 17's "Done when", as one journey in a real Chromium against ``publisher demo``, once
on a desktop (1440x900) and once on a phone (390x844), each with its own demo: a new
officer, in the browser only, uploads three event photos, writes one post for three
channels on a day clicked on the calendar, moves it by drag, imports a CSV of ten posts (one
bad line refused, then fixed); an editor approves the campaign plan in one action and finds
it in the history. All in Vietnamese: no English widget text on the way. Screenshots go to
``test-artifacts/screenshots/journey-<size>-*.png``."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from publisher.timeutil import to_local, utcnow
from tests.ui import test_browser as base
from tests.ui.test_browser import Demo, settle, shot
from tests.ui.test_browser_bulk import _table
from tests.ui.test_browser_workday import CALENDAR, _cell, _drag, _photos, compose_opened

browser = base.browser
pytestmark = base.pytestmark

#: The demo's Facebook, Telegram and Zalo OA channels (all in the sandbox).
THREE = (
    "Fanpage Sở KH&CN (hộp cát)",
    "Kênh Telegram KH&CN (hộp cát)",
    "Zalo OA KH&CN (hộp cát)",
)
SIZES = {"desktop": (1440, 900), "phone": (390, 844)}
#: Streamlit's own English that must not reach a Vietnamese page.
ENGLISH = ("Select all", "Browse files", "Drag and drop", "Show password", "View more")


@pytest.fixture(scope="module", params=sorted(SIZES), ids=lambda s: f"{s}-{SIZES[s][0]}")
def journey(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Demo]]:
    """A fresh demo for each size (the editor's plan can be approved only once)."""
    start = base.demo.__wrapped__(tmp_path_factory)  # type: ignore[attr-defined]
    demo = next(start)
    try:
        yield str(request.param), demo
    finally:
        for _ in start:  # stops the demo and checks it stopped cleanly
            pass


def _login(browser: Any, demo: Demo, user: str, size: str) -> Any:
    width, height = SIZES[size]
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(demo.url)
    page.wait_for_selector("input[type=password]", timeout=60_000)
    settle(page)
    page.get_by_label("Tên đăng nhập").fill(user)
    page.get_by_label("Mật khẩu").fill(demo.accounts[user])
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_selector("[data-testid=stSidebarNav]", state="attached", timeout=60_000)
    settle(page)
    return page


def _go(page: Any, demo: Demo, path: str) -> None:
    page.goto(f"{demo.url}/{path}")
    settle(page)


def _wait(page: Any, text: str, timeout: float = 60_000) -> None:
    page.get_by_text(text).first.wait_for(timeout=timeout)


def _clean(page: Any, size: str) -> None:
    assert page.locator("[data-testid=stException]").count() == 0
    body = page.locator("body").inner_text()
    assert not [w for w in ENGLISH if w in body], body[:500]
    if size == "phone":  # nothing wider than the phone
        assert page.evaluate("() => document.documentElement.scrollWidth") <= SIZES[size][0] + 2


def test_the_officers_and_the_editors_day(
    browser: Any, journey: tuple[str, Demo], tmp_path: Path
) -> None:
    size, demo = journey
    name = f"journey-{size}"
    photos = _photos(tmp_path)[:3]
    page = _login(browser, demo, "canbo", size)

    # A day clicked on the calendar opens compose on that day.
    # Three days ahead: the demo's approved posts of the week (due within hours) fill today's
    # and tomorrow's cells, and a phone's month view folds a full cell into «+n».
    day = to_local(utcnow()).date() + timedelta(days=3)  # the office's today, not the machine's
    _go(page, demo, f"?ngay={day.isoformat()}")
    page.wait_for_selector(CALENDAR, timeout=60_000)
    settle(page)
    _cell(page, day).click(position={"x": 20, "y": 10})
    compose_opened(page)
    assert page.get_by_label("Ngày (dd/mm/yyyy)").input_value() == day.strftime("%d/%m/%Y")

    # Three event photos at once, into the library and onto the post.
    page.locator("input[type=file][multiple]").first.set_input_files([str(p) for p in photos])
    settle(page)
    for i in (1, 2, 3):
        _wait(page, f"Đã lưu «su-kien-{i}.jpg» vào thư viện")
    channels = page.get_by_label("Kênh đăng")
    for channel in THREE:
        option = page.locator("[role=option]", has_text=channel).first
        if not option.is_visible():
            channels.click()
        option.wait_for(timeout=10_000)
        option.click()
        settle(page)
    page.keyboard.press("Escape")
    # One «Nội dung riêng cho …» (the channel's own text) per chosen channel.
    chosen = page.locator("[data-testid=stExpander]", has_text="Nội dung riêng cho")
    assert chosen.count() == 3
    title = f"Ra mắt sàn giao dịch công nghệ ({size})"
    page.get_by_role("textbox", name="Tiêu đề nội bộ").fill(title)
    body = page.get_by_role("textbox", name="Nội dung bài viết")
    body.fill("Sáng nay Sở KH&CN ra mắt sàn giao dịch công nghệ của tỉnh. #KHCN")
    body.press("Control+Enter")
    settle(page)
    _wait(page, "Bài viết hợp lệ trên mọi kênh đã chọn", 30_000)
    picker = page.locator("[data-testid=stMultiSelect]", has_text="Chọn từ thư viện")
    for i in (1, 2, 3):
        assert picker.get_by_text(f"su-kien-{i}").count() == 1
    _clean(page, size)
    shot(page, f"{name}-1-compose")
    page.get_by_role("button", name="Lưu nháp").click()
    settle(page)
    _wait(page, "Đã lưu nháp", 30_000)

    # Moved by drag on the calendar.
    _go(page, demo, f"?ngay={day.isoformat()}")
    page.wait_for_selector(CALENDAR, timeout=60_000)
    settle(page)
    event = page.frame_locator(CALENDAR).locator(".fc-event", has_text=title)
    event.wait_for(timeout=30_000)
    later = day + timedelta(days=2)
    if _cell(page, later).count() == 0:  # the month ends: the next day is on this page
        later = day + timedelta(days=1)
    _drag(page, event, _cell(page, later))
    _wait(page, "Đã dời bài", 30_000)
    _cell(page, later).locator(".fc-event", has_text=title).wait_for(timeout=30_000)
    assert _cell(page, day).locator(".fc-event", has_text=title).count() == 0
    _clean(page, size)
    shot(page, f"{name}-2-calendar-moved")

    # Ten posts from a CSV: one bad line refuses them all, the fixed file imports ten.
    _go(page, demo, "compose")
    page.get_by_text("Nhập nhiều bài từ tệp CSV/XLSX").click()
    settle(page)
    upload = page.locator("[data-testid=stFileUploaderDropzoneInput]").first
    upload.set_input_files(str(_table(tmp_path / "ke-hoach.csv", bad_line=True)))
    settle(page)
    _wait(page, "Không nhập bài nào: 1 dòng có lỗi")
    _wait(page, "Dòng 5: thời gian «31/02/2027 08:00» không hợp lệ")
    assert page.get_by_role("button", name="Nhập 9 bài và gửi duyệt").is_disabled()
    shot(page, f"{name}-3-import-refused")
    upload.set_input_files(str(_table(tmp_path / "ke-hoach-sua.csv", bad_line=False)))
    settle(page)
    _wait(page, "Tất cả 10 dòng hợp lệ")
    page.get_by_role("button", name="Nhập 10 bài và gửi duyệt").click()
    settle(page)
    _wait(page, "Đã nhập 10 bài (chờ duyệt)")
    _clean(page, size)
    page.close()

    # The editor approves the campaign plan in one action and sees it in the history.
    page = _login(browser, demo, "bientap", size)
    _go(page, demo, "review")
    plan = page.locator("[class*='st-key-rv_plan_']").first
    plan.wait_for(timeout=30_000)
    label = plan.get_by_role("button", name="Duyệt cả kế hoạch").inner_text()
    count = int(label.split("(")[1].split()[0])
    comment = plan.get_by_label("Góp ý chung cho cả kế hoạch")
    comment.fill("Kế hoạch đạt, đăng đúng lịch")
    comment.press("Enter")
    settle(page)
    shot(page, f"{name}-4-review-plan")
    plan.get_by_role("button", name="Duyệt cả kế hoạch").click()
    settle(page)
    _wait(page, f"Đã duyệt {count} bài của kế hoạch")
    page.get_by_role("tab", name="Đã duyệt").click()
    settle(page)
    grid = page.locator("[data-testid=stDataFrame]").first
    grid.wait_for(timeout=30_000)
    # The grid draws on a canvas; its accessible table (text_content) holds the cells of
    # the columns in view (on a phone the comment column is off to the right).
    wanted = "Kế hoạch đạt" if size == "desktop" else "Đã duyệt"
    deadline = time.monotonic() + 15
    while wanted not in (grid.text_content() or "") and time.monotonic() < deadline:
        time.sleep(0.3)
    shot(page, f"{name}-5-review-history")
    history = grid.text_content() or ""
    assert wanted in history and history.count("Ngày Khoa học và Công nghệ") >= count
    _clean(page, size)
    page.close()
