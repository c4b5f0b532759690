"""Conditional requests: ETag and Last-Modified change exactly when a feed's or page's body
would (everything rendered, not only the posts' dates); public GETs write nothing; the public
rate limit; stale stamps answered while one background refresh runs."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from sqlalchemy import func, update
from sqlmodel import col, select
from starlette.testclient import TestClient

from publisher.api import create_app
from publisher.config import get_settings
from publisher.db import session_scope
from publisher.models import (
    Campaign,
    Delivery,
    DeliveryStatus,
    MediaAsset,
    Organisation,
    Post,
    PostMedia,
    PostStatus,
    PostTag,
    PostVariant,
    TrackedLink,
)
from publisher.services.publishing import feeds, links
from tests.feeds.conftest import BASE, T0, add_post

UNIT = "/feeds/unit/so-khcn.atom"
CAMPAIGN = "/feeds/campaign/ngay-cds/2026.json"
UNIT_PAGE = "/p/unit/so-khcn"


def _validators(client: TestClient, path: str) -> tuple[str, str | None, bytes]:
    r = client.get(path)
    assert r.status_code == 200
    return r.headers["etag"], r.headers.get("last-modified"), r.content


def _assert_changed(client, clock, path: str, change: Callable[[], None]) -> None:
    """``change`` alters the body at ``path``: neither the old ETag nor the old
    Last-Modified gets a 304; the new ones do."""
    etag, modified, body = _validators(client, path)
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    if modified:
        assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    change()
    r = client.get(path, headers={"If-None-Match": etag})
    assert r.status_code == 200 and r.content != body
    assert r.headers["etag"] != etag
    if modified:
        again = client.get(path, headers={"If-Modified-Since": modified})
        assert again.status_code == 200 and again.content == r.content
    clock.advance(seconds=5)  # the new Last-Modified is not shown ahead of the clock
    etag2, modified2, _ = _validators(client, path)
    assert client.get(path, headers={"If-None-Match": etag2}).status_code == 304
    if modified2:
        assert client.get(path, headers={"If-Modified-Since": modified2}).status_code == 304


def _set_alt(world, text: str) -> None:
    with session_scope() as s:
        s.execute(
            update(MediaAsset).where(col(MediaAsset.id) == world.image.id).values(alt_text=text)
        )


def test_an_alt_text_change_changes_the_page_validators(client, world, clock):
    _assert_changed(client, clock, UNIT_PAGE, lambda: _set_alt(world, "Ảnh hội trường mới"))
    assert "Ảnh hội trường mới" in client.get(UNIT_PAGE).text


def test_an_alt_text_change_changes_the_feed_validators(client, world, clock):
    # The feed shows no alt text, but its digest covers every medium's: conservative.
    _assert_changed(client, clock, f"/p/post/{world.public_ids[0]}", lambda: _set_alt(world, "X"))


def test_a_theme_tag_change_changes_the_validators(client, world, clock):
    def retag() -> None:
        with session_scope() as s:
            s.exec(select(PostTag).where(PostTag.post_id == world.public_ids[1])).one()
            s.execute(
                update(PostTag)
                .where(col(PostTag.post_id) == world.public_ids[1])
                .values(value="dmst")
            )

    _assert_changed(client, clock, UNIT, retag)
    assert 'term="dmst"' in client.get(UNIT).text


def test_renaming_the_unit_changes_the_validators(client, world, clock):
    def rename() -> None:
        with session_scope() as s:
            s.execute(
                update(Organisation)
                .where(col(Organisation.id) == world.office.org.id)
                .values(name="Sở Khoa học và Công nghệ (mới)")
            )

    _assert_changed(client, clock, UNIT, rename)
    assert "(mới)" in client.get(UNIT).text


def test_renaming_the_campaign_changes_the_validators(client, clock):
    def rename() -> None:
        with session_scope() as s:
            s.execute(
                update(Campaign)
                .where(col(Campaign.slug) == "ngay-cds")
                .values(name="Ngày Chuyển đổi số quốc gia (đổi tên)")
            )

    _assert_changed(client, clock, CAMPAIGN, rename)
    assert "(đổi tên)" in client.get(CAMPAIGN).json()["title"]


def test_removing_a_medium_changes_the_validators(client, world, clock):
    def remove() -> None:
        with session_scope() as s:
            s.delete(s.exec(select(PostMedia).where(PostMedia.asset_id == world.image.id)).one())

    _assert_changed(client, clock, UNIT, remove)
    assert 'rel="enclosure"' not in client.get(UNIT).text


def test_a_withdrawn_post_disappears_and_changes_the_validators(client, world, clock):
    def withdraw() -> None:  # status only, updated_at untouched: no date moves forward
        with session_scope() as s:
            s.execute(
                update(Post)
                .where(col(Post.id) == world.public_ids[1])
                .values(status=PostStatus.CANCELLED)
            )

    _assert_changed(client, clock, UNIT, withdraw)
    assert "sàn giao dịch" not in client.get(UNIT).text


def test_an_unpublished_delivery_takes_the_post_out(client, world, clock):
    def unpublish() -> None:
        with session_scope() as s:
            s.execute(
                update(Delivery)
                .where(col(Delivery.post_id) == world.public_ids[1])
                .values(status=DeliveryStatus.FAILED)
            )

    _assert_changed(client, clock, "/feeds/unit/so-khcn.rss", unpublish)


def test_a_deleted_newest_post_changes_the_validators_though_dates_go_back(client, world, clock):
    newest = add_post(world.office, "fb", "Tin sẽ bị xoá", sent_at=T0 + timedelta(days=4))

    def delete() -> None:
        with session_scope() as s:
            for table in (Delivery, PostVariant):
                s.execute(table.__table__.delete().where(table.post_id == newest))  # type: ignore[attr-defined]
            s.execute(Post.__table__.delete().where(Post.id == newest))  # type: ignore[attr-defined]

    _assert_changed(client, clock, UNIT, delete)
    assert "Tin sẽ bị xoá" not in client.get(UNIT).text


def test_another_units_change_leaves_a_unit_feed_unchanged(client, world):
    etag, modified, _ = _validators(client, UNIT)
    with session_scope() as s:
        s.execute(
            update(Organisation)
            .where(col(Organisation.id) == world.other.org.id)
            .values(name="Sở Công Thương (mới)")
        )
    add_post(world.other, "fb-ct", "Tin mới của Sở Công Thương", sent_at=T0 + timedelta(days=2))
    assert client.get(UNIT, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(UNIT, headers={"If-Modified-Since": modified}).status_code == 304


def test_if_none_match_wins_over_if_modified_since(client):
    etag, modified, _ = _validators(client, UNIT)
    r = client.get(UNIT, headers={"If-None-Match": '"other"', "If-Modified-Since": modified})
    assert r.status_code == 200
    weak = client.get(UNIT, headers={"If-None-Match": f'"x", W/{etag}'})
    assert weak.status_code == 304


def test_last_modified_is_an_http_date_never_ahead_of_the_clock(client, clock):
    modified = client.get(UNIT).headers["last-modified"]
    assert modified.endswith(" GMT")
    assert parsedate_to_datetime(modified) <= clock.now()


def _tracked_links() -> int:
    with session_scope() as s:
        return int(s.exec(select(func.count()).select_from(TrackedLink)).one())


def test_public_gets_write_nothing_and_clicks_are_still_counted(client, world):
    before = _tracked_links()
    texts = []
    for path in (
        "/feeds/unit/so-khcn.atom",
        "/feeds/unit/so-khcn.rss",
        "/feeds/unit/so-khcn.json",
        "/feeds/province.json",
        "/p/unit/so-khcn",
        "/embed/unit/so-khcn",
        f"/p/post/{world.public_ids[0]}",
    ):
        r = client.get(path)
        assert r.status_code == 200
        texts.append(r.text)
    assert _tracked_links() == before  # nothing made on a GET
    code = re.search(re.escape(BASE) + r"/l/([A-Za-z0-9-]+)", texts[2]).group(1)
    assert all(f"/l/{code}" in t for t in texts[:3] + texts[4:5])  # one code everywhere
    head = client.head(f"/l/{code}", follow_redirects=False)
    assert head.status_code == 302 and _tracked_links() == before  # HEAD is not a click
    for clicks in (1, 2):
        r = client.get(f"/l/{code}", follow_redirects=False)
        assert r.status_code == 302
        assert r.headers["location"].startswith("https://khcn.example.org/hoi-thao?")
        with session_scope() as s:
            row = s.exec(select(TrackedLink).where(TrackedLink.code == code)).one()
            assert row.clicks == clicks and row.post_id == world.public_ids[0]
            assert row.delivery_id is None and "utm_source=feed" in row.target


def test_a_forged_feed_code_is_a_404_and_writes_nothing(client, world):
    before = _tracked_links()
    draft_code = links.feed_code(world.draft_id, "https://khcn.example.org/hoi-thao")
    with session_scope() as s:
        s.execute(
            update(Post)
            .where(col(Post.id) == world.draft_id)
            .values(text="Nháp https://khcn.example.org/hoi-thao")
        )
    for code in (
        draft_code,  # a URL of a post that is not public
        links.feed_code(world.public_ids[0], "https://evil.example/"),  # not in the post
        f"f{world.public_ids[0]}-aaaaaaaaaa",
        "f0-aaaaaaaaaa",
    ):
        assert client.get(f"/l/{code}", follow_redirects=False).status_code == 404
    assert _tracked_links() == before


@pytest.fixture
def limited(world, clock, monkeypatch):
    monkeypatch.setenv("PUBLISHER_API_PUBLIC_RATE", "1")
    monkeypatch.setenv("PUBLISHER_API_PUBLIC_BURST", "3")
    monkeypatch.setenv("PUBLISHER_API_PUBLIC_EXEMPT", "10.9.0.0/16, not-an-address")
    get_settings.cache_clear()
    yield create_app(clock=clock)
    get_settings.cache_clear()


def test_public_routes_are_rate_limited_per_client(limited, clock):
    client = TestClient(limited, client=("203.0.113.7", 5000))
    paths = [UNIT, UNIT_PAGE, "/embed/unit/so-khcn"]
    assert [client.get(p).status_code for p in paths] == [200, 200, 200]
    r = client.get("/feeds/unit/so-khcn.rss")
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) >= 1
    assert r.headers["content-type"].startswith("text/plain; charset=utf-8")
    assert "Quá nhiều yêu cầu" in r.text and "\n" not in r.text.strip()
    # Another client has its own budget; an exempt network has none.
    assert TestClient(limited, client=("198.51.100.2", 1)).get(UNIT).status_code == 200
    exempt = TestClient(limited, client=("10.9.3.4", 1))
    assert all(exempt.get(UNIT).status_code == 200 for _ in range(10))
    clock.advance(seconds=2)
    assert client.get(UNIT).status_code == 200


def test_loopback_is_exempt_by_default(world, clock):
    client = TestClient(create_app(clock=clock), client=("127.0.0.1", 5000))
    assert all(
        client.get(UNIT).status_code == 200 for _ in range(get_settings().api_public_burst + 5)
    )


def test_a_stale_stamp_is_answered_while_one_refresh_runs(world, monkeypatch):
    monkeypatch.setattr(feeds, "STAMP_SECONDS", 10.0)
    now = [1000.0]
    monkeypatch.setattr(feeds, "_monotonic", lambda: now[0])
    opened: list[int] = []

    def opener():
        opened.append(1)
        return session_scope()

    scope = feeds.Scope("unit", "so-khcn")
    first = feeds.current(opener, scope)[1]
    assert feeds.peek_stale(scope) == ((feeds.peek(scope)[0], first), False)
    add_post(world.office, "fb", "Tin thêm", sent_at=T0 + timedelta(days=9))
    now[0] += 15  # stale: still answered, one caller is told to refresh
    found, start = feeds.peek_stale(scope)
    assert found[1] == first and start
    assert feeds.peek_stale(scope)[1] is False  # only one refresh at a time
    feeds.refresh_later(opener, scope)
    assert feeds.peek_stale(scope)[0][1].count == first.count + 1 and len(opened) == 2
    now[0] += 25  # too old to answer: the caller must query
    assert feeds.peek_stale(scope) == (None, False)


def test_the_stamp_query_never_runs_on_the_event_loop(world, clock, monkeypatch):
    monkeypatch.setattr(feeds, "STAMP_SECONDS", 10.0)
    now = [1000.0]
    monkeypatch.setattr(feeds, "_monotonic", lambda: now[0])
    loop_threads: set[int] = set()
    stamp_threads: list[int] = []
    real_peek, real_stamp = feeds.peek_stale, feeds.stamp

    def peek(scope):  # called by the handler in the event loop
        loop_threads.add(threading.get_ident())
        return real_peek(scope)

    def stamp(session, resolved):
        stamp_threads.append(threading.get_ident())
        return real_stamp(session, resolved)

    monkeypatch.setattr(feeds, "peek_stale", peek)
    monkeypatch.setattr(feeds, "stamp", stamp)
    with TestClient(create_app(clock=clock)) as client:
        first = client.get(UNIT)  # cold: queried in a worker thread
        assert first.status_code == 200 and len(stamp_threads) == 1
        now[0] += 15  # stale: answered from the cache, refreshed in the background
        again = client.get(UNIT, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304
        deadline = time.monotonic() + 5
        while len(stamp_threads) < 2 and time.monotonic() < deadline:
            threading.Event().wait(0.01)
    assert len(stamp_threads) == 2 and loop_threads
    assert not set(stamp_threads) & loop_threads


def test_a_costly_stamp_is_trusted_longer(world, monkeypatch):
    monkeypatch.setattr(feeds, "STAMP_SECONDS", 2.0)
    now = [1000.0]
    monkeypatch.setattr(feeds, "_monotonic", lambda: now[0])
    real_stamp = feeds.stamp

    def slow_stamp(session, resolved):  # a query of 0.5 s (a whole large province)
        now[0] += 0.5
        return real_stamp(session, resolved)

    monkeypatch.setattr(feeds, "stamp", slow_stamp)
    scope = feeds.Scope("province")
    feeds.current(session_scope, scope)
    now[0] += 9  # past 2 s, within 20 x 0.5 s: still fresh
    assert feeds.peek(scope) is not None
    now[0] += 2
    assert feeds.peek(scope) is None and feeds.peek_stale(scope)[0] is not None
