"""Post links and tracked redirects only ever lead to absolute http(s) addresses; HEAD requests
(link checkers, chat previews) are not clicks."""

from __future__ import annotations

import pytest
from sqlmodel import col, func, select
from starlette.testclient import TestClient

from publisher.api import create_app
from publisher.db import session_scope
from publisher.errors import InvalidInput
from publisher.models import Post, TrackedLink
from publisher.services.publishing import links, posts
from publisher.services.publishing.posts import PostInput
from publisher.timeutil import parse_local
from tests.factories import make_office, telegram_channel

BAD = [
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "//evil.example/path",
    "https:\\\\evil.example",
    "https:/evil.example",
    "http://",
    "ftp://files.example.org/a",
    "vbscript:msgbox(1)",
    "https://exa mple.org",
    "https://example.org:99999/",
    "/relative/path",
    "https://[::1",
]
GOOD = [
    "https://khcn.dongnai.gov.vn/tin?id=5",
    "http://example.org",
    "HTTPS://Example.org/Đồng-Nai",
    "https://[2001:db8::1]:8443/a",
]


@pytest.mark.parametrize("url", BAD)
def test_unsafe_targets_are_not_safe(url):
    assert not links.is_safe_target(url)


@pytest.mark.parametrize("url", GOOD)
def test_absolute_http_targets_are_safe(url):
    assert links.is_safe_target(url)


@pytest.fixture
def office(db, clock):
    return make_office(channels={"tg": telegram_channel()})


def _compose(office, link: str):
    with session_scope() as s:
        return posts.compose(
            s,
            office.actor("officer"),
            PostInput(
                text="Ngày Chuyển đổi số",
                channels=["tg"],
                link=link,
                due_at=parse_local("10/10/2026 08:00"),
            ),
        ).id


def _post_count() -> int:
    with session_scope() as s:
        return s.exec(select(func.count(col(Post.id)))).one()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "//evil.example"])
def test_a_post_link_that_is_not_http_is_refused_with_one_line(office, url):
    with pytest.raises(InvalidInput) as refused:
        _compose(office, url)
    message = refused.value.message("vi")
    assert message.startswith(f"Liên kết «{url}» không hợp lệ") and "\n" not in message
    assert _post_count() == 0


def test_a_post_link_is_checked_on_edit_too(office):
    post_id = _compose(office, " https://khcn.dongnai.gov.vn/a ")
    with session_scope() as s:
        assert s.get(Post, post_id).link == "https://khcn.dongnai.gov.vn/a"
    with pytest.raises(InvalidInput), session_scope() as s:
        posts.update(
            s,
            office.actor("officer"),
            post_id,
            PostInput(text="Sửa", channels=["tg"], link="javascript:alert(1)"),
        )
    with session_scope() as s:
        assert s.get(Post, post_id).link == "https://khcn.dongnai.gov.vn/a"


def _link(target: str) -> str:
    with session_scope() as s:
        s.add(TrackedLink(code=f"c{abs(hash(target)) % 10**8}", target=target))
    return f"c{abs(hash(target)) % 10**8}"


def _clicks(code: str) -> int:
    with session_scope() as s:
        return s.exec(select(TrackedLink.clicks).where(TrackedLink.code == code)).one()


@pytest.mark.parametrize("target", ["javascript:alert(1)", "data:text/html,x", "//evil.example"])
def test_the_redirect_refuses_a_stored_target_that_is_not_http(office, clock, target):
    code = _link(target)  # a row written before links were checked
    client = TestClient(create_app(clock=clock))
    r = client.get(f"/l/{code}", follow_redirects=False)
    assert r.status_code == 400 and "location" not in r.headers
    assert "không được chuyển tiếp" in r.text
    assert _clicks(code) == 0


def test_head_requests_are_not_counted_as_clicks(office, clock):
    code = _link("https://khcn.dongnai.gov.vn/a")
    client = TestClient(create_app(clock=clock))
    for _ in range(200):
        clock.advance(seconds=0.1)  # within the per-source rate limit
        r = client.head(f"/l/{code}", follow_redirects=False)
        assert r.status_code == 302 and r.headers["location"] == "https://khcn.dongnai.gov.vn/a"
    assert _clicks(code) == 0
    assert client.get(f"/l/{code}", follow_redirects=False).status_code == 302
    assert _clicks(code) == 1


def test_unsafe_links_in_a_text_are_not_turned_into_tracked_links(office, clock):
    from tests.stats.conftest import published

    d = published(office, "tg", clock.now())
    with session_scope() as s:
        out = links.rewrite_for_delivery(
            s, d.id, "Xem https://a.example.org/x và https:///evil", base_url="http://r57"
        )
    assert out.text.startswith("Xem http://r57/l/") and out.text.endswith(" và https:///evil")
    assert len(out.codes) == 1


def test_post_create_refuses_a_javascript_link_with_one_line(db):
    from tests.core.test_cli import _init, add_telegram_channel, run, stored_rows

    _init()
    assert add_telegram_channel().returncode == 0
    before = stored_rows()
    result = run(
        "post", "create", "--text", "x", "--channel", "tg", "--at", "01/01/2030 08:00",
        "--link", "javascript:alert(1)",
    )  # fmt: skip
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.endswith(
        "Liên kết «javascript:alert(1)» không hợp lệ: chỉ nhận địa chỉ đầy đủ bắt đầu bằng "
        "http:// hoặc https:// và có tên miền"
    )
    assert stored_rows() == before


def test_a_link_too_long_to_track_is_refused_and_a_long_one_in_the_text_left_alone(office, clock):
    long_link = "https://khcn.dongnai.gov.vn/?q=" + "a" * 1920  # 1,951: UTM tags pass 2,000
    with pytest.raises(InvalidInput) as refused:
        _compose(office, long_link)
    assert refused.value.message("vi") == "Liên kết quá dài (tối đa 1500 ký tự)"
    from tests.stats.conftest import published

    d = published(office, "tg", clock.now())
    with session_scope() as s:
        out = links.rewrite_for_delivery(s, d.id, f"Xem {long_link}", base_url="http://r57")
    assert out.text == f"Xem {long_link}" and out.codes == ()
