"""The review page and four eyes: the last content author gets no approve button and is told
why; another editor gets it. On every backend."""

from __future__ import annotations

import pytest

from publisher.db import session_scope
from publisher.models import Post, PostStatus
from publisher.services.accounts import users
from publisher.services.publishing import posts
from publisher.services.publishing.posts import PostInput
from publisher.timeutil import parse_local
from tests.factories import ADMIN, Office, facebook_channel, make_office, telegram_channel
from tests.ui.conftest import compose, texts

WHY = "Bạn là người sửa nội dung bài này lần cuối"


@pytest.fixture
def office(db, clock) -> Office:
    office = make_office(
        "so-khcn", channels={"Fanpage": facebook_channel(), "Telegram": telegram_channel()}
    )
    with session_scope() as s:
        second, _ = users.create_user(
            s, ADMIN, "so-khcn-editor2", "editor", office.org.slug, password="correct horse battery"
        )
        office.users["editor2"] = second
    return office


def test_the_editor_who_rewrote_a_post_sees_no_approve_button_and_why(office, app_as):
    post_id = compose(office, submit=True)
    with session_scope() as s:
        posts.update(
            s,
            office.actor("editor"),
            post_id,
            PostInput(
                text="Biên tập viên viết lại toàn bộ bài",
                channels=list(office.channels),
                due_at=parse_local("10/10/2026 08:00"),
            ),
        )
    at = app_as(office, "editor", "views/review.py")
    assert not at.exception
    at.button(key=f"rv_open_{post_id}").click().run()
    keys = [b.key for b in at.button]
    assert f"rv_ok_{post_id}" not in keys and f"rv_now_{post_id}" not in keys
    assert f"rv_no_{post_id}" in keys  # sending it back stays possible
    shown = texts(at)
    assert WHY in shown
    assert "Nội dung sửa lần cuối: so-khcn-editor" in shown

    other = app_as(office, "editor2", "views/review.py")
    other.button(key=f"rv_open_{post_id}").click().run()
    assert WHY not in texts(other)
    other.button(key=f"rv_ok_{post_id}").click().run()
    assert not other.exception
    with session_scope() as s:
        post = s.get(Post, post_id)
        assert post.status == PostStatus.SCHEDULED
        assert post.reviewed_by == office.users["editor2"].id
