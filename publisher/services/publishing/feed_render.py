"""Writing the feeds of :mod:`.feeds`: Atom and RSS 2.0 with feedgen, JSON Feed 1.1 as plain
JSON (its whole format is a dozen keys; no library is needed).

Identifiers are ``tag:`` URIs (RFC 4151) from the public host and the post's creation date,
so an entry keeps its id whatever page or feed it appears on. Paged feeds (RFC 5005) link
``first``/``last``/``previous``/``next``; RSS carries them as ``atom:link``.
"""

from __future__ import annotations

import html
import json
import re
import threading
from datetime import UTC, datetime
from urllib.parse import urlsplit

from cachetools import LRUCache
from feedgen.feed import FeedGenerator
from lxml import etree
from sqlmodel import Session

from publisher.errors import NotFound
from publisher.services.publishing import links
from publisher.services.publishing.feeds import (
    FORMATS,
    FeedDoc,
    PublicPost,
    Resolved,
    Scope,
    Stamp,
    base_url,
    clear_stamps,
    etag_for,
    feed_urls,
    media_url,
    public_posts,
)

ATOM_NS = "http://www.w3.org/2005/Atom"
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
_URL = re.compile(r"https?://[^\s<>\"']+")


#: Characters XML 1.0 does not allow (C0 controls but tab and newlines, U+FFFE/FFFF, lone
#: surrogates): text pasted from office documents carries some; lxml refuses them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 does not allow. Raises nothing."""
    return _NOT_XML.sub("", text or "")


def theme_label(theme: str) -> str:
    from publisher.i18n import t

    return t(f"topic.theme.{theme}", "vi")


def tag_uri(base: str, when: datetime, path: str) -> str:
    host = urlsplit(base).hostname or "localhost"
    return f"tag:{host},{when.date().isoformat()}:{path}"


def post_title(post: PublicPost) -> str:
    if post.post.title.strip():
        return post.post.title.strip()
    first = (post.post.text.strip().splitlines() or [""])[0]
    return first if len(first) <= 90 else first[:89].rstrip() + "…"


def post_text(session: Session, item: PublicPost, base: str) -> str:
    """The post's text with tracked links (when tracking is enabled)."""
    return links.rewrite_for_feed(item.post.id, item.post.text, base)


def text_html(text: str) -> str:
    """Plain text as HTML paragraphs, links clickable, everything else escaped."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    out = []
    for para in paragraphs:
        parts, last = [], 0
        for m in _URL.finditer(para):
            url = m.group(0).rstrip(".,;:!?…)")
            parts.append(html.escape(para[last : m.start()]))
            parts.append(f'<a href="{html.escape(url)}">{html.escape(url)}</a>')
            last = m.start() + len(url)
        parts.append(html.escape(para[last:]))
        out.append("<p>" + "".join(parts).replace("\n", "<br>") + "</p>")
    return "".join(out)


def post_url(base: str, item: PublicPost) -> str:
    return f"{base}/p/post/{item.post.id}"


def _page_links(base: str, scope: Scope, fmt: str, page: int, st: Stamp) -> dict[str, str]:
    url = f"{base}/feeds/{scope.path}.{fmt}"
    rels = {"self": url if page == 1 else f"{url}?page={page}", "first": url}
    if st.pages > 1:
        rels["last"] = f"{url}?page={st.pages}"
    if page > 1:
        rels["previous"] = url if page == 2 else f"{url}?page={page - 1}"
    if page < st.pages:
        rels["next"] = f"{url}?page={page + 1}"
    return rels


def render(
    session: Session,
    resolved: Resolved,
    fmt: str,
    page: int,
    st: Stamp,
    items: list[PublicPost],
    base: str,
) -> bytes:
    """The feed document in ``fmt`` (atom | rss | json). Raises nothing of its own."""
    if fmt == "json":
        return _json(session, resolved, page, st, items, base)
    return _xml(session, resolved, fmt, page, st, items, base)


def _xml(
    session: Session,
    resolved: Resolved,
    fmt: str,
    page: int,
    st: Stamp,
    items: list[PublicPost],
    base: str,
) -> bytes:
    scope = resolved.scope
    rels = _page_links(base, scope, fmt, page, st)
    fg = FeedGenerator()
    fg.id(tag_uri(base, _EPOCH, f"feeds/{scope.path}"))
    fg.title(xml_text(resolved.title))
    fg.subtitle(xml_text(resolved.subtitle or resolved.title))
    fg.language("vi")
    fg.updated(st.changed or _EPOCH)
    fg.lastBuildDate(st.changed or _EPOCH)
    fg.generator("R57 Publisher")
    fg.author({"name": xml_text(resolved.org.name if resolved.org else resolved.title)})
    page_url = feed_urls(base, scope)["page"]
    for rel, href in rels.items():
        kind = "application/atom+xml" if fmt == "atom" else "application/rss+xml"
        fg.link(href=href, rel=rel, type=kind)
    # RSS's channel <link> is the page (feedgen takes the last alternate link for it).
    fg.link(href=page_url, rel="alternate", type="text/html")
    entry_links: dict[str, list[dict[str, str]]] = {}
    for item in reversed(items):  # feedgen prepends: newest ends first
        fe = fg.add_entry()
        assert item.post.id is not None
        uri = tag_uri(base, item.post.created_at, f"post/{item.post.id}")
        fe.id(uri)
        fe.guid(uri, permalink=False)
        fe.title(xml_text(post_title(item)))
        alternate = {"href": post_url(base, item), "rel": "alternate", "type": "text/html"}
        fe.link(**alternate)
        entry_links[uri] = [alternate]
        fe.published(item.published)
        fe.updated(item.updated)
        if fmt == "atom":  # RSS's <author> must be an e-mail address: none is published
            fe.author({"name": xml_text(item.org.name)})
        for theme in item.themes:
            fe.category(term=theme, label=theme_label(theme))
        body = xml_text(text_html(post_text(session, item, base)))
        if fmt == "atom":
            fe.content(body, type="html")
        else:
            fe.description(body)
        # RSS 2.0 takes one enclosure per item (the first medium); Atom takes them all.
        for asset in item.media if fmt == "atom" else item.media[:1]:
            href = media_url(base, asset)
            enclosure = {"href": href, "rel": "enclosure", "type": asset.mime}
            fe.link(length=str(asset.bytes), **enclosure)
            entry_links[uri].append({**enclosure, "length": str(asset.bytes)})
    if fmt == "atom":
        return _atom_entry_links(fg.atom_str(pretty=False), entry_links)
    return _rss_paging(fg.rss_str(pretty=False), rels)


def _atom_entry_links(body: bytes, entry_links: dict[str, list[dict[str, str]]]) -> bytes:
    """feedgen 1.0.0 writes an Atom entry's links with their ``href`` only (it drops ``rel``,
    ``type`` and ``length``: an enclosure would read as a second alternate link); they are
    written again here, whole."""
    root = etree.fromstring(body)
    for entry in root.iterfind(f"{{{ATOM_NS}}}entry"):
        uri = entry.findtext(f"{{{ATOM_NS}}}id") or ""
        for old in entry.findall(f"{{{ATOM_NS}}}link"):
            entry.remove(old)
        for attrs in entry_links.get(uri, []):
            etree.SubElement(entry, f"{{{ATOM_NS}}}link", attrib=attrs)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _rss_paging(body: bytes, rels: dict[str, str]) -> bytes:
    """RSS 2.0 keeps only ``atom:link rel=self``; the RFC 5005 links are added here."""
    root = etree.fromstring(body)
    channel = root.find("channel")
    assert channel is not None
    first_item = channel.find("item")
    for rel, href in rels.items():
        if rel == "self":
            continue
        link = etree.Element(f"{{{ATOM_NS}}}link")
        link.attrib.update({"href": href, "rel": rel, "type": "application/rss+xml"})
        if first_item is not None:
            first_item.addprevious(link)
        else:
            channel.append(link)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _json(
    session: Session,
    resolved: Resolved,
    page: int,
    st: Stamp,
    items: list[PublicPost],
    base: str,
) -> bytes:
    scope = resolved.scope
    rels = _page_links(base, scope, "json", page, st)
    doc: dict[str, object] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": resolved.title,
        "home_page_url": feed_urls(base, scope)["page"],
        "feed_url": rels["self"],
        "description": resolved.subtitle or resolved.title,
        "language": "vi",
        "authors": [{"name": resolved.org.name if resolved.org else resolved.title}],
        "items": [],
    }
    if "next" in rels:
        doc["next_url"] = rels["next"]
    out: list[dict[str, object]] = []
    for item in items:
        text = post_text(session, item, base)
        entry: dict[str, object] = {
            "id": tag_uri(base, item.post.created_at, f"post/{item.post.id}"),
            "url": post_url(base, item),
            "title": post_title(item),
            "content_html": text_html(text),
            "content_text": text,
            "date_published": item.published.isoformat(),
            "date_modified": item.updated.isoformat(),
            "authors": [{"name": item.org.name}],
            "language": "vi",
        }
        if item.themes:
            entry["tags"] = list(item.themes)
        if item.post.link:
            entry["external_url"] = links.rewrite_for_feed(item.post.id, item.post.link, base)
        if item.media:
            entry["attachments"] = [
                {"url": media_url(base, a), "mime_type": a.mime, "size_in_bytes": a.bytes}
                for a in item.media
            ]
            images = [a for a in item.media if a.kind == "image"]
            if images:
                entry["image"] = media_url(base, images[0])
        out.append(entry)
    doc["items"] = out
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


_cache: LRUCache[tuple[str, str, int, str], FeedDoc] = LRUCache(maxsize=512)
_rendering: LRUCache[tuple[str, str, int, str], threading.Lock] = LRUCache(maxsize=512)
_lock = threading.Lock()


def clear_cache() -> None:
    """Forget rendered feeds and stamps (tests; a restored backup)."""
    clear_stamps()
    with _lock:
        _cache.clear()


def cached(resolved: Resolved, fmt: str, page: int, st: Stamp, base: str) -> FeedDoc | None:
    """The rendered feed when the cache holds it for this stamp (no database). Raises
    nothing."""
    key = (resolved.scope.path, fmt, page, base.rstrip("/"))
    with _lock:
        doc = _cache.get(key)
    etag = etag_for(resolved.scope, fmt, page, base.rstrip("/"), st)
    return doc if doc is not None and doc.etag == etag else None


def feed(
    session: Session, resolved: Resolved, fmt: str, page: int, st: Stamp, base: str | None = None
) -> FeedDoc:
    """The feed document (cached by its ETag). Raises :class:`NotFound` for a page past the
    last one (page 1 always exists, empty when nothing is published) or an unknown format."""
    if fmt not in FORMATS:
        raise NotFound("feeds.error.unknown")
    if page > st.pages:
        raise NotFound("feeds.error.no_page")
    base = (base or base_url()).rstrip("/")
    doc = cached(resolved, fmt, page, st, base)
    if doc is not None:
        return doc
    key = (resolved.scope.path, fmt, page, base)
    with _lock:
        render_lock = _rendering.get(key)
        if render_lock is None:
            render_lock = _rendering[key] = threading.Lock()
    with render_lock:  # concurrent misses render once; the others take its result
        doc = cached(resolved, fmt, page, st, base)
        if doc is not None:
            return doc
        items = public_posts(session, resolved, page)
        body = render(session, resolved, fmt, page, st, items, base)
        etag = etag_for(resolved.scope, fmt, page, base, st)
        doc = FeedDoc(body, FORMATS[fmt], etag, st.changed)
        with _lock:
            _cache[key] = doc
    return doc
