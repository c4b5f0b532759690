"""The review desk with a manager's sign-off (issue 18, item 6): the editor is told that
approved posts wait for the manager; the manager sees them on their own tab, signs off or
sends back, and turns the unit's setting on and off. In Vietnamese, on every backend."""

from __future__ import annotations

import pytest

from publisher.db import session_scope
from publisher.models import Organisation, Post, PostStatus
from publisher.services.publishing import posts, signoff
from tests.factories import Office, facebook_channel, make_office, telegram_channel
from tests.ui.conftest import compose, texts


@pytest.fixture
def office(db, clock) -> Office:
    office = make_office(
        "so-khcn", channels={"Fanpage": facebook_channel(), "Telegram": telegram_channel()}
    )
    with session_scope() as s:
        signoff.set_required(s, office.actor("manager"), office.org.id, True)
    return office


def _status(post_id: int) -> str:
    with session_scope() as s:
        return s.get(Post, post_id).status


def test_the_editors_approval_says_it_now_waits_for_the_manager(office, app_as):
    post_id = compose(office, submit=True)
    at = app_as(office, "editor", "views/review.py")
    assert "Đơn vị yêu cầu lãnh đạo ký duyệt" in texts(at)
    at.button(key=f"rv_open_{post_id}").click().run()
    at.button(key=f"rv_ok_{post_id}").click().run()
    assert not at.exception
    assert _status(post_id) == PostStatus.IN_REVIEW
    assert f"rv_open_{post_id}" not in [b.key for b in at.button]


def test_the_manager_signs_off_from_the_sign_off_tab(office, app_as):
    post_id = compose(office, submit=True)
    with session_scope() as s:
        posts.approve(s, office.actor("editor"), post_id)
    at = app_as(office, "manager", "views/review.py")
    assert not at.exception
    assert "Chờ lãnh đạo ký duyệt (1)" in [tab.label for tab in at.tabs]
    at.button(key=f"so_open_{post_id}").click().run()
    assert "Biên tập viên so-khcn-editor đã duyệt lúc" in texts(at)
    at.button(key=f"so_ok_{post_id}").click().run()
    assert not at.exception
    assert _status(post_id) == PostStatus.SCHEDULED


def test_the_manager_sends_it_back_with_a_comment(office, app_as):
    post_id = compose(office, submit=True)
    with session_scope() as s:
        posts.approve(s, office.actor("editor"), post_id)
    at = app_as(office, "manager", "views/review.py")
    at.button(key=f"so_open_{post_id}").click().run()
    at.button(key=f"so_no_{post_id}").click().run()  # no comment: refused, in Vietnamese
    assert _status(post_id) == PostStatus.IN_REVIEW
    at.text_area(key=f"so_comment_{post_id}").input("Cần số liệu mới").run()
    at.button(key=f"so_no_{post_id}").click().run()
    assert not at.exception
    assert _status(post_id) == PostStatus.REJECTED


def test_the_manager_turns_the_setting_off(office, app_as):
    at = app_as(office, "manager", "views/review.py")
    at.toggle(key="so_setting").set_value(False).run()
    assert not at.exception
    with session_scope() as s:
        assert s.get(Organisation, office.org.id).requires_signoff is False


def test_a_manager_whose_unit_needs_no_sign_off_can_turn_it_on_from_the_desk(office, app_as):
    with session_scope() as s:
        signoff.set_required(s, office.actor("manager"), office.org.id, False)
    at = app_as(office, "manager", "views/review.py")
    assert not at.exception
    labels = [tab.label for tab in at.tabs]
    assert "Chờ lãnh đạo ký duyệt (0)" in labels
    assert labels[0].startswith("Chờ duyệt")  # the queue they follow still comes first
    at.toggle(key="so_setting").set_value(True).run()
    assert not at.exception
    with session_scope() as s:
        assert s.get(Organisation, office.org.id).requires_signoff is True
    assert "Đã bật yêu cầu ký duyệt" in [m.value for m in at.success]
