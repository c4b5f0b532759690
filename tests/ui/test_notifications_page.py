"""The «Thông báo» page: a user sets their email and per-event channels, makes a Telegram
link code; a bad address is refused in Vietnamese with nothing saved. On every backend."""

from __future__ import annotations

from typing import Any

from publisher.db import session_scope
from publisher.models import NotifyContact
from tests.factories import make_office
from tests.ui.conftest import texts


# By label: the sidebar (language, «Đăng xuất») is part of every run too.
def _email(at: Any) -> Any:
    return next(w for w in at.text_input if w.label == "Email nhận thông báo")


def _save(at: Any) -> Any:
    return next(b for b in at.button if b.label == "Lưu")


def test_an_editor_saves_an_email_and_chooses_channels(db, clock, app_as):
    office = make_office("so-khcn")
    at = app_as(office, "editor", "views/notifications.py")
    assert not at.exception
    shown = texts(at)
    assert "Chưa liên kết Telegram." in shown and "Bài chờ duyệt" in shown
    _email(at).input("bientap@sokhcn.gov.vn")
    at.checkbox(key="nt_tg_post_approved").uncheck()
    _save(at).click().run()
    assert not at.exception
    with session_scope() as s:
        row = s.get(NotifyContact, office.users["editor"].id)
        assert row.email == "bientap@sokhcn.gov.vn"
        assert row.events["post_approved"] == ["email"]


def test_a_bad_email_is_refused_in_vietnamese(db, clock, app_as):
    office = make_office("so-khcn")
    at = app_as(office, "officer", "views/notifications.py")
    _email(at).input("khong phai email")
    _save(at).click().run()
    assert "Địa chỉ email «khong phai email» không hợp lệ" in texts(at)
    with session_scope() as s:
        row = s.get(NotifyContact, office.users["officer"].id)
        assert row is None or row.email == ""


def test_a_link_code_is_shown_once_made(db, clock, app_as):
    office = make_office("so-khcn")
    at = app_as(office, "manager", "views/notifications.py")
    at.button(key="nt_code").click().run()
    assert not at.exception
    assert len(at.code) == 1 and len(at.code[0].value) == 16
    assert "trong vòng 15 phút" in texts(at)
