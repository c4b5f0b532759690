"""Bulk work in a real headless Chromium against ``publisher demo``: an officer imports a CSV
of ten posts (one bad line refused, nothing created; then fixed and imported), and an editor
approves the demo's campaign plan in one action and finds it in the «Đã duyệt» history.
Screenshots (1440 px and 390 px) go to ``test-artifacts/screenshots/``."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

from publisher.timeutil import to_local, utcnow
from tests.ui import test_browser as base
from tests.ui.test_browser import Demo, login, open_page, settle, shot

# The demo and the browser of the journeys' module (module-scoped: one demo for this file).
demo = base.demo
browser = base.browser
pytestmark = base.pytestmark

TG = "Kênh Telegram KH&CN (hộp cát)"
FB = "Fanpage Sở KH&CN (hộp cát)"


def _table(path: Path, bad_line: bool) -> Path:
    start = to_local(utcnow() + timedelta(days=20)).replace(hour=8, minute=0)
    rows = ["time,channels,text"]
    for n in range(10):
        when = (start + timedelta(days=n)).strftime("%d/%m/%Y %H:%M")
        if bad_line and n == 3:
            when = "31/02/2027 08:00"
        rows.append(f'{when},{TG};{FB},"Bản tin KH&CN số {n + 1}: đổi mới sáng tạo"')
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _wait(page: object, text: str, timeout: float = 30_000) -> None:
    page.get_by_text(text).first.wait_for(timeout=timeout)  # type: ignore[attr-defined]


def test_officer_imports_a_csv_refused_for_one_bad_line_then_fixed(
    browser: object, demo: Demo, tmp_path: Path
) -> None:
    page = login(browser, demo, "canbo")
    open_page(page, "Soạn bài")
    page.get_by_text("Nhập nhiều bài từ tệp CSV/XLSX").click()  # type: ignore[attr-defined]
    settle(page)
    upload = page.locator("[data-testid=stFileUploaderDropzoneInput]").first  # type: ignore[attr-defined]
    upload.set_input_files(str(_table(tmp_path / "ke-hoach.csv", bad_line=True)))
    settle(page)
    _wait(page, "Không nhập bài nào: 1 dòng có lỗi")
    _wait(page, "Dòng 5: thời gian «31/02/2027 08:00» không hợp lệ")
    go = page.get_by_role("button", name="Nhập 9 bài và gửi duyệt")  # type: ignore[attr-defined]
    assert go.is_disabled()
    shot(page, "20-import-bad-line")
    upload.set_input_files(str(_table(tmp_path / "ke-hoach-sua.csv", bad_line=False)))
    settle(page)
    _wait(page, "Tất cả 10 dòng hợp lệ")
    shot(page, "21-import-preview")
    page.get_by_role("button", name="Nhập 10 bài và gửi duyệt").click()  # type: ignore[attr-defined]
    settle(page)
    _wait(page, "Đã nhập 10 bài (chờ duyệt)")
    assert page.locator("[data-testid=stException]").count() == 0  # type: ignore[attr-defined]
    page.close()  # type: ignore[attr-defined]


def test_editor_approves_the_plan_in_one_action_and_sees_the_history(
    browser: object, demo: Demo
) -> None:
    page = login(browser, demo, "bientap")
    open_page(page, "Duyệt bài")
    plan = page.locator("[class*='st-key-rv_plan_']").first  # type: ignore[attr-defined]
    plan.wait_for(timeout=30_000)
    approve = plan.get_by_role("button", name="Duyệt cả kế hoạch")
    label = approve.inner_text()
    count = int(label.split("(")[1].split()[0])
    assert count >= 5, label
    first_row = page.locator("[class*='st-key-rv_row_']").first  # type: ignore[attr-defined]
    first_row.get_by_role("button", name="Xem").click()
    settle(page)
    shot(page, "22-review-desk")
    for width, height in ((390, 844), (1440, 1000)):  # the phone, then back
        page.set_viewport_size({"width": width, "height": height})  # type: ignore[attr-defined]
        page.reload()  # type: ignore[attr-defined]
        plan.wait_for(timeout=60_000)
        settle(page)
        if width == 390:
            shot(page, "23-review-desk-phone")
    plan.get_by_label("Góp ý chung cho cả kế hoạch").fill("Kế hoạch đạt, đăng đúng lịch")
    plan.get_by_label("Góp ý chung cho cả kế hoạch").press("Enter")
    settle(page)
    plan.get_by_role("button", name="Duyệt cả kế hoạch").click()
    settle(page)
    _wait(page, f"Đã duyệt {count} bài của kế hoạch")
    page.get_by_role("tab", name="Đã duyệt").click()  # type: ignore[attr-defined]
    settle(page)
    grid = page.locator("[data-testid=stDataFrame]").first  # type: ignore[attr-defined]
    grid.wait_for(timeout=30_000)
    deadline = time.monotonic() + 10
    while "Kế hoạch đạt" not in (grid.inner_text() or "") and time.monotonic() < deadline:
        time.sleep(0.3)
    shot(page, "24-review-history")
    assert page.locator("[data-testid=stException]").count() == 0  # type: ignore[attr-defined]
    page.close()  # type: ignore[attr-defined]


def test_editor_edits_a_published_post_on_the_platform(browser: object, demo: Demo) -> None:
    """After «Duyệt và đăng ngay» the worker publishes to the sandbox; on «Lượt đăng & cảnh
    báo» the editor replaces the Telegram message's text, and the emulator records it."""
    page = login(browser, demo, "bientap")
    open_page(page, "Duyệt bài")
    row = page.locator("[class*='st-key-rv_row_']", has_text="Bản tin KH&CN số 10").first  # type: ignore[attr-defined]
    row.wait_for(timeout=30_000)
    row.get_by_role("button", name="Xem").click()
    settle(page)
    row.get_by_role("button", name="Duyệt và đăng ngay").click()
    settle(page)
    _wait(page, "bài đang được đăng")
    open_page(page, "Lượt đăng & cảnh báo")
    card = page.locator("[data-testid=stExpander]", has_text="Bản tin KH&CN số 10").first  # type: ignore[attr-defined]
    edit = card.get_by_role("button", name="Sửa trên nền tảng")
    deadline = time.monotonic() + 90
    while edit.count() < 2 and time.monotonic() < deadline:  # both channels sent
        time.sleep(2.0)
        page.reload()  # type: ignore[attr-defined]
        settle(page)
        card = page.locator("[data-testid=stExpander]", has_text="Bản tin KH&CN số 10").first  # type: ignore[attr-defined]
        if card.count() and card.get_attribute("open") is None:
            card.locator("summary").first.click()
            settle(page)
        edit = card.get_by_role("button", name="Sửa trên nền tảng")
    assert edit.count() == 2, "both deliveries sent and editable"
    edit.last.click()
    settle(page)
    box = page.get_by_label("Nội dung mới trên kênh này")  # type: ignore[attr-defined]
    box.fill("Bản tin KH&CN số 10 (đã sửa sau khi đăng)")
    box.press("Control+Enter")
    settle(page)
    shot(page, "25-edit-after-publish")
    page.get_by_role("button", name="Lưu nội dung mới").click()  # type: ignore[attr-defined]
    settle(page)
    _wait(page, "Đã sửa bài trên")
    open_page(page, "Hộp cát")
    page.get_by_text("(đã sửa sau khi đăng)").first.wait_for(timeout=30_000)  # type: ignore[attr-defined]
    assert page.locator("[data-testid=stException]").count() == 0  # type: ignore[attr-defined]
    page.close()  # type: ignore[attr-defined]
