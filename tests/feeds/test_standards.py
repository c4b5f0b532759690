"""The W3C feed validator's rules we can check offline (RFC 4287, RSS 2.0, JSON Feed 1.1,
RFC 5005 paging, HTML escaping, media types with their charset), on hostile text too."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import feedparser
from lxml import etree
from lxml import html as lxml_html

from tests.feeds.conftest import BASE, T0, add_post

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE_TITLE = 'Tin "A" & <B> ]]> <script>alert(1)</script>'
HOSTILE_TEXT = "Dòng\x0b có ký tự\x1f điều khiển & <i>thẻ</i> https://x.example/a?b=1&c=2"
RFC822 = re.compile(r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$")


def _hostile(world) -> int:
    return add_post(
        world.office,
        "fb",
        HOSTILE_TEXT,
        title=HOSTILE_TITLE,
        sent_at=T0 + timedelta(days=2),
        theme="cds",
    )


def test_hostile_text_stays_well_formed_and_escaped_in_every_format(client, world):
    _hostile(world)
    for fmt in ("atom", "rss"):
        r = client.get(f"/feeds/unit/so-khcn.{fmt}")
        assert r.status_code == 200
        etree.fromstring(r.content)  # strict XML: raises on any invalid character
        parsed = feedparser.parse(r.content)
        assert parsed.bozo == 0, parsed.get("bozo_exception")
        assert parsed.entries[0].title == HOSTILE_TITLE
        assert "<script>" not in r.text and "\x0b" not in r.text
    doc = json.loads(client.get("/feeds/unit/so-khcn.json").content)
    item = doc["items"][0]
    assert item["title"] == HOSTILE_TITLE  # JSON Feed titles are plain text
    assert "<i>" not in item["content_html"] and "&lt;i&gt;" in item["content_html"]
    assert "&amp;c=2" not in item["content_text"]
    page = client.get("/p/unit/so-khcn").text
    assert "<script>" not in page and "&lt;script&gt;" in page
    lxml_html.fromstring(page)


def test_every_answer_names_its_charset(client, world):
    paths = {
        "/feeds/unit/so-khcn.atom": "application/atom+xml; charset=utf-8",
        "/feeds/unit/so-khcn.rss": "application/rss+xml; charset=utf-8",
        "/feeds/unit/so-khcn.json": "application/feed+json; charset=utf-8",
        "/p/unit/so-khcn": "text/html; charset=utf-8",
        "/embed/unit/so-khcn": "text/html; charset=utf-8",
        "/feeds/unit/khong-co.atom": "text/plain; charset=utf-8",
        "/p/unit/khong-co": "text/html; charset=utf-8",
    }
    for path, kind in paths.items():
        assert client.get(path).headers["content-type"] == kind, path


def _paged(client, world) -> None:
    for i in range(65):  # 67 posts: three feed pages of 30
        add_post(world.office, "fb", f"Tin số {i}", sent_at=T0 + timedelta(hours=i + 1))


def test_atom_and_rss_paging_follow_rfc_5005(client, world):
    _paged(client, world)
    url = f"{BASE}/feeds/unit/so-khcn"
    root = etree.fromstring(client.get("/feeds/unit/so-khcn.atom?page=2").content)
    rels = {ln.get("rel"): ln.get("href") for ln in root.findall(ATOM + "link")}
    assert rels["self"] == f"{url}.atom?page=2"
    assert rels["first"] == f"{url}.atom" and rels["last"] == f"{url}.atom?page=3"
    assert rels["previous"] == f"{url}.atom" and rels["next"] == f"{url}.atom?page=3"
    feed_ids = {root.findtext(ATOM + "id")}
    for page in (1, 3):
        other = etree.fromstring(client.get(f"/feeds/unit/so-khcn.atom?page={page}").content)
        feed_ids.add(other.findtext(ATOM + "id"))
    assert len(feed_ids) == 1  # one logical feed across its pages
    rss = etree.fromstring(client.get("/feeds/unit/so-khcn.rss?page=3").content)
    channel = rss.find("channel")
    rss_rels = {ln.get("rel"): ln.get("href") for ln in channel.findall(ATOM + "link")}
    assert rss_rels["self"] == f"{url}.rss?page=3" and "next" not in rss_rels
    assert rss_rels["previous"] == f"{url}.rss?page=2" and rss_rels["first"] == f"{url}.rss"
    tags = [child.tag for child in channel]
    assert max(i for i, t in enumerate(tags) if t == ATOM + "link") < tags.index("item")
    last = client.get("/feeds/unit/so-khcn.json?page=3").json()
    assert "next_url" not in last and last["feed_url"] == f"{url}.json?page=3"
    page = lxml_html.fromstring(client.get("/p/unit/so-khcn?page=2").content)
    head = {ln.get("rel"): ln.get("href") for ln in page.findall(".//head/link")}
    assert head["prev"] == f"{BASE}/p/unit/so-khcn" and head["next"].endswith("?page=3")


def test_the_w3c_atom_rules(client, world):
    _hostile(world)
    root = etree.fromstring(client.get("/feeds/province.atom").content)
    feed_updated = datetime.fromisoformat(root.findtext(ATOM + "updated"))
    alternates = [
        (ln.get("type"), ln.get("hreflang"))
        for ln in root.findall(ATOM + "link")
        if ln.get("rel") == "alternate"
    ]
    assert len(alternates) == len(set(alternates)) == 1
    ids = []
    for entry in root.findall(ATOM + "entry"):
        ids.append(entry.findtext(ATOM + "id"))
        assert re.fullmatch(r"tag:[a-z0-9.-]+,\d{4}-\d{2}-\d{2}:post/\d+", ids[-1])
        updated = datetime.fromisoformat(entry.findtext(ATOM + "updated"))
        published = datetime.fromisoformat(entry.findtext(ATOM + "published"))
        assert published <= updated <= feed_updated
        assert entry.find(ATOM + "author/" + ATOM + "name").text
        content = entry.find(ATOM + "content")
        assert content.get("type") == "html"
        etree.fromstring(f"<div>{content.text}</div>".encode(), etree.HTMLParser())
        for cat in entry.findall(ATOM + "category"):
            assert cat.get("term") in ("khcn", "dmst", "cds") and cat.get("label")
    assert len(ids) == len(set(ids))


def test_the_w3c_rss_rules(client, world):
    r = client.get("/feeds/unit/so-khcn.rss")
    channel = etree.fromstring(r.content).find("channel")
    self_link = channel.find(f"{ATOM}link[@rel='self']")
    assert self_link.get("href") == f"{BASE}/feeds/unit/so-khcn.rss"
    assert self_link.get("type") == "application/rss+xml"
    assert RFC822.match(channel.findtext("lastBuildDate"))
    assert channel.findtext("language") == "vi"
    for item in channel.findall("item"):
        assert RFC822.match(item.findtext("pubDate"))
        assert parsedate_to_datetime(item.findtext("pubDate")).tzinfo is not None
        assert len(item.findall("enclosure")) <= 1  # RSS 2.0: one enclosure per item
        for enclosure in item.findall("enclosure"):
            assert enclosure.get("url").startswith(BASE + "/")
            assert int(enclosure.get("length")) > 0
            assert re.fullmatch(r"[a-z]+/[a-z0-9.+-]+", enclosure.get("type"))
        assert item.find("author") is None  # RSS's author must be an email: none is public


def test_an_entry_has_one_id_in_every_format(client):
    atom = etree.fromstring(client.get("/feeds/unit/so-khcn.atom").content)
    rss = etree.fromstring(client.get("/feeds/unit/so-khcn.rss").content)
    doc = client.get("/feeds/unit/so-khcn.json").json()
    atom_ids = [e.findtext(ATOM + "id") for e in atom.findall(ATOM + "entry")]
    rss_ids = [i.findtext("guid") for i in rss.find("channel").findall("item")]
    json_ids = [i["id"] for i in doc["items"]]
    assert atom_ids == rss_ids == json_ids and len(set(atom_ids)) == len(atom_ids)
    links = [
        e.find(f"{ATOM}link[@rel='alternate']").get("href") for e in atom.findall(ATOM + "entry")
    ]
    assert links == [i["url"] for i in doc["items"]]
