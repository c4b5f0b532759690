"""The demo's province has something in its feeds and pages (docs/feeds.md lists the URLs)."""

from __future__ import annotations

import feedparser
import pytest
from starlette.testclient import TestClient

from connectors.sandbox import SandboxHandle
from publisher.api import create_app
from publisher.config import get_settings
from publisher.db import session_scope
from publisher.services.insight import public_links, public_pages
from publisher.services.operations import history
from publisher.services.publishing import feed_render
from tests.conftest import DB
from tests.factories import make_office


@pytest.fixture
def demo(sqlite_db: DB, sandbox: SandboxHandle, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setenv("PUBLISHER_ALLOW_PRIVATE_WEBHOOKS", "1")
    monkeypatch.setenv("PUBLISHER_PUBLIC_URL", "http://127.0.0.1:8780")
    get_settings.cache_clear()
    feed_render.clear_cache()
    public_pages.clear_cache()
    office = make_office("so-khcn")
    with session_scope() as s:
        history.seed_history(s, office.org.id or 0, sandbox.url)
    return TestClient(create_app())


def test_every_demo_unit_and_campaign_feed_listed_has_posts(demo: TestClient) -> None:
    with session_scope() as s:
        listed = public_links.catalogue(s)
    with_posts = 0
    for entry in listed["units"] + listed["campaigns"] + [listed["province"]]:
        path = entry["atom"].removeprefix(listed["base_url"])
        parsed = feedparser.parse(demo.get(path).content)
        assert parsed.bozo == 0
        with_posts += bool(parsed.entries)
    assert feedparser.parse(demo.get("/feeds/province.atom").content).entries
    assert with_posts >= 6  # the province's units and the national days' campaigns
    page = demo.get("/p/unit/so-cong-thuong")
    assert page.status_code == 200 and page.text.count("<article") >= 5
