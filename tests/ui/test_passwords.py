"""Passwords in the interface: every user changes their own on «Đổi mật khẩu»; an administrator
resets a forgotten one on «Tài khoản» and sees the generated password once."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from publisher.db import session_scope
from publisher.errors import PublisherError
from publisher.services.accounts import sessions, users
from tests.ui.conftest import PASSWORD, cookie_scripts, texts

NEW = "mật khẩu mới 2026"


def _issue(username: str) -> str:
    with session_scope() as s:
        return sessions.issue(s, users.get_user(s, username))


def _valid(token: str) -> bool:
    with session_scope() as s:
        return sessions.resume(s, token) is not None


def _logs_in(username: str, password: str) -> bool:
    with session_scope() as s:
        try:
            users.authenticate(s, username, password)
        except PublisherError:
            return False
    return True


def _submit(at: AppTest, current: str, new: str, repeat: str) -> AppTest:
    at.text_input(key="pw_current").input(current)
    at.text_input(key="pw_new").input(new)
    at.text_input(key="pw_repeat").input(repeat)
    return at.button(key="pw_submit").click().run()


@pytest.mark.parametrize("role", ["officer", "editor", "manager", "admin"])
def test_every_role_has_the_change_password_page(office, role):
    from ui import nav

    assert "views/password.py" in [p.path for p in nav.visible_specs(office.actor(role))]


def test_a_user_changes_their_password_and_this_browser_stays_logged_in(office, app_as):
    username = office.users["officer"].username
    elsewhere = _issue(username)
    at = app_as(office, "officer", "views/password.py")
    old_token = at.session_state["session_token"]

    _submit(at, PASSWORD, NEW, NEW)

    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "Đã đổi mật khẩu" in texts(at)
    token = at.session_state["session_token"]
    assert token != old_token and _valid(token)
    assert json.dumps(token) in cookie_scripts(at)  # the cookie follows (after the rerun)
    assert at.session_state["actor"].username == username
    assert not _valid(old_token) and not _valid(elsewhere)
    assert _logs_in(username, NEW) and not _logs_in(username, PASSWORD)


@pytest.mark.parametrize(
    ("current", "new", "repeat", "message"),
    [
        ("", NEW, NEW, "Hãy nhập mật khẩu hiện tại"),
        (PASSWORD, NEW, NEW + "x", "không khớp"),
        ("sai mật khẩu", NEW, NEW, "Mật khẩu hiện tại không đúng"),
        (PASSWORD, "ngắn", "ngắn", "ít nhất 8 ký tự"),
        (PASSWORD, PASSWORD, PASSWORD, "phải khác mật khẩu hiện tại"),
        (PASSWORD, "so-khcn-editor", "so-khcn-editor", "trùng với tên đăng nhập"),
    ],
)
def test_the_form_says_in_one_line_what_is_wrong_and_changes_nothing(
    office, app_as, current, new, repeat, message
):
    at = app_as(office, "editor", "views/password.py")
    token = at.session_state["session_token"]
    _submit(at, current, new, repeat)
    assert not at.exception
    [error] = [e.value for e in at.error]
    assert message in error and "\n" not in error
    assert at.session_state["session_token"] == token and _valid(token)
    assert _logs_in("so-khcn-editor", PASSWORD)


def test_an_administrator_resets_a_password_and_sees_it_once(office, app_as):
    officer = office.users["officer"]
    token = _issue(officer.username)
    admin = app_as(office, "admin", "views/users.py")
    assert f"us_reset_{office.users['admin'].id}" not in [b.key for b in admin.button]

    admin.button(key=f"us_reset_{officer.id}").click().run()

    assert not admin.exception and not admin.error, [e.value for e in admin.error]
    assert f"Mật khẩu mới của «{officer.username}»" in texts(admin)
    [code] = admin.code
    assert _logs_in(officer.username, code.value) and not _logs_in(officer.username, PASSWORD)
    assert not _valid(token)
    assert all(code.value not in str(v) for v in admin.session_state.values())
    admin.run()
    assert not admin.code and "Mật khẩu mới của" not in texts(admin)
