"""Channels and deliveries as the office sees them after sending: a channel that published
is healthy with its last success shown; the deliveries page follows deliveries in flight by
itself; a sandbox channel's post links to the «Hộp cát» page, not to the real platform."""

from __future__ import annotations

from datetime import timedelta

import pytest

from publisher.db import session_scope
from publisher.models import Delivery
from publisher.services.operations import sandbox
from publisher.services.publishing import posts
from publisher.services.publishing.posts import PostInput
from publisher.timeutil import utcnow
from tests.factories import make_office, telegram_channel
from tests.ui.conftest import texts

SANDBOX = "http://127.0.0.1:9"


@pytest.fixture
def sandbox_office(sqlite_db, clock, monkeypatch):
    monkeypatch.setenv("PUBLISHER_ALLOW_PRIVATE_TARGETS", "1")  # the emulator is on loopback
    office = make_office(channels={"Telegram hộp cát": telegram_channel(base=SANDBOX)})
    with session_scope() as s:
        sandbox.set_url(s, SANDBOX)
        post = posts.compose(
            s,
            office.actor("officer"),
            PostInput(
                text="Tin thử trong hộp cát",
                channels=list(office.channels),
                due_at=utcnow() + timedelta(minutes=1),
            ),
        )
        posts.submit(s, office.actor("officer"), post.id or 0)
        posts.approve(s, office.actor("editor"), post.id or 0)
        office.post_id = post.id  # type: ignore[attr-defined]
    return office


def _set_delivery(office, status: str, **fields) -> None:
    from sqlmodel import select

    with session_scope() as s:
        for d in s.exec(select(Delivery).where(Delivery.post_id == office.post_id)):
            d.status = status
            for key, value in fields.items():
                setattr(d, key, value)
            s.add(d)


def test_a_channel_that_published_is_healthy_and_says_when(sandbox_office, app_as):
    at = app_as(sandbox_office, "editor", "views/channels.py")
    assert "Chưa kiểm tra" in texts(at) and "Đăng thành công gần nhất" not in texts(at)
    _set_delivery(sandbox_office, "sent", sent_at=utcnow(), url="https://t.me/x/1")
    at.run()
    assert not at.exception
    assert "Hoạt động tốt" in texts(at) and "Đăng thành công gần nhất" in texts(at)
    assert "Chưa kiểm tra" not in texts(at)


def test_the_deliveries_page_follows_deliveries_in_flight(sandbox_office, app_as):
    _set_delivery(sandbox_office, "sending")
    at = app_as(sandbox_office, "editor", "views/deliveries.py")
    assert not at.exception
    assert "trang tự cập nhật" in texts(at)
    _set_delivery(sandbox_office, "sent", sent_at=utcnow(), url="https://t.me/x/1")
    at.run()
    assert "trang tự cập nhật" not in texts(at)


def test_a_sandbox_post_links_to_the_sandbox_page(sandbox_office, app_as):
    _set_delivery(sandbox_office, "sent", sent_at=utcnow(), url="https://t.me/x/1")
    at = app_as(sandbox_office, "editor", "views/deliveries.py")
    assert not at.exception
    links = at.get("page_link")
    assert any("Xem trong hộp cát" in str(link.proto) for link in links)
    assert "https://t.me/x/1" not in str([m.value for m in at.markdown])


def test_a_real_channels_post_links_to_the_platform(sqlite_db, clock, app_as):
    office = make_office(channels={"Telegram": telegram_channel()})
    with session_scope() as s:
        post = posts.compose(
            s,
            office.actor("officer"),
            PostInput(text="Tin thật", channels=list(office.channels), due_at=utcnow()),
        )
        posts.submit(s, office.actor("officer"), post.id or 0)
        posts.approve(s, office.actor("editor"), post.id or 0)
        office.post_id = post.id  # type: ignore[attr-defined]
    _set_delivery(office, "sent", sent_at=utcnow(), url="https://t.me/khcn/7")
    at = app_as(office, "editor", "views/deliveries.py")
    assert "https://t.me/khcn/7" in str([m.value for m in at.markdown])


def _many_scheduled(n: int):
    """An office with ``n`` approved posts due one hour apart from tomorrow on."""
    office = make_office(channels={"Telegram": telegram_channel()})
    start = utcnow() + timedelta(days=1)
    with session_scope() as s:
        for i in range(n):
            post = posts.compose(
                s,
                office.actor("officer"),
                PostInput(
                    text=f"Tin số {i}",
                    channels=list(office.channels),
                    due_at=start + timedelta(hours=i),
                ),
            )
            posts.submit(s, office.actor("officer"), post.id or 0)
            posts.approve(s, office.actor("editor"), post.id or 0)
    return office


def _listed(at) -> list[str]:
    return [e.label for e in at.expander]


def test_the_deliveries_list_is_paged_and_the_page_is_in_the_url(sqlite_db, clock, app_as):
    # 45 posts: 20 a page, «Trang x/3» with previous / next (a phone scrolled 45 expanders).
    office = _many_scheduled(45)
    at = app_as(office, "editor", "views/deliveries.py")
    assert not at.exception
    first = _listed(at)
    assert len(first) == 20 and "Tin số 44" in first[0], first[:2]
    assert "Trang 1/3" in texts(at)
    assert at.button(key="dl_prev").disabled and not at.button(key="dl_next").disabled
    at.button(key="dl_next").click().run()
    assert at.query_params["trang"] in ("2", ["2"])
    second = _listed(at)
    assert len(second) == 20 and not set(second) & set(first) and "Trang 2/3" in texts(at)
    at.button(key="dl_next").click().run()
    last = _listed(at)
    assert len(last) == 5 and "Tin số 0" in last[-1] and "Trang 3/3" in texts(at)
    assert at.button(key="dl_next").disabled
    at.button(key="dl_prev").click().run()
    assert _listed(at) == second
    at.button(key="dl_prev").click().run()
    assert _listed(at) == first and "trang" not in at.query_params


def test_a_link_opens_its_page_and_a_new_filter_starts_at_the_first(sqlite_db, clock, app_as):
    office = _many_scheduled(45)
    at = app_as(office, "editor", "views/deliveries.py")
    at.query_params["trang"] = "3"
    at.run()
    assert len(_listed(at)) == 5 and "Trang 3/3" in texts(at)
    at.query_params["trang"] = "99"  # beyond the last page: the last page
    at.run()
    assert len(_listed(at)) == 5 and "Trang 3/3" in texts(at)
    at.selectbox(key="dl_status").set_value("scheduled").run()
    assert not at.exception
    assert at.query_params["trang_thai"] in ("scheduled", ["scheduled"])
    assert "trang" not in at.query_params and "Trang 1/3" in texts(at)
    assert len(_listed(at)) == 20


def test_one_page_needs_no_pager(sqlite_db, clock, app_as):
    office = _many_scheduled(3)
    at = app_as(office, "editor", "views/deliveries.py")
    assert not at.exception and len(_listed(at)) == 3
    assert "Trang 1/1" not in texts(at)
    assert not [b for b in at.button if b.key in ("dl_prev", "dl_next")]
