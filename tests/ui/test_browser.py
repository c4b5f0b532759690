"""End to end in a real headless Chromium against ``publisher demo`` (a subprocess on free
ports with a temporary data dir): an officer composes a post with a generated infographic and
sends it for review, an editor approves it to publish now, and the sandbox page shows what
the emulators received. Screenshots of each page go to ``test-artifacts/screenshots/``."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "test-artifacts" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs /usr/bin/chromium"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Demo:
    def __init__(self, proc: subprocess.Popen[str], url: str, accounts: dict[str, str]) -> None:
        self.proc, self.url, self.accounts = proc, url, accounts


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    data = tmp_path_factory.mktemp("demo")
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT), PUBLISHER_LANGUAGE="vi")
    for key in ("PUBLISHER_DATABASE_URL", "PUBLISHER_SECRET_KEY", "PUBLISHER_DATA_DIR"):
        env.pop(key, None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "publisher.cli",
            "demo",
            "--no-browser",
            "--data-dir",
            str(data),
            "--port",
            str(port),
            "--sandbox-port",
            str(free_port()),
            "--api-port",
            str(free_port()),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    deadline = time.monotonic() + 120
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "Ctrl-C" in line:
            break
    output = "".join(lines)
    accounts = dict(re.findall(r"^\s+.+?\s{2,}(\w+)\s+(\S+)\s*$", output, re.M))
    assert "canbo" in accounts and "bientap" in accounts, output
    try:
        yield Demo(proc, f"http://127.0.0.1:{port}", accounts)
    finally:
        proc.send_signal(signal.SIGTERM)
        rest, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0, rest
        assert "Đã dừng" in rest


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def settle(page: object) -> None:
    """Wait until Streamlit has finished the current run (idle for several checks in a row:
    the running indicator appears only some time after a run starts)."""
    idle = 0
    deadline = time.monotonic() + 60
    while idle < 4 and time.monotonic() < deadline:
        busy = page.evaluate(  # type: ignore[attr-defined]
            "() => !!document.querySelector('[data-testid=stStatusWidget]')"
            " || !!document.querySelector('[data-stale=true]')"
        )
        idle = 0 if busy else idle + 1
        time.sleep(0.15)


def shot(page: object, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))  # type: ignore[attr-defined]


def login(browser: object, demo: Demo, username: str) -> object:
    page = browser.new_page(viewport={"width": 1440, "height": 1000})  # type: ignore[attr-defined]
    page.goto(demo.url)
    page.wait_for_selector("input[type=password]", timeout=60_000)
    settle(page)
    shot(page, "00-login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(demo.accounts[username])
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_selector("[data-testid=stSidebarNav]", timeout=60_000)
    settle(page)
    return page


def open_page(page: object, title: str) -> None:
    page.locator("[data-testid=stSidebarNav] a", has_text=title).first.click()  # type: ignore[attr-defined]
    settle(page)


def test_officer_composes_editor_approves_sandbox_receives(browser: object, demo: Demo) -> None:
    marker = f"E2E-{uuid.uuid4().hex[:8]}"
    page = login(browser, demo, "canbo")
    shot(page, "01-calendar-officer")
    open_page(page, "Soạn bài")
    page.get_by_label("Kênh đăng").click()
    for _ in range(4):  # every demo channel
        option = page.locator("[role=option]").first
        option.wait_for(timeout=10_000)
        option.click()
        settle(page)
        page.get_by_label("Kênh đăng").click()
    page.keyboard.press("Escape")
    page.get_by_role("textbox", name="Tiêu đề nội bộ").fill(f"Bài thử {marker}")
    page.get_by_role("textbox", name="Nội dung bài viết").fill(
        f"Chào mừng Ngày Chuyển đổi số quốc gia! Mã kiểm thử {marker} #ChuyenDoiSo"
    )
    page.get_by_role("textbox", name="Nội dung bài viết").press("Control+Enter")
    settle(page)
    page.get_by_text("Tạo infographic ngay tại đây").click()
    page.get_by_role("textbox", name="Tiêu đề", exact=True).fill(f"Chuyển đổi số {marker}")
    page.get_by_role("textbox", name="Tiêu đề", exact=True).press("Enter")
    settle(page)
    page.get_by_role("button", name="Tạo và đính kèm").click()
    settle(page)
    page.get_by_text("Đã tạo infographic").wait_for(timeout=60_000)
    page.get_by_text("Bài viết hợp lệ trên mọi kênh đã chọn").wait_for(timeout=30_000)
    assert page.locator("[data-testid=stTab]").count() >= 4  # one preview per channel
    shot(page, "02-compose-preview")
    page.get_by_role("button", name="Gửi duyệt").click()
    settle(page)
    page.get_by_text("cho biên tập viên duyệt").wait_for(timeout=30_000)
    open_page(page, "Duyệt bài")
    page.get_by_text(f"Bài thử {marker}").first.wait_for(timeout=30_000)
    assert page.get_by_role("button", name="Duyệt và đăng ngay").count() == 0
    shot(page, "03-review-officer")
    page.close()

    page = login(browser, demo, "bientap")
    open_page(page, "Duyệt bài")
    card = page.locator("[class*='st-key-rv_row_']", has_text=f"Bài thử {marker}").first
    card.wait_for(timeout=30_000)
    card.get_by_role("button", name="Xem").click()
    settle(page)
    shot(page, "04-review-editor")
    card.get_by_role("button", name="Duyệt và đăng ngay").click()
    settle(page)
    page.get_by_text("bài đang được đăng").wait_for(timeout=30_000)

    open_page(page, "Hộp cát")
    platforms = ("Facebook ·", "Telegram ·", "Webhook ký số ·", "Zalo OA ·")

    def received() -> list[str]:
        # One record per platform: its header names the platform, its body shows our text.
        texts = page.locator("[data-testid=stText]", has_text=marker).count()
        if texts < len(platforms):
            return []
        headers = page.locator("[data-testid=stMarkdownContainer]")
        return [p for p in platforms if headers.filter(has_text=p).count()]

    deadline = time.monotonic() + 90
    while len(received()) < len(platforms) and time.monotonic() < deadline:
        page.get_by_role("button", name="Làm mới").click()
        settle(page)
    shot(page, "05-sandbox")
    assert received() == list(platforms), "every channel received the post"
    open_page(page, "Lượt đăng & cảnh báo")
    shot(page, "06-deliveries")
    for title, name in (
        ("Xưởng media", "07-studio"),
        ("Chiến dịch", "08-campaigns"),
        ("Kênh", "09-channels"),
        ("Lịch", "10-calendar-editor"),
    ):
        open_page(page, title)
        assert page.locator("[data-testid=stException]").count() == 0, title
        shot(page, name)
    page.close()


def test_the_editor_sees_the_plans_cards_and_clip_arrive_in_review(
    browser: object, demo: Demo
) -> None:
    """The demo's plan for the next national day waits for review with its media queued; the
    worker renders it while the editor watches the review page refresh itself."""
    page = login(browser, demo, "bientap")
    open_page(page, "Duyệt bài")
    for step, name in (("— D-7", "11-review-plan-card"), ("— D0", "12-review-plan-clip")):
        row = page.locator("[class*='st-key-rv_row_']", has_text=step).first
        row.wait_for(timeout=60_000)
        row.get_by_role("button", name="Xem").click()
        settle(page)
        media = row.locator("video" if step == "— D0" else "img[src^='data:image/png']")
        pending = row.get_by_text("Ấn phẩm đang dựng cho bài này")
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            if media.count() >= 1 and pending.count() == 0:
                break
            time.sleep(1.0)  # no clicks: the open row follows the renders by itself
        settle(page)
        assert pending.count() == 0, f"{step}: renders still pending after 240 s"
        assert media.count() >= 1, step
        media.first.scroll_into_view_if_needed()
        settle(page)
        shot(page, name)
    assert page.locator("[data-testid=stException]").count() == 0
    page.close()


def _session_cookie(page: object) -> str | None:
    for cookie in page.context.cookies():  # type: ignore[attr-defined]
        if cookie["name"] == "r57_session":
            return str(cookie["value"])
    return None


def test_a_reload_keeps_the_login_and_after_logout_shows_the_login_page(
    browser: object, demo: Demo
) -> None:
    page = login(browser, demo, "canbo")
    page.wait_for_function("() => document.cookie.includes('r57_session=')", timeout=30_000)  # type: ignore[attr-defined]
    token = _session_cookie(page)
    assert token, "the login wrote the session cookie"
    cookie = next(c for c in page.context.cookies() if c["name"] == "r57_session")  # type: ignore[attr-defined]
    assert cookie["sameSite"] == "Strict" and cookie["path"] == "/"

    page.reload()  # type: ignore[attr-defined]
    page.wait_for_selector("[data-testid=stSidebarNav]", timeout=60_000)  # type: ignore[attr-defined]
    settle(page)
    assert page.locator("input[type=password]").count() == 0  # type: ignore[attr-defined]
    shot(page, "13-reloaded-still-logged-in")

    page.get_by_role("button", name="Đăng xuất").click()  # type: ignore[attr-defined]
    page.wait_for_selector("input[type=password]", timeout=60_000)  # type: ignore[attr-defined]
    page.wait_for_function("() => !document.cookie.includes('r57_session=')", timeout=30_000)  # type: ignore[attr-defined]
    page.reload()  # type: ignore[attr-defined]
    page.wait_for_selector("input[type=password]", timeout=60_000)  # type: ignore[attr-defined]
    settle(page)
    assert page.locator("[data-testid=stSidebarNav]").count() == 0  # type: ignore[attr-defined]

    # The server revoked the token: putting the old cookie back does not log in again.
    page.context.add_cookies([{"name": "r57_session", "value": token, "url": demo.url}])  # type: ignore[attr-defined]
    page.reload()  # type: ignore[attr-defined]
    page.wait_for_selector("input[type=password]", timeout=60_000)  # type: ignore[attr-defined]
    settle(page)
    assert page.locator("[data-testid=stSidebarNav]").count() == 0  # type: ignore[attr-defined]
    page.close()  # type: ignore[attr-defined]


def test_the_pages_fetch_nothing_from_outside_the_machine(browser: object, demo: Demo) -> None:
    """An office network may block the internet, and nothing of ours should leave it: no
    font, icon or script is fetched from another host."""
    outside: list[str] = []

    def watch(request: object) -> None:
        url = str(request.url)  # type: ignore[attr-defined]
        if not url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")):
            outside.append(url)

    page = browser.new_page(viewport={"width": 1440, "height": 1000})  # type: ignore[attr-defined]
    page.on("request", watch)
    page.goto(demo.url)
    page.wait_for_selector("input[type=password]", timeout=60_000)
    page.get_by_label("Tên đăng nhập").fill("bientap")
    page.get_by_label("Mật khẩu").fill(demo.accounts["bientap"])
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_selector("[data-testid=stSidebarNav]", timeout=60_000)
    settle(page)
    for title in ("Duyệt bài", "Xưởng media", "Chiến dịch", "Thống kê", "Lịch"):
        open_page(page, title)
    assert outside == [], outside
    page.close()
