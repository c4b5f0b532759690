"""Tracked links: short links with UTM tags per channel and campaign, counting clicks.

When ``PUBLISHER_PUBLIC_URL`` is set, :func:`track_deliveries` makes the codes of every new
delivery in the transaction that creates it (approval, and each later occurrence of a recurring
post); the engine then calls :func:`rewrite_for_delivery` with ``create=False`` just before
publishing, and every ``http(s)`` link in the text (and the post's link) is replaced by
``<public url>/l/<code>``, served by the API service, which counts the click against that
delivery and redirects to the original address with ``utm_source``/``utm_medium``/
``utm_campaign``/``utm_content`` added. Clicks are the one engagement figure comparable
across every platform.

The public feeds and pages use codes computed from the post and the URL (:func:`feed_code`),
so rendering them writes nothing; such a link's row is made at its first counted click.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from publisher.errors import InvalidInput, NotFound, PublisherError
from publisher.models import Campaign, Channel, Delivery, Post, PostVariant, TrackedLink
from publisher.services.accounts.orgs import slugify
from publisher.services.publishing.channels import connector_class

#: Where the API service is reachable from the public (``/l/<code>`` is appended).
PUBLIC_URL_ENV = "PUBLISHER_PUBLIC_URL"
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8780"
CODE_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 7
#: A post's link, at most: the tracked target (this plus UTM tags) must fit its 2,000 characters.
MAX_LINK = 1500
_URL = re.compile(r"https?://[^\s<>\"')\]]+", re.IGNORECASE)
_TRAILING = ".,;:!?…"


def is_safe_target(url: str) -> bool:
    """Whether ``url`` may be a post's link or a redirect target: an absolute ``http(s)`` URL
    with a host, nothing a browser reads otherwise (``javascript:``, ``data:``, ``//host``,
    ``https:\\host``, whitespace or control characters). Raises nothing."""
    if not url or len(url) > 2000 or any(ch.isspace() or not ch.isprintable() for ch in url):
        return False
    if "\\" in url:
        return False  # browsers read a backslash as a slash: https:\\evil.example
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 (raises ValueError for a port out of range)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(host)


def checked_link(link: str | None) -> str | None:
    """A post's link, stripped (``None`` when empty); raises :class:`InvalidInput` unless it is
    an absolute ``http(s)`` URL with a host."""
    link = (link or "").strip()
    if not link:
        return None
    if len(link) > MAX_LINK:
        raise InvalidInput("error.link_too_long", max=MAX_LINK)
    if not is_safe_target(link):
        shown = "".join(ch if ch.isprintable() else "?" for ch in link[:80])
        raise InvalidInput("error.link_invalid", url=shown + ("…" if len(link) > 80 else ""))
    return link


def public_url() -> str:
    return os.environ.get(PUBLIC_URL_ENV, DEFAULT_PUBLIC_URL).rstrip("/")


def tracking_enabled() -> bool:
    """Links are rewritten only where the api's public address is configured explicitly:
    a tracked link pointing at a default local address would break every link for readers."""
    return bool(os.environ.get(PUBLIC_URL_ENV, "").strip())


@dataclass(frozen=True)
class Rewritten:
    text: str
    link: str | None
    codes: tuple[str, ...]


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def utm_target(target: str, *, source: str, campaign: str, content: str) -> str:
    """``target`` with UTM tags added (existing ``utm_*`` parameters are kept). Raises nothing."""
    parts = urlsplit(target)
    query = parse_qsl(parts.query, keep_blank_values=True)
    present = {k for k, _ in query}
    tags = {
        "utm_source": source,
        "utm_medium": "social",
        "utm_campaign": campaign,
        "utm_content": content,
    }
    query += [(k, v) for k, v in tags.items() if k not in present and v]
    return urlunsplit(parts._replace(query=urlencode(query)))


def rewrite_for_delivery(
    session: Session,
    delivery_id: int,
    text: str,
    link: str | None = None,
    *,
    base_url: str | None = None,
    create: bool = True,
) -> Rewritten:
    """Replace the links in ``text`` (and ``link``) by tracked links of this delivery.

    Idempotent: calling it again for the same delivery reuses the codes already made, so a
    retried publish shows the same links. Links already pointing at ``base_url`` are left
    alone. With ``create`` False nothing is written: links without a code stay as they are
    (the publishing path, which reads only). Raises :class:`NotFound` for an unknown delivery.
    """
    base = (base_url or public_url()).rstrip("/")
    delivery = session.get(Delivery, delivery_id)
    if delivery is None:
        raise NotFound("error.delivery_not_found", id=delivery_id)
    post = session.get(Post, delivery.post_id)
    channel = session.get(Channel, delivery.channel_id)
    assert post is not None and channel is not None
    campaign = session.get(Campaign, post.campaign_id) if post.campaign_id else None
    source = _link_source(channel.kind)
    campaign_tag = (
        f"{campaign.slug}-{post.campaign_year}"
        if campaign and post.campaign_year
        else campaign.slug
        if campaign
        else "r57"
    )
    content_tag = slugify(channel.name)
    existing = {
        row.target: row
        for row in session.exec(select(TrackedLink).where(TrackedLink.delivery_id == delivery_id))
    }
    codes: list[str] = []

    def shorten(url: str) -> str:
        if url.startswith(base + "/") or not is_safe_target(url):
            return url  # the redirect would refuse an unsafe target: leave it as written
        target = utm_target(url, source=source, campaign=campaign_tag, content=content_tag)
        if len(target) > 2000:  # a long link in the text: left as written, not tracked
            return url
        row = existing.get(target)
        if row is None and not create:
            return url
        if row is None:
            row = TrackedLink(
                code=_unique_code(session),
                target=target,
                post_id=post.id,
                delivery_id=delivery_id,
            )
            session.add(row)
            session.flush()
            existing[target] = row
        codes.append(row.code)
        return f"{base}/l/{row.code}"

    def replace(match: re.Match[str]) -> str:
        url = match.group(0)
        tail = ""
        while url and url[-1] in _TRAILING:
            url, tail = url[:-1], url[-1] + tail
        return shorten(url) + tail

    new_text = _URL.sub(replace, text or "")
    new_link = shorten(link) if link else None
    return Rewritten(new_text, new_link, tuple(dict.fromkeys(codes)))


def track_deliveries(session: Session, post: Post, deliveries: Sequence[Delivery]) -> None:
    """Make the tracked links of ``post``'s new ``deliveries`` (each with its channel's text),
    in the caller's transaction, so that the publishing path only reads them.

    Does nothing unless tracking is enabled; idempotent like :func:`rewrite_for_delivery`.
    """
    if not tracking_enabled() or not deliveries:
        return
    variants = session.exec(select(PostVariant).where(PostVariant.post_id == post.id)).all()
    texts = {v.channel_id: v.text if v.text is not None else post.text for v in variants}
    for delivery in deliveries:
        assert delivery.id is not None
        rewrite_for_delivery(session, delivery.id, texts.get(delivery.channel_id, ""), post.link)


#: A feed link's code: ``f<post id>-<10 characters of the SHA-256 of the post id and URL>``.
_FEED_CODE = re.compile(r"f([1-9][0-9]{0,11})-([a-z2-7]{10})")


def feed_code(post_id: int, url: str) -> str:
    """The tracked-link code of ``url`` in post ``post_id``'s public feeds and pages:
    computed, never stored beforehand (a feed request writes nothing). Raises nothing."""
    digest = hashlib.sha256(f"feed\n{post_id}\n{url}".encode()).digest()
    return f"f{post_id}-" + base64.b32encode(digest).decode()[:10].lower()


def _feed_urls(text: str) -> list[str]:
    found = []
    for match in _URL.finditer(text or ""):
        url = match.group(0)
        while url and url[-1] in _TRAILING:
            url = url[:-1]
        found.append(url)
    return found


def rewrite_for_feed(post_id: int | None, text: str, base_url: str) -> str:
    """``text`` with its ``http(s)`` links replaced by tracked links of the post for the public
    feeds and pages (:func:`feed_code`; ``utm_source=feed``, no delivery). Reads and writes
    nothing: the link's row is made at its first click (:func:`record_click`). Does nothing
    unless tracking is enabled (a default local address would break links for readers).
    Raises nothing."""
    if not tracking_enabled() or post_id is None:
        return text
    base = base_url.rstrip("/")

    def replace(match: re.Match[str]) -> str:
        url, tail = match.group(0), ""
        while url and url[-1] in _TRAILING:
            url, tail = url[:-1], url[-1] + tail
        if url.startswith(base + "/") or not is_safe_target(url):
            return url + tail
        if len(utm_target(url, source="feed", campaign="r57", content="public-feed")) > 1900:
            return url + tail  # too long once tagged: left as written, not tracked
        return f"{base}/l/{feed_code(post_id, url)}" + tail

    return _URL.sub(replace, text or "")


def feed_link_row(session: Session, code: str) -> TrackedLink | None:
    """The row to make for a feed link not clicked before, when ``code`` is the
    :func:`feed_code` of a link in the text or link of post ``<id>`` (not stored; whether the
    post is public is the caller's check). None otherwise. Raises nothing."""
    m = _FEED_CODE.fullmatch(code)
    if m is None:
        return None
    post = session.get(Post, int(m.group(1)))
    if post is None or post.id is None:
        return None
    text = f"{post.text}\n{post.link or ''}"
    url = next((u for u in _feed_urls(text) if feed_code(post.id, u) == code), None)
    if url is None or not is_safe_target(url):
        return None
    campaign = session.get(Campaign, post.campaign_id) if post.campaign_id else None
    tag = f"{campaign.slug}-{post.campaign_year}" if campaign and post.campaign_year else "r57"
    target = utm_target(url, source="feed", campaign=tag, content="public-feed")
    return TrackedLink(code=code, target=target, post_id=post.id)


def _unique_code(session: Session) -> str:
    while True:
        code = new_code()
        if session.exec(select(TrackedLink.id).where(TrackedLink.code == code)).first() is None:
            return code


def record_click(
    session: Session,
    code: str,
    *,
    count: bool = True,
    new_row: Callable[[Session, str], TrackedLink | None] | None = None,
) -> str | None:
    """Count one click on ``code`` and return its target, or ``None`` for an unknown code.

    ``count`` False (a ``HEAD`` request: link checkers, previews) only looks the target up.
    An unknown code gets the row ``new_row`` makes, if any (the public feeds' links,
    ``feeds.feed_link``), at its first counted click. Raises
    :class:`InvalidInput` (``error.link_unsafe``, nothing counted) when the stored target is
    not an absolute ``http(s)`` URL (a row written before links were checked). One atomic
    ``UPDATE ... SET clicks = clicks + 1`` so concurrent clicks are never lost.
    """
    target = session.exec(select(TrackedLink.target).where(TrackedLink.code == code)).first()
    if target is None:
        row = new_row(session, code) if new_row is not None else None
        if row is None:
            return None
        if count:
            row.clicks = 1
            try:
                with session.begin_nested():  # two first clicks at once: one row, two clicks
                    session.add(row)
            except IntegrityError:
                session.execute(
                    update(TrackedLink)
                    .where(col(TrackedLink.code) == code)
                    .values(clicks=col(TrackedLink.clicks) + 1)
                )
        return row.target
    if not is_safe_target(target):
        raise InvalidInput("error.link_unsafe")
    if count:
        session.execute(
            update(TrackedLink)
            .where(col(TrackedLink.code) == code)
            .values(clicks=col(TrackedLink.clicks) + 1)
        )
    return target


def links_of_post(session: Session, post_id: int) -> list[TrackedLink]:
    return list(
        session.exec(
            select(TrackedLink).where(TrackedLink.post_id == post_id).order_by(col(TrackedLink.id))
        )
    )


def _link_source(kind: str) -> str:
    """The ``utm_source`` of a channel kind's links: its connector's ``link_source``."""
    try:
        return connector_class(kind).link_source or kind
    except PublisherError:
        return kind
