"""Public pages and embeds: Vietnamese, accessible, self-contained (no script, no cookie, nothing
from elsewhere), cacheable, linking their feeds; results only once the coordinator publishes."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from typer.testing import CliRunner

from publisher.cli import app
from publisher.db import session_scope
from publisher.errors import PermissionDenied
from publisher.services.insight import public_links, results
from tests.feeds.conftest import BASE, SECRETS


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def find(self, tag: str, **want: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in want.items())]


def parse(body: str) -> Tags:
    tags = Tags()
    tags.feed(body)
    return tags


PAGES = ("/p/unit/so-khcn", "/p/campaign/ngay-cds/2026", "/p/province", "/p/theme/cds")
EMBEDS = ("/embed/unit/so-khcn", "/embed/campaign/ngay-cds/2026")


@pytest.mark.parametrize("path", PAGES + EMBEDS)
def test_a_page_is_vietnamese_self_contained_and_cacheable(client, path):
    r = client.get(path)
    assert r.status_code == 200
    body = r.text
    tags = parse(body)
    assert tags.find("html", lang="vi")
    assert tags.find("main") and tags.find("h1") and tags.find("header")
    assert not tags.find("script") and "set-cookie" not in r.headers
    for tag, attrs in tags.tags:
        for key in ("src", "href"):
            url = attrs.get(key)
            if url and tag in ("img", "video", "link", "script", "iframe", "source"):
                assert url.startswith(BASE + "/"), f"{tag} {key}={url} leaves the site"
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert re.search(r"style-src 'sha256-[A-Za-z0-9+/=]+'", csp)
    assert r.headers["cache-control"].startswith("public") and r.headers["etag"]
    for secret in SECRETS:
        assert secret not in body


@pytest.mark.parametrize("path", PAGES)
def test_a_page_links_its_three_feeds(client, path):
    tags = parse(client.get(path).text)
    alternates = {a["type"]: a["href"] for a in tags.find("link", rel="alternate")}
    scope = path.removeprefix("/p/")
    assert alternates == {
        "application/atom+xml": f"{BASE}/feeds/{scope}.atom",
        "application/rss+xml": f"{BASE}/feeds/{scope}.rss",
        "application/feed+json": f"{BASE}/feeds/{scope}.json",
    }
    for href in alternates.values():
        assert client.get(urlsplit(href).path).status_code == 200


def test_the_campaign_page_counts_down_to_its_day_as_text(client):
    # The test clock is 01/10/2026 07:00 in Vietnam: nine days to 10/10.
    body = client.get("/p/campaign/ngay-cds/2026").text
    assert "Còn 9 ngày đến Ngày Chuyển đổi số quốc gia 10/10" in body
    assert "Hội thảo chuyển đổi số" in body and "Tin của Sở Công Thương" in body


def test_the_unit_page_counts_down_to_the_next_national_day(client):
    body = client.get("/p/unit/so-khcn").text
    assert "Hôm nay là Ngày hội Đổi mới sáng tạo quốc gia 01/10" in body
    assert "Tin của Sở Công Thương" not in body


def test_images_carry_their_alt_text_and_open_graph_tags_are_there(client):
    tags = parse(client.get("/p/unit/so-khcn").text)
    images = tags.find("img")
    assert images and all(img["alt"] == "Ảnh hội thảo" for img in images)
    og = {a["property"]: a["content"] for a in tags.find("meta") if a.get("property")}
    assert og["og:title"] == "Đơn vị so-khcn"
    assert og["og:url"] == f"{BASE}/p/unit/so-khcn" and og["og:locale"] == "vi_VN"
    assert og["og:image"].startswith(f"{BASE}/media/") and og["og:image:alt"] == "Ảnh hội thảo"


def test_a_published_post_has_its_own_page_and_a_draft_does_not(client, world):
    r = client.get(f"/p/post/{world.public_ids[0]}")
    assert r.status_code == 200 and "Hội thảo chuyển đổi số" in r.text
    for hidden in (world.draft_id, world.internal_id, world.classified_id, world.scheduled_id):
        assert client.get(f"/p/post/{hidden}").status_code == 404


def test_the_embed_may_be_framed_and_the_page_only_by_itself(client):
    embed = client.get("/embed/unit/so-khcn")
    assert "frame-ancestors *" in embed.headers["content-security-policy"]
    assert "x-frame-options" not in embed.headers
    page = client.get("/p/unit/so-khcn")
    assert "frame-ancestors 'self'" in page.headers["content-security-policy"]


def test_a_page_answers_304_to_its_etag(client):
    etag = client.get("/embed/unit/so-khcn").headers["etag"]
    again = client.get("/embed/unit/so-khcn", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""


def test_results_appear_only_once_the_coordinator_publishes_them(client, world):
    assert "Kết quả năm 2026" not in client.get("/p/campaign/ngay-cds/2026").text
    with session_scope() as s:
        with pytest.raises(PermissionDenied):
            results.publish(s, world.office.actor("officer"), "ngay-cds", 2026)
        value = results.publish(s, world.office.actor("coordinator"), "ngay-cds", 2026)
    assert value["figures"]["posts"] == 2
    body = client.get("/p/campaign/ngay-cds/2026").text
    assert "Kết quả năm 2026" in body and "đơn vị tham gia" in body
    with session_scope() as s:
        assert results.withdraw(s, world.office.actor("coordinator"), "ngay-cds", 2026)
    assert "Kết quả năm 2026" not in client.get("/p/campaign/ngay-cds/2026").text


def test_an_officer_gets_the_unit_links_and_a_ready_embed_snippet(world):
    with session_scope() as s:
        links = public_links.links_for_unit(s, world.office.actor("officer"))
    assert links["atom"] == f"{BASE}/feeds/unit/so-khcn.atom"
    assert links["snippet"].startswith(f'<iframe src="{BASE}/embed/unit/so-khcn"')
    with session_scope() as s, pytest.raises(PermissionDenied):
        public_links.links_for_unit(s, world.other.actor("officer"), world.office.org.id)


def test_publisher_feeds_json_lists_every_unit_and_campaign_year(world):
    out = CliRunner().invoke(app, ["feeds", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    units = {u["slug"]: u for u in data["units"]}
    assert units["so-khcn"]["rss"] == f"{BASE}/feeds/unit/so-khcn.rss"
    assert units["so-khcn"]["page"] == f"{BASE}/p/unit/so-khcn"
    campaigns = {(c["slug"], c["year"]): c for c in data["campaigns"]}
    assert campaigns[("ngay-cds", 2026)]["json"] == f"{BASE}/feeds/campaign/ngay-cds/2026.json"
    assert {t["theme"] for t in data["themes"]} == {"khcn", "dmst", "cds"}


def test_results_cli_refuses_an_unknown_campaign_in_one_line(world):
    out = CliRunner().invoke(
        app, ["results", "publish", "--campaign", "khong-co", "--year", "2026"]
    )
    assert out.exit_code == 1 and "Traceback" not in out.output
    ok = CliRunner().invoke(
        app, ["results", "publish", "--campaign", "ngay-cds", "--year", "2026", "--json"]
    )
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["figures"]["posts"] == 2


def test_feeds_json_from_another_terminal_uses_the_demos_real_api_address(world, monkeypatch):
    """QA: `publisher feeds --json` printed port 8780 while the demo's api ran on another
    port. Without PUBLISHER_PUBLIC_URL it uses the address the demo recorded; the variable,
    when set, still wins."""
    from publisher.services.operations import sandbox

    monkeypatch.delenv("PUBLISHER_PUBLIC_URL")
    with session_scope() as s:
        sandbox.set_api_url(s, "http://127.0.0.1:8791/")
    out = CliRunner().invoke(app, ["feeds", "--json"])
    assert out.exit_code == 0, out.output
    units = {u["slug"]: u for u in json.loads(out.stdout)["units"]}
    assert units["so-khcn"]["atom"] == "http://127.0.0.1:8791/feeds/unit/so-khcn.atom"
    monkeypatch.setenv("PUBLISHER_PUBLIC_URL", BASE)
    out = CliRunner().invoke(app, ["feeds", "--json"])
    units = {u["slug"]: u for u in json.loads(out.stdout)["units"]}
    assert units["so-khcn"]["atom"] == f"{BASE}/feeds/unit/so-khcn.atom"
