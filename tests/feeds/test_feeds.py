"""Public feeds: valid under feedparser and the W3C rules we can check offline, only public
posts, conditional requests, paging and clean answers to bad input."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import parse_qs, urlsplit

import feedparser
import jsonschema
import pytest
from lxml import etree
from sqlmodel import select

from publisher.db import session_scope
from publisher.models import Post
from tests.feeds.conftest import BASE, SECRETS, T0, add_post

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
SCOPES = ("province", "unit/so-khcn", "theme/cds", "campaign/ngay-cds/2026")
FORMATS = ("atom", "rss", "json")


def get_feed(client, path: str, fmt: str, **kw):
    return client.get(f"/feeds/{path}.{fmt}", **kw)


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("fmt", ("atom", "rss"))
def test_every_xml_feed_parses_without_error_in_feedparser(client, scope, fmt):
    r = get_feed(client, scope, fmt)
    assert r.status_code == 200
    parsed = feedparser.parse(r.content)
    assert parsed.version == {"atom": "atom10", "rss": "rss20"}[fmt]
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.feed.title
    assert parsed.entries, "the fixture publishes something in every scope"
    for entry in parsed.entries:
        assert entry.id and entry.link.startswith(BASE + "/")
        assert entry.get("published_parsed") or entry.get("updated_parsed")


#: JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/): its required and typed members.
#: feedparser 6.0 reads no JSON Feed, so the spec is checked with jsonschema.
JSON_FEED_SCHEMA = {
    "type": "object",
    "required": ["version", "title", "items"],
    "properties": {
        "version": {"const": "https://jsonfeed.org/version/1.1"},
        "title": {"type": "string", "minLength": 1},
        "home_page_url": {"type": "string", "pattern": "^https?://"},
        "feed_url": {"type": "string", "pattern": "^https?://"},
        "next_url": {"type": "string", "pattern": "^https?://"},
        "language": {"type": "string"},
        "authors": {"type": "array", "items": {"type": "object", "required": ["name"]}},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id"],
                "anyOf": [{"required": ["content_html"]}, {"required": ["content_text"]}],
                "properties": {
                    "id": {"type": "string", "minLength": 1},
                    "url": {"type": "string", "pattern": "^https?://"},
                    "external_url": {"type": "string", "pattern": "^https?://"},
                    "date_published": {"type": "string", "pattern": RFC3339.pattern},
                    "date_modified": {"type": "string", "pattern": RFC3339.pattern},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "attachments": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["url", "mime_type"],
                            "properties": {
                                "url": {"type": "string", "pattern": "^https?://"},
                                "mime_type": {"type": "string", "pattern": "^[a-z]+/[a-z0-9.+-]+$"},
                                "size_in_bytes": {"type": "integer", "minimum": 0},
                            },
                        },
                    },
                },
            },
        },
    },
}


@pytest.mark.parametrize("scope", SCOPES)
def test_every_json_feed_follows_the_json_feed_1_1_schema(client, scope):
    r = get_feed(client, scope, "json")
    assert r.status_code == 200
    doc = r.json()
    jsonschema.validate(doc, JSON_FEED_SCHEMA)
    assert doc["items"]


def _absolute(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def test_the_atom_feed_follows_the_rfc_4287_rules(client):
    r = get_feed(client, "unit/so-khcn", "atom")
    assert r.headers["content-type"].startswith("application/atom+xml")
    root = etree.fromstring(r.content)
    assert root.tag == ATOM + "feed"
    for name in ("id", "title", "updated", "author"):
        assert root.find(ATOM + name) is not None, name
    assert RFC3339.match(root.findtext(ATOM + "updated"))
    self_links = [ln for ln in root.findall(ATOM + "link") if ln.get("rel") == "self"]
    assert len(self_links) == 1 and _absolute(self_links[0].get("href"))
    ids = []
    for entry in root.findall(ATOM + "entry"):
        ids.append(entry.findtext(ATOM + "id"))
        assert entry.findtext(ATOM + "id").startswith("tag:tin.dongnai.example,")
        assert entry.findtext(ATOM + "title")
        for name in ("updated", "published"):
            assert RFC3339.match(entry.findtext(ATOM + name)), name
        links = entry.findall(ATOM + "link")
        alternates = [ln for ln in links if ln.get("rel") == "alternate"]
        assert len(alternates) == 1
        for ln in links:
            assert _absolute(ln.get("href"))
            if ln.get("rel") == "enclosure":
                assert ln.get("type") and ln.get("length", "").isdigit()
    assert len(ids) == len(set(ids)) == 2


def test_enclosures_are_served_with_their_declared_length_and_type(client):
    root = etree.fromstring(get_feed(client, "unit/so-khcn", "atom").content)
    enclosures = [ln for ln in root.iter(ATOM + "link") if ln.get("rel") == "enclosure"]
    assert len(enclosures) == 1
    url = enclosures[0].get("href")
    got = client.get(url.removeprefix(BASE))
    assert got.status_code == 200
    assert got.headers["content-type"] == enclosures[0].get("type") == "image/png"
    assert (
        int(got.headers["content-length"]) == len(got.content) == int(enclosures[0].get("length"))
    )
    rss = etree.fromstring(get_feed(client, "unit/so-khcn", "rss").content)
    enclosure = rss.find("channel/item/enclosure")
    assert enclosure is not None and enclosure.get("url") == url
    assert enclosure.get("length") == str(len(got.content))


def test_the_rss_feed_has_the_required_elements_and_rfc_822_dates(client):
    root = etree.fromstring(get_feed(client, "unit/so-khcn", "rss").content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    for name in ("title", "link", "description"):
        assert channel.findtext(name), name
    guids = []
    for item in channel.findall("item"):
        assert item.findtext("title") and _absolute(item.findtext("link"))
        guid = item.find("guid")
        assert guid.get("isPermaLink") == "false"
        guids.append(guid.text)
        assert parsedate_to_datetime(item.findtext("pubDate")).tzinfo is not None
    assert len(guids) == len(set(guids)) == 2


def test_the_json_feed_is_version_1_1_with_attachments(client):
    r = get_feed(client, "unit/so-khcn", "json")
    assert r.headers["content-type"].startswith("application/feed+json")
    doc = json.loads(r.content)
    assert doc["version"] == "https://jsonfeed.org/version/1.1"
    assert doc["feed_url"] == f"{BASE}/feeds/unit/so-khcn.json"
    assert _absolute(doc["home_page_url"])
    ids = [item["id"] for item in doc["items"]]
    assert len(ids) == len(set(ids)) == 2
    for item in doc["items"]:
        assert RFC3339.match(item["date_published"]) and _absolute(item["url"])
        assert item["content_html"] and item["content_text"]
    with_media = [i for i in doc["items"] if i.get("attachments")]
    assert with_media[0]["attachments"][0]["mime_type"] == "image/png"
    assert with_media[0]["image"] == with_media[0]["attachments"][0]["url"]


def test_an_entry_keeps_its_id_across_feeds_and_formats(client):
    unit = feedparser.parse(get_feed(client, "unit/so-khcn", "atom").content)
    campaign = feedparser.parse(get_feed(client, "campaign/ngay-cds/2026", "rss").content)
    shared = {e.id for e in unit.entries} & {e.id for e in campaign.entries}
    assert len(shared) == 1


@pytest.mark.parametrize("path", [f"/feeds/{s}.{f}" for s in SCOPES for f in FORMATS])
def test_no_draft_internal_classified_or_unsent_post_appears_in_any_feed(client, path):
    body = client.get(path).content.decode()
    for secret in SECRETS:
        assert secret not in body


def test_a_unit_feed_shows_only_that_unit(client):
    body = get_feed(client, "unit/so-khcn", "json").content.decode()
    assert "Công Thương" not in body
    other = get_feed(client, "unit/so-cong-thuong", "json").json()
    assert [i["content_text"] for i in other["items"]] == ["Tin của Sở Công Thương"]


def test_media_of_a_post_that_is_not_public_is_not_served(client, world):
    from publisher.models import PostMedia

    with session_scope() as s:
        draft = s.get(Post, world.draft_id)
        s.add(PostMedia(post_id=draft.id, asset_id=world.image.id))
    # Still public through the published post; an unknown or mismatched name is not.
    url = f"/media/{world.image.id}/{world.image.sha256[:16]}.png"
    assert client.get(url).status_code == 200
    assert client.get(f"/media/{world.image.id}/0000000000000000.png").status_code == 404
    assert client.get(f"/media/{world.image.id}/{world.image.sha256[:4]}.png").status_code == 404
    with session_scope() as s:
        published = s.exec(select(PostMedia).where(PostMedia.post_id == world.public_ids[0])).one()
        s.delete(published)
    assert client.get(url).status_code == 404


def test_links_in_the_text_become_tracked_links_of_the_feed(client):
    doc = get_feed(client, "unit/so-khcn", "json").json()
    text = next(i["content_text"] for i in doc["items"] if "Hội thảo" in i["content_text"])
    code = re.search(re.escape(BASE) + r"/l/([A-Za-z0-9-]+)", text).group(1)
    assert text.endswith(".")  # the full stop after the link stays outside it
    again = get_feed(client, "unit/so-khcn", "atom").content.decode()
    assert f"/l/{code}" in again  # made once, reused
    r = client.get(f"/l/{code}", follow_redirects=False)
    assert r.status_code == 302
    target = urlsplit(r.headers["location"])
    assert target.netloc == "khcn.example.org"
    assert parse_qs(target.query)["utm_source"] == ["feed"]


def test_a_matching_etag_answers_304_without_a_body(client):
    first = get_feed(client, "unit/so-khcn", "atom")
    etag = first.headers["etag"]
    again = get_feed(client, "unit/so-khcn", "atom", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    other = get_feed(client, "unit/so-khcn", "rss", headers={"If-None-Match": etag})
    assert other.status_code == 200


def test_a_change_to_a_published_post_changes_the_etag(client, world):
    etag = get_feed(client, "unit/so-khcn", "atom").headers["etag"]
    with session_scope() as s:
        post = s.get(Post, world.public_ids[0])
        post.title = "Hội thảo chuyển đổi số (cập nhật)"
        post.updated_at = T0 + timedelta(days=5)
        s.add(post)
    r = get_feed(client, "unit/so-khcn", "atom", headers={"If-None-Match": etag})
    assert r.status_code == 200 and r.headers["etag"] != etag
    assert "(cập nhật)" in r.content.decode()


def test_if_modified_since_answers_304_when_nothing_changed_since(client):
    first = get_feed(client, "unit/so-khcn", "rss")
    changed = parsedate_to_datetime(first.headers["last-modified"])
    later = format_datetime(changed + timedelta(hours=1), usegmt=True)
    assert (
        get_feed(client, "unit/so-khcn", "rss", headers={"If-Modified-Since": later}).status_code
        == 304
    )
    earlier = format_datetime(changed - timedelta(hours=1), usegmt=True)
    assert (
        get_feed(client, "unit/so-khcn", "rss", headers={"If-Modified-Since": earlier}).status_code
        == 200
    )


@pytest.mark.parametrize(
    "value",
    ["yesterday", "Sun, 99 Foo 2026 25:61:00 GMT", "", "0", "Mon, 01 Jan 10000 00:00:00 GMT"],
)
def test_a_malformed_if_modified_since_is_ignored(client, value):
    r = get_feed(client, "unit/so-khcn", "atom", headers={"If-Modified-Since": value})
    assert r.status_code == 200 and r.content.startswith(b"<?xml")


def test_head_answers_like_get_without_a_body(client):
    got = get_feed(client, "unit/so-khcn", "atom")
    head = client.head("/feeds/unit/so-khcn.atom")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == got.headers["etag"]
    assert client.head("/p/unit/so-khcn").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/unit/khong-co.atom",
        "/feeds/theme/am-nhac.rss",
        "/feeds/campaign/khong-co/2026.json",
        "/feeds/campaign/ngay-cds/abcd.json",
        "/feeds/campaign/ngay-cds/1800.json",
        "/feeds/unit/so-khcn.xml",
        "/feeds/unit/so-khcn",
        "/feeds/tinh.atom",
        "/p/unit/khong-co",
        "/p/post/999999",
        "/p/campaign/ngay-cds/20266",
        "/embed/unit/khong-co",
        "/media/abc/def.png",
    ],
)
def test_unknown_things_are_a_short_vietnamese_404(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert "Không tìm thấy" in r.text and "Traceback" not in r.text
    assert len(r.content) < 400


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "99999999999", "１"])
def test_a_bad_page_number_is_a_400(client, page):
    r = client.get(f"/feeds/unit/so-khcn.atom?page={page}")
    assert r.status_code == 400 and "Số trang không hợp lệ" in r.text


def test_a_page_past_the_last_is_a_404(client):
    assert client.get("/feeds/unit/so-khcn.atom?page=2").status_code == 404
    assert client.get("/feeds/unit/so-khcn.atom?page=9999").status_code == 404
    assert client.get("/p/unit/so-khcn?page=50").status_code == 404


def test_long_feeds_are_paged_with_rfc_5005_links(client, world):
    for i in range(35):
        add_post(world.office, "fb", f"Tin số {i}", sent_at=T0 + timedelta(hours=i + 1))
    first = feedparser.parse(get_feed(client, "unit/so-khcn", "atom").content)
    rels = {ln.rel: ln.href for ln in first.feed.links}
    assert rels["next"] == f"{BASE}/feeds/unit/so-khcn.atom?page=2"
    assert rels["last"] == f"{BASE}/feeds/unit/so-khcn.atom?page=2"
    assert "previous" not in rels and len(first.entries) == 30
    second_raw = client.get("/feeds/unit/so-khcn.atom?page=2")
    second = feedparser.parse(second_raw.content)
    rels2 = {ln.rel: ln.href for ln in second.feed.links}
    assert rels2["previous"] == f"{BASE}/feeds/unit/so-khcn.atom" and "next" not in rels2
    assert len(second.entries) == 37 - 30
    ids = {e.id for e in first.entries} | {e.id for e in second.entries}
    assert len(ids) == 37
    rss = etree.fromstring(client.get("/feeds/unit/so-khcn.rss").content)
    assert rss.find(f"channel/{ATOM}link[@rel='next']") is not None
    assert client.get("/feeds/unit/so-khcn.json").json()["next_url"].endswith("?page=2")


def test_the_newest_publication_comes_first(client, world):
    add_post(world.office, "fb", "Tin mới nhất", sent_at=T0 + timedelta(days=3))
    doc = client.get("/feeds/unit/so-khcn.json").json()
    dates = [datetime.fromisoformat(i["date_published"]) for i in doc["items"]]
    assert dates == sorted(dates, reverse=True)
    assert doc["items"][0]["content_text"] == "Tin mới nhất"


def test_a_stamp_is_reused_within_its_interval_and_queried_again_after(world, monkeypatch):
    from publisher.services.publishing import feeds

    monkeypatch.setattr(feeds, "STAMP_SECONDS", 3600.0)
    opened = []

    def opener():
        opened.append(1)
        return session_scope()

    scope = feeds.Scope("unit", "so-khcn")
    first = feeds.current(opener, scope)[1]
    add_post(world.office, "fb", "Tin thêm", sent_at=T0 + timedelta(days=9))
    assert feeds.current(opener, scope)[1] == first and len(opened) == 1
    monkeypatch.setattr(feeds, "STAMP_SECONDS", 0.0)
    feeds.clear_stamps()
    assert feeds.current(opener, scope)[1].count == first.count + 1


def test_answers_from_the_caches_match_the_first_answers(client, monkeypatch):
    from publisher.services.publishing import feeds

    monkeypatch.setattr(feeds, "STAMP_SECONDS", 3600.0)
    for path in ("/feeds/unit/so-khcn.atom", "/p/campaign/ngay-cds/2026", "/embed/unit/so-khcn"):
        first, second = client.get(path), client.get(path)  # the second from the caches
        assert second.status_code == 200 and second.content == first.content
        assert second.headers["etag"] == first.headers["etag"]
        again = client.get(path, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304
    assert client.get("/feeds/unit/so-khcn.atom?page=0").status_code == 400
    assert client.get("/feeds/unit/so-khcn.atom?page=3").status_code == 404
    assert client.get("/p/unit/so-khcn?page=x").status_code == 400
