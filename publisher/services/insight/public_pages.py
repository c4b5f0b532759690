"""Public pages (server-rendered HTML, Vietnamese, no JavaScript) per unit, campaign year,
theme, the whole province and one post, and their compact embed variant for a portal's iframe.

Only what the feeds show (:mod:`publisher.services.publishing.feeds`: published public posts and
their media) and the results the coordinator published (:mod:`.results`). Self-contained: one
inline stylesheet allowed by its hash in the Content-Security-Policy, system fonts, media from
this same server; no script, no cookie, no request elsewhere. The countdown to the next national
day is text computed on the server. Pages are cached keyed by their ETag (the feed stamp, the
published results and the local date, as the countdown changes daily).
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from typing import Any

from cachetools import LRUCache
from sqlmodel import Session, select

from publisher.errors import NotFound
from publisher.i18n import t
from publisher.models import Campaign, CampaignKind
from publisher.services.insight import results
from publisher.services.publishing import feeds
from publisher.services.publishing.campaigns import occurrence_in
from publisher.services.publishing.feed_render import post_text, post_title, text_html
from publisher.timeutil import fmt_date, to_local, utcnow

PER_PAGE = 12
EMBED_POSTS = 6
_HEX = re.compile(r"#[0-9A-Fa-f]{6}")
RENDER_VERSION = "1"
Opener = Callable[[], AbstractContextManager[Session]]


@dataclass(frozen=True)
class Page:
    body: bytes
    etag: str
    csp: str


def vi(key: str, **kw: Any) -> str:
    return t(key, "vi", **kw)


def countdown(session: Session, campaign: Campaign | None, year: int | None, today: date) -> str:
    """«Còn N ngày đến <ngày> dd/mm»: the campaign's day in ``year``, or the next national day
    when no campaign is given. Empty when there is none. Raises nothing."""
    if campaign is not None and year is not None:
        on = occurrence_in(campaign, year)
        name = campaign.name
    else:
        best: tuple[date, str] | None = None
        national = select(Campaign).where(Campaign.kind == CampaignKind.NATIONAL)
        for c in session.exec(national):
            for y in (today.year, today.year + 1):
                d = occurrence_in(c, y)
                if d is not None and d >= today and (best is None or d < best[0]):
                    best = (d, c.name)
                    break
        if best is None:
            return ""
        on, name = best
    if on is None:
        return ""
    days = (on - today).days
    day = on.strftime("%d/%m")
    if days > 0:
        return vi("feeds.page.countdown", days=days, name=name, day=day)
    if days == 0:
        return vi("feeds.page.today", name=name, day=day)
    return vi("feeds.page.past", name=name, day=fmt_date(on))


_CSS = """
:root{--brand:%(brand)s;color-scheme:light}
*{box-sizing:border-box}
body{margin:0;color:#1d232b;background:#f4f5f7;
font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif}
a{color:var(--brand)}a:focus-visible{outline:3px solid #f2a900;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:6px}
header{background:var(--brand);color:#fff;padding:20px 16px}
header .org{margin:0;font-size:.9rem;opacity:.9}
header h1{margin:4px 0 0;font-size:1.6rem;line-height:1.25}
.wrap{max-width:860px;margin:0 auto}
.countdown{display:inline-block;margin:12px 0 0;padding:6px 12px;border-radius:6px;
background:#fff;color:#1d232b;font-weight:600}
main{padding:8px 16px 24px}
h2{font-size:1.2rem;margin:24px 0 8px}
.figs{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:8px;
padding:0;list-style:none}
.figs li{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:10px}
.figs b{display:block;font-size:1.4rem}
article{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:14px 16px;
margin:0 0 12px}
article h3{margin:0 0 4px;font-size:1.1rem;line-height:1.35}
.meta{margin:0 0 8px;color:#505a66;font-size:.88rem}
article p{margin:0 0 8px;overflow-wrap:anywhere}
figure{margin:8px 0}
figure img,figure video{max-width:100%%;height:auto;border-radius:6px;display:block}
figcaption{font-size:.85rem;color:#505a66}
nav.pages{display:flex;justify-content:space-between;margin:16px 0}
footer{padding:16px;color:#505a66;font-size:.88rem;border-top:1px solid #dde1e6;
background:#fff}
footer ul{display:flex;flex-wrap:wrap;gap:12px;list-style:none;padding:0;margin:4px 0 0}
.embed header{padding:10px 12px}.embed header h1{font-size:1.1rem}.embed main{padding:8px 12px}
.embed article{padding:8px 10px;display:flex;gap:10px;align-items:flex-start}
.embed article img{width:84px;height:84px;object-fit:cover;border-radius:4px;flex:none}
.embed h3{font-size:1rem}.embed .countdown{font-size:.9rem;margin-top:6px}
"""


def _style(brand: str) -> str:
    colour = brand if _HEX.fullmatch(brand or "") else "#0B3D91"
    return _CSS % {"brand": colour}


def csp_for(css: str, embed: bool) -> str:
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    frames = "*" if embed else "'self'"
    return (
        f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'self'; media-src 'self'; "
        f"base-uri 'none'; form-action 'none'; frame-ancestors {frames}"
    )


def _alternates(base: str, resolved: feeds.Resolved) -> str:
    if resolved.scope.kind == "post":
        return ""
    urls = feeds.feed_urls(base, resolved.scope)
    title = html.escape(resolved.title)
    types = (
        ("atom", "application/atom+xml"),
        ("rss", "application/rss+xml"),
        ("json", "application/feed+json"),
    )
    return "".join(
        f'<link rel="alternate" type="{mime}" title="{title} ({fmt.upper()})" href="{urls[fmt]}">'
        for fmt, mime in types
    )


def _paging(
    base: str, scope: feeds.Scope, page: int, st: feeds.Stamp, per: int, embed: bool
) -> str:
    """``<link rel="prev">``/``rel="next">`` of a paged page (HTML's link types)."""
    pages = max(1, -(-st.count // per))
    if embed or pages == 1:
        return ""
    here = f"{base}/p/{scope.path}"
    out = ""
    if page > 1:
        out += f'<link rel="prev" href="{here}' + (f'?page={page - 1}"' if page > 2 else '"') + ">"
    if page < pages:
        out += f'<link rel="next" href="{here}?page={page + 1}">'
    return out


def _figures(snapshot: dict[str, Any]) -> str:
    figs = snapshot.get("figures", {})
    order = ("posts", "units", "publications", "views", "reactions", "shares", "clicks")
    cells = "".join(
        f"<li><b>{int(figs.get(k, 0)):,}</b>{html.escape(vi('feeds.fig.' + k))}</li>".replace(
            ",", "."
        )
        for k in order
    )
    when = snapshot.get("published_at", "")[:10]
    day = f"{when[8:10]}/{when[5:7]}/{when[:4]}" if len(when) == 10 else ""
    return (
        '<section aria-labelledby="ket-qua"><h2 id="ket-qua">'
        + html.escape(vi("feeds.page.results", year=snapshot.get("year", "")))
        + f'</h2><ul class="figs">{cells}</ul><p class="meta">'
        + html.escape(vi("feeds.page.results_when", day=day))
        + "</p></section>"
    )


def _media(base: str, item: feeds.PublicPost, compact: bool) -> str:
    out = []
    for asset in item.media[:1] if compact else item.media:
        url = html.escape(feeds.media_url(base, asset))
        alt = html.escape(asset.alt_text or asset.title or "")
        size = (
            f' width="{asset.width}" height="{asset.height}"'
            if asset.width and asset.height
            else ""
        )
        if asset.kind == "image":
            img = f'<img src="{url}" alt="{alt}"{size} loading="lazy" decoding="async">'
            out.append(img if compact else f"<figure>{img}</figure>")
        elif asset.kind == "video" and not compact:
            label = html.escape(vi("feeds.page.video"))
            out.append(
                f'<figure><video controls preload="none" src="{url}"{size} '
                f'aria-label="{alt or label}">'
                f'<a href="{url}">{label}</a></video>'
                + (f"<figcaption>{alt}</figcaption>" if alt else "")
                + "</figure>"
            )
    return "".join(out)


def _article(session: Session, base: str, item: feeds.PublicPost, compact: bool) -> str:
    pid = item.post.id
    title = html.escape(post_title(item))
    local = to_local(item.published)
    meta = f'<time datetime="{item.published.isoformat()}">{fmt_date(local.date())}</time>'
    meta += " · " + html.escape(item.org.name)
    if item.themes and not compact:
        meta += " · " + ", ".join(html.escape(vi(f"topic.theme.{th}")) for th in item.themes)
    target = ' target="_blank" rel="noopener"' if compact else ""
    head = f'<h3><a href="{base}/p/post/{pid}"{target}>{title}</a></h3><p class="meta">{meta}</p>'
    if compact:
        return f'<article id="bai-{pid}">{_media(base, item, True)}<div>{head}</div></article>'
    body = text_html(post_text(session, item, base))
    return f'<article id="bai-{pid}">{head}{body}{_media(base, item, False)}</article>'


def page_etag(
    st: feeds.Stamp,
    scope: feeds.Scope,
    page: int,
    embed: bool,
    base: str,
    snapshot: dict[str, Any] | None,
    today: date,
) -> str:
    published = (snapshot or {}).get("published_at", "-")
    feed_tag = feeds.etag_for(scope, "html", page, base, st)
    raw = f"{RENDER_VERSION}|{feed_tag}|{embed}|{published}|{today}"
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'


_cache: LRUCache[tuple[str, int, bool, str], Page] = LRUCache(maxsize=256)
_snapshots: LRUCache[tuple[str, int], tuple[float, dict[str, Any] | None]] = LRUCache(1024)
_lock = threading.Lock()


def clear_cache() -> None:
    """Forget rendered pages and published results read (tests)."""
    feeds.clear_stamps()
    with _lock:
        _cache.clear()
        _snapshots.clear()


@dataclass(frozen=True)
class Prepared:
    """What a page depends on, and its ETag."""

    resolved: feeds.Resolved
    stamp: feeds.Stamp
    page: int
    embed: bool
    base: str
    etag: str
    snapshot: dict[str, Any] | None


def _snapshot(open_session: Opener, scope: feeds.Scope) -> dict[str, Any] | None:
    if scope.kind != "campaign" or scope.year is None:
        return None
    key, now = (scope.key, scope.year), time.monotonic()
    with _lock:
        hit = _snapshots.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    with open_session() as session:
        value = results.published(session, scope.key, scope.year)
    with _lock:
        _snapshots[key] = (now + feeds.STAMP_SECONDS, value)
    return value


def prepare(
    open_session: Opener,
    scope: feeds.Scope,
    page: int,
    embed: bool,
    base: str | None = None,
    found: tuple[feeds.Resolved, feeds.Stamp] | None = None,
) -> Prepared:
    """What a page depends on and its ETag: cheap, from ``found`` (a stamp the caller took
    from the cache) or the stamp cache (``open_session`` only when it must be queried),
    nothing rendered. Raises NotFound."""
    base = (base or feeds.base_url()).rstrip("/")
    resolved, st = found if found is not None else feeds.current(open_session, scope)
    per = EMBED_POSTS if embed else PER_PAGE
    if scope.kind == "post" and st.count == 0:
        raise NotFound("feeds.error.unknown")
    if page > max(1, -(-st.count // per)) or (embed and page != 1):
        raise NotFound("feeds.error.no_page")
    snapshot = _snapshot(open_session, scope)
    today = to_local(utcnow()).date()
    etag = page_etag(st, scope, page, embed, base, snapshot, today)
    return Prepared(resolved, st, page, embed, base, etag, snapshot)


def cached_page(prep: Prepared) -> Page | None:
    """The rendered page when the cache holds it for this ETag (no database)."""
    with _lock:
        hit = _cache.get((prep.resolved.scope.path, prep.page, prep.embed, prep.base))
    return hit if hit is not None and hit.etag == prep.etag else None


def render_page(session: Session, prep: Prepared) -> Page:
    """The page (cached by its ETag). Raises nothing of its own."""
    hit = cached_page(prep)
    if hit is not None:
        return hit
    resolved = prep.resolved
    per = EMBED_POSTS if prep.embed else PER_PAGE
    items = feeds.public_posts(session, resolved, prep.page, per)
    brand = resolved.org.brand_primary if resolved.org else "#0B3D91"
    css = _style(brand)
    doc = _document(
        session,
        resolved,
        prep.stamp,
        items,
        prep.page,
        per,
        prep.embed,
        prep.base,
        css,
        prep.snapshot,
    )
    built = Page(doc.encode(), prep.etag, csp_for(css, prep.embed))
    with _lock:
        _cache[(resolved.scope.path, prep.page, prep.embed, prep.base)] = built
    return built


def _document(
    session: Session,
    resolved: feeds.Resolved,
    st: feeds.Stamp,
    items: list[feeds.PublicPost],
    page: int,
    per: int,
    embed: bool,
    base: str,
    css: str,
    snapshot: dict[str, Any] | None,
) -> str:
    scope = resolved.scope
    today = to_local(utcnow()).date()
    count = countdown(session, resolved.campaign, scope.year, today)
    title = resolved.title
    if scope.kind == "post" and items:
        title = post_title(items[0])
    page_url = f"{base}/p/{scope.path}" + (f"?page={page}" if page > 1 else "")
    desc = resolved.subtitle or title
    if scope.kind == "post" and items:
        desc = items[0].post.text.strip()[:200]
    image = next((a for i in items for a in i.media if a.kind == "image"), None)
    og = [
        ("og:type", "article" if scope.kind == "post" else "website"),
        ("og:title", title),
        ("og:description", desc),
        ("og:url", page_url),
        ("og:locale", "vi_VN"),
        ("og:site_name", resolved.org.name if resolved.org else title),
    ]
    if image is not None:
        og.append(("og:image", feeds.media_url(base, image)))
        if image.alt_text:
            og.append(("og:image:alt", image.alt_text))
    metas = "".join(f'<meta property="{k}" content="{html.escape(v)}">' for k, v in og)
    org_line = (
        resolved.org.name if resolved.org and scope.kind != "unit" else vi("feeds.page.kicker")
    )
    head = (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title>"
        f'<meta name="description" content="{html.escape(desc)}">{metas}'
        f'<link rel="canonical" href="{html.escape(page_url)}">'
        + _paging(base, scope, page, st, per, embed)
        + f"{_alternates(base, resolved)}<style>{css}</style></head>"
    )
    banner = (
        f'<header><div class="wrap"><p class="org">{html.escape(org_line)}</p>'
        f"<h1>{html.escape(title)}</h1>"
        + (f'<p class="countdown">{html.escape(count)}</p>' if count else "")
        + "</div></header>"
    )
    parts = [head, f'<body class="{"embed" if embed else "full"}">']
    if not embed:
        parts.append(f'<a class="skip" href="#noi-dung">{html.escape(vi("feeds.page.skip"))}</a>')
    parts.append(banner)
    parts.append('<main id="noi-dung"><div class="wrap">')
    if snapshot and not embed:
        parts.append(_figures(snapshot))
    heading = vi("feeds.page.posts") if scope.kind != "post" else vi("feeds.page.post")
    parts.append(f'<section aria-labelledby="tin-bai"><h2 id="tin-bai">{html.escape(heading)}</h2>')
    if not items:
        parts.append(f"<p>{html.escape(vi('feeds.page.empty'))}</p>")
    parts += [_article(session, base, item, embed) for item in items]
    parts.append("</section>")
    pages = max(1, -(-st.count // per))
    if not embed and pages > 1:
        nav = [f'<nav class="pages" aria-label="{html.escape(vi("feeds.page.paging"))}">']
        here = f"{base}/p/{scope.path}"
        nav.append(
            f'<a href="{here}?page={page - 1}" rel="prev">{html.escape(vi("feeds.page.newer"))}</a>'
            if page > 1
            else "<span></span>"
        )
        nav.append(
            f'<a href="{here}?page={page + 1}" rel="next">{html.escape(vi("feeds.page.older"))}</a>'
            if page < pages
            else "<span></span>"
        )
        parts.append("".join(nav) + "</nav>")
    if embed:
        more = f"{base}/p/{scope.path}"
        label = html.escape(vi("feeds.page.more"))
        parts.append(f'<p><a href="{more}" target="_blank" rel="noopener">{label}</a></p>')
    parts.append("</div></main>")
    if not embed and scope.kind != "post":
        urls = feeds.feed_urls(base, scope)
        parts.append(
            f'<footer><div class="wrap">{html.escape(vi("feeds.page.feeds"))}<ul>'
            f'<li><a href="{urls["atom"]}">Atom</a></li><li><a href="{urls["rss"]}">RSS</a></li>'
            f'<li><a href="{urls["json"]}">JSON Feed</a></li></ul></div></footer>'
        )
    parts.append("</body></html>")
    return "".join(parts)


def embed_snippet(base: str, scope: feeds.Scope, title: str) -> str:
    """The ``<iframe>`` a portal pastes into its section. Raises nothing."""
    src = f"{base.rstrip('/')}/embed/{scope.path}"
    return (
        f'<iframe src="{html.escape(src)}" title="{html.escape(title)}" width="100%" height="640" '
        'style="border:0;max-width:720px" loading="lazy" referrerpolicy="no-referrer"></iframe>'
    )
