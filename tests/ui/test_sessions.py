"""Login sessions that survive a browser reload: the token service (on every backend) and the
interface's use of it (AppTest). The reload itself is in test_browser.py."""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from streamlit.testing.v1 import AppTest

from publisher.db import session_scope
from publisher.errors import PermissionDenied
from publisher.models import UISession
from publisher.services.accounts import sessions, users
from tests.factories import ADMIN, make_office
from tests.ui.conftest import APP, PASSWORD, TIMEOUT, cookie_scripts


def _issue(username: str) -> str:
    with session_scope() as s:
        user = users.get_user(s, username)
        return sessions.issue(s, user)


def _resume(token: str) -> sessions.Resumed | None:
    with session_scope() as s:
        return sessions.resume(s, token)


def test_a_token_resumes_its_user_and_only_its_hash_is_stored(db, clock):
    office = make_office()
    token = _issue("so-khcn-editor")
    found = _resume(token)
    assert found is not None
    assert found.actor.user_id == office.users["editor"].id and found.actor.role == "editor"
    with session_scope() as s:
        [row] = s.exec(select(UISession)).scalars().all()
        stored = [str(v) for v in row.model_dump().values()]
    assert token not in stored and sessions.token_hash(token) in stored
    assert _resume(token + "x") is None and _resume("") is None


def test_a_token_expires_after_the_idle_timeout_and_each_use_slides_it(db, clock):
    make_office()
    token = _issue("so-khcn-officer")
    clock.advance(seconds=(sessions.IDLE_TIMEOUT - timedelta(minutes=1)).total_seconds())
    assert _resume(token) is not None  # used: valid for another IDLE_TIMEOUT from now
    clock.advance(seconds=(sessions.IDLE_TIMEOUT - timedelta(minutes=1)).total_seconds())
    assert _resume(token) is not None
    clock.advance(seconds=(sessions.IDLE_TIMEOUT + timedelta(seconds=1)).total_seconds())
    assert _resume(token) is None


def test_logout_revokes_the_token(db, clock):
    make_office()
    token = _issue("so-khcn-officer")
    other = _issue("so-khcn-officer")  # the same user in another browser
    with session_scope() as s:
        assert sessions.revoke(s, token) is True
    with session_scope() as s:
        assert sessions.revoke(s, token) is False
    assert _resume(token) is None
    assert _resume(other) is not None


def test_a_password_change_revokes_every_token_of_that_user_only(db, clock):
    make_office()
    mine = [_issue("so-khcn-officer"), _issue("so-khcn-officer")]
    theirs = _issue("so-khcn-editor")
    with session_scope() as s:
        users.set_password(s, ADMIN, "so-khcn-officer", "a new password 42")
    assert [_resume(t) for t in mine] == [None, None]
    assert _resume(theirs) is not None


def test_a_disabled_user_cannot_resume(db, clock):
    make_office()
    token = _issue("so-khcn-manager")
    with session_scope() as s:
        user = users.get_user(s, "so-khcn-manager")
        user.is_active = False
        s.add(user)
    assert _resume(token) is None


def test_the_role_is_read_at_resume_not_frozen_at_login(db, clock):
    make_office()
    token = _issue("so-khcn-officer")
    with session_scope() as s:
        user = users.get_user(s, "so-khcn-officer")
        user.role = "manager"
        s.add(user)
    found = _resume(token)
    assert found is not None and found.actor.role == "manager"


def test_issuing_deletes_rows_dead_for_a_day(db, clock):
    make_office()
    old = _issue("so-khcn-officer")
    revoked = _issue("so-khcn-editor")
    with session_scope() as s:
        sessions.revoke(s, revoked)
    clock.advance(seconds=(sessions.IDLE_TIMEOUT + sessions.KEEP_DEAD).total_seconds() + 1)
    fresh = _issue("so-khcn-admin")
    with session_scope() as s:
        hashes = set(s.exec(select(UISession.token_hash)).scalars().all())
    assert hashes == {sessions.token_hash(fresh)}
    assert _resume(old) is None


# -- the interface --------------------------------------------------------------------------------
# AppTest runs ui/app.py only on its first run (later runs execute the current page's file), so
# the session logic of ui/common.py is driven here by a small page that calls it as app.py does.
def _app() -> None:
    import streamlit as st

    from ui import common

    common.start_run()
    common.sync_cookie()
    st.write("in" if common.current_actor() else "out")
    if st.button("logout"):
        common.logout()


def _scripts(at: AppTest) -> str:
    return "\n".join(str(h.proto.body) for h in at.get("html"))


def _signed_in(office, clock) -> tuple[AppTest, str]:
    """The small page with a session as the login page leaves it (token issued, cookie due)."""
    token = _issue(office.users["officer"].username)
    at = AppTest.from_function(_app, default_timeout=TIMEOUT)
    at.session_state["actor"] = office.actor("officer")
    at.session_state["last_seen"] = clock.now()
    at.session_state["session_token"] = token
    at.session_state["session_token_checked"] = clock.now()
    at.session_state["session_cookie_op"] = ("set", token)
    return at.run(), token


def test_the_login_form_issues_a_token_and_asks_for_the_cookie(office, clock):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.text_input(key="login_username").input(office.users["officer"].username)
    at.text_input(key="login_password").input(PASSWORD)
    at.button[0].click().run()
    token = at.session_state["session_token"]
    assert _resume(token) is not None
    assert json.dumps(token) in cookie_scripts(at)  # written by the rerun after the login


def test_the_cookie_is_written_once(office, clock):
    at, token = _signed_in(office, clock)
    assert at.markdown[0].value == "in"
    body = _scripts(at)
    assert f'r57_session=\' + "{token}"' in body and "SameSite=Strict" in body
    at.run()
    assert "r57_session" not in _scripts(at)


def test_logout_revokes_the_token_and_clears_the_cookie(office, clock):
    at, token = _signed_in(office, clock)
    at.button[0].click().run()
    assert at.session_state["actor"] is None
    assert _resume(token) is None
    at.run()
    assert at.markdown[0].value == "out"
    assert "r57_session=; Path=/; SameSite=Strict; Max-Age=0" in _scripts(at)


def test_an_open_session_ends_within_a_minute_of_its_token_being_revoked(office, clock):
    at, _ = _signed_in(office, clock)
    with session_scope() as s:
        users.set_password(s, ADMIN, office.users["officer"].username, "a new password 42")
    clock.advance(seconds=30)
    at.run()
    assert at.markdown[0].value == "in"  # not re-checked yet
    clock.advance(seconds=31)
    at.run()
    assert at.markdown[0].value == "out"
    assert "Phiên đăng nhập đã kết thúc" in at.session_state["flash"][1]


def test_an_open_session_slides_the_stored_expiry(office, clock):
    at, _ = _signed_in(office, clock)
    for _ in range(3):  # 3 x 20 minutes of activity: longer than the idle timeout
        clock.advance(minutes=20)
        at.run()
        assert at.markdown[0].value == "in"
    with session_scope() as s:
        expires = s.exec(select(func.max(UISession.expires_at))).scalar_one()
    assert expires == clock.now() + sessions.IDLE_TIMEOUT


# -- the units of work the pages call (each owns its transaction) ------------------------------
def test_login_checks_the_password_and_issues_a_token_that_resumes(db, clock):
    office = make_office()
    done = users.login("so-khcn-editor", PASSWORD, source="ip:203.0.113.7")
    assert done.actor.user_id == office.users["editor"].id
    assert done.full_name
    found = sessions.resume_token(done.token)
    assert found is not None and found.actor.user_id == done.actor.user_id
    sessions.revoke_token(done.token)
    assert sessions.resume_token(done.token) is None


def test_a_wrong_password_issues_no_token(db, clock):
    make_office()
    with pytest.raises(PermissionDenied):
        users.login("so-khcn-editor", PASSWORD + "x")
    with session_scope() as s:
        assert s.exec(select(func.count()).select_from(UISession)).scalar_one() == 0


def test_an_unreachable_database_ends_the_session_without_an_error(db, clock, monkeypatch):
    make_office()
    token = _issue("so-khcn-editor")

    @contextmanager
    def down(*_a, **_k):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))
        yield

    monkeypatch.setattr(sessions, "session_scope", down)
    assert sessions.resume_token(token) is None
    sessions.revoke_token(token)  # ignored: the token expires after the idle timeout
