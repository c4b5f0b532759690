"""The public page in a real browser with JavaScript off: the countdown and the posts are
there, the image has its alt text, nothing was fetched from elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from publisher.api.server import run_in_thread

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs /usr/bin/chromium"),
]


def test_the_campaign_page_reads_without_javascript(world, clock, monkeypatch):
    from playwright.sync_api import sync_playwright

    api = run_in_thread(port=0, clock=clock)
    monkeypatch.setenv("PUBLISHER_PUBLIC_URL", api.url)
    requested: list[str] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            context = browser.new_context(
                java_script_enabled=False, viewport={"width": 390, "height": 844}
            )
            page = context.new_page()
            page.on("request", lambda r: requested.append(r.url))
            response = page.goto(f"{api.url}/p/campaign/ngay-cds/2026")
            assert response is not None and response.status == 200
            countdown = page.locator("header .countdown").inner_text()
            headings = page.locator("article h3").all_inner_texts()
            alt = page.locator("article img").first.get_attribute("alt")
            browser.close()
    finally:
        api.stop()
    assert countdown == "Còn 9 ngày đến Ngày Chuyển đổi số quốc gia 10/10"
    assert "Hội thảo chuyển đổi số" in headings and "Tin của Sở Công Thương" in headings
    assert alt == "Ảnh hội thảo"
    assert requested and all(url.startswith(api.url) for url in requested)
