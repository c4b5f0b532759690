"""Every page renders for every role that may open it; role and organisation checks hold."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from streamlit.testing.v1 import AppTest

from publisher.db import session_scope
from publisher.models import Post, PostStatus
from publisher.services.accounts.actor import Actor
from tests.factories import make_office, telegram_channel
from tests.ui.conftest import APP, TIMEOUT, compose, texts
from ui import nav

ROLES = ("officer", "editor", "manager", "admin")
ALL_PAGES = [p.path for p in nav.PAGES]


def test_every_page_in_the_navigation_exists_and_every_page_file_is_listed():
    files = {f"views/{f.name}" for f in (nav.UI_DIR / "views").glob("*.py")}
    assert set(ALL_PAGES) == files - {"views/login.py", "views/__init__.py"}


def test_anonymous_user_sees_only_the_login_page(sqlite_db):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert [w.label for w in at.text_input] == ["Tên đăng nhập", "Mật khẩu"]
    assert "Lịch đăng bài" not in texts(at)


def _login(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    at.button[0].click()
    return at.run()


def test_login_with_a_database_user_opens_the_calendar(office):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    _login(at, "so-khcn-officer", "correct horse battery")
    assert not at.exception
    assert isinstance(at.session_state["actor"], Actor)
    assert at.session_state["actor"].role == "officer"
    # AppTest keeps the login page's hash across st.rerun(); a browser lands on the default.
    at.switch_page("views/calendar.py").run()
    assert not at.exception
    assert "Lịch đăng bài" in texts(at)


def test_wrong_password_is_refused_and_five_failures_make_this_browser_wait(office):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    _login(at, "so-khcn-officer", "wrong password")
    assert "actor" not in at.session_state
    assert any("Sai tên đăng nhập hoặc mật khẩu" in e.value for e in at.error), texts(at)
    for _ in range(4):
        _login(at, "so-khcn-officer", "wrong password")
    _login(at, "so-khcn-officer", "correct horse battery")
    assert "actor" not in at.session_state
    assert any("thử lại sau" in e.value for e in at.error), [e.value for e in at.error]


def _landing(office, role: str, **state: object) -> AppTest:
    """The app's first run for a logged-in session (the main script draws the sidebar)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["actor"] = office.actor(role)
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def test_an_idle_session_times_out(office, clock):
    at = _landing(office, "officer", last_seen=clock.now() - timedelta(minutes=29))
    assert "Lịch đăng bài" in texts(at)
    at = _landing(office, "officer", last_seen=clock.now() - timedelta(minutes=31))
    assert at.session_state["actor"] is None
    assert any("hết hạn" in w.value for w in at.warning)
    assert [w.label for w in at.text_input] == ["Tên đăng nhập", "Mật khẩu"]


def test_english_is_switchable(office):
    at = _landing(office, "officer")
    assert "Lịch đăng bài" in texts(at)
    at.sidebar.radio(key="lang_switch").set_value("en").run()
    assert not at.exception
    assert at.session_state["lang"] == "en"
    assert "Publishing calendar" in texts(at)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ALL_PAGES)
def test_every_page_renders_for_every_role_that_may_open_it(office, app_as, role, page):
    compose(office, submit=True)
    actor = office.actor(role)
    spec = next(p for p in nav.PAGES if p.path == page)
    if not actor.can(spec.permission):
        assert spec not in nav.visible_specs(actor)
        at = AppTest.from_file(str(nav.UI_DIR / page), default_timeout=TIMEOUT)
        at.session_state["actor"] = actor
        at.run()
        assert any("không được mở" in e.value for e in at.error)
        return
    at = app_as(office, role, page)
    assert not at.exception, [e.value for e in at.exception]


def test_navigation_follows_the_roles(office):
    paths = {r: {p.path for p in nav.visible_specs(office.actor(r))} for r in ROLES}
    assert "views/compose.py" not in paths["manager"]
    assert "views/compose.py" in paths["officer"]
    assert "views/channels.py" in paths["officer"]  # read-only for officers
    assert all("views/calendar.py" in p for p in paths.values())


def test_an_officer_cannot_reach_review_actions(office, app_as):
    other = compose(office, role="editor", submit=True)
    at = app_as(office, "officer", "views/review.py")
    assert not at.exception
    labels = [b.label for b in at.button]
    assert "Duyệt" not in labels and "Trả lại" not in labels
    # an editor's post is not the officer's (a word of its own: «#1B2430» is the style sheet)
    assert not re.search(rf"#{other}\b", texts(at))


def test_an_editor_approves_and_rejects_with_a_comment(office, app_as):
    first = compose(office, submit=True)
    second = compose(office, text="Bài thứ hai cần sửa", submit=True)
    at = app_as(office, "editor", "views/review.py")
    assert f"#{first}" in texts(at) and f"#{second}" in texts(at)
    assert f"rv_ok_{first}" not in [b.key for b in at.button]  # rows open one at a time
    at.button(key=f"rv_open_{first}").click().run()
    at.button(key=f"rv_ok_{first}").click().run()
    assert any("sẽ được đăng lúc 10/10/2026 08:00" in s.value for s in at.success)
    at.button(key=f"rv_open_{second}").click().run()
    at.button(key=f"rv_no_{second}").click().run()
    assert any("Hãy ghi lý do trả lại bài viết" in e.value for e in at.error)
    at.text_area(key=f"rv_comment_{second}").input("Bổ sung nguồn số liệu")
    at.button(key=f"rv_no_{second}").click().run()
    with session_scope() as s:
        assert s.get(Post, first).status == PostStatus.SCHEDULED
        rejected = s.get(Post, second)
        assert rejected.status == PostStatus.REJECTED
        assert rejected.review_comment == "Bổ sung nguồn số liệu"
    officer = app_as(office, "officer", "views/review.py")
    officer.button(key=f"rv_open_{second}").click().run()
    assert "Bổ sung nguồn số liệu" in texts(officer)
    assert "Bị trả lại bởi so-khcn-editor" in texts(officer)


def test_a_user_never_sees_another_organisations_posts(office, app_as):
    mine = compose(office, text="Bài của đơn vị mình")
    other = make_office("so-tttt", channels={"tg-other": telegram_channel("@tttt_news")})
    theirs = compose(other, text="Bài của đơn vị khác")
    for page in ("views/calendar.py", "views/review.py", "views/deliveries.py"):
        at = app_as(office, "editor", page)
        shown = texts(at) + " ".join(str(s.options) for s in at.selectbox)
        assert f"#{theirs} " not in shown and "Bài của đơn vị khác" not in shown, page
    cal = app_as(office, "editor", "views/calendar.py")
    assert f"#{mine} " in " ".join(str(s.options) for s in cal.selectbox)


def _nav_script() -> None:
    import streamlit as st

    from publisher.services.accounts.actor import Actor as _Actor
    from ui import nav as _nav

    actor = _Actor.system()
    rows = [
        f"{p.url_path}|{p.visibility}|{p.title}"
        for pages in _nav.build(actor).values()
        for p in pages
    ]
    rows += [f"login:{p.url_path}|{p.visibility}" for p in _nav.login_pages("Đăng nhập", "")]
    st.text("\n".join(rows))


def test_the_calendar_also_answers_at_slash_calendar(sqlite_db):
    """QA: typing «/calendar» showed Streamlit's English «Page not found» (the default page
    lives at «/»). A hidden alias serves it there, after the default page (so switch_page
    still goes to «/»); logged out, every page's address shows the login form."""
    at = AppTest.from_function(_nav_script, default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    rows = str(at.text[0].value).splitlines()
    calendar = [r for r in rows if r.endswith("|Lịch") or r.startswith("calendar|")]
    assert calendar == ["|visible|Lịch", "calendar|hidden|Lịch"], calendar
    assert "login:calendar|hidden" in rows and "login:review|hidden" in rows
    assert "login:login|visible" in rows
