"""Administration in the app: create a user, change a role and organisation (their sessions
end), read and export the audit log (administrators and managers only, own organisation)."""

from __future__ import annotations

import csv
import io

import pytest
from sqlmodel import select

from publisher.db import session_scope
from publisher.errors import Conflict, PermissionDenied
from publisher.models import AuditEvent, User
from publisher.services.accounts import audit_log, sessions, users
from tests.factories import make_office
from tests.ui.conftest import texts
from ui import nav


def test_an_administrator_creates_a_user_in_the_browser(office, app_as):
    at = app_as(office, "admin", "views/users.py")
    assert not at.exception
    form_inputs = [w for w in at.text_input if w.label == "Tên đăng nhập"]
    form_inputs[0].input("canbo.moi")
    next(w for w in at.text_input if w.label == "Họ tên").input("Trần Văn Mới")
    at.button(key="FormSubmitter:us_create-Tạo tài khoản").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "Đã tạo «canbo.moi»" in texts(at)
    [code] = at.code
    with session_scope() as s:
        user = s.exec(select(User).where(User.username == "canbo.moi")).one()
        assert user.role == "officer" and user.full_name == "Trần Văn Mới"
    with session_scope() as s:
        assert users.authenticate(s, "canbo.moi", code.value) is not None


def test_creating_a_user_without_a_username_says_so_in_one_line(office, app_as):
    # The form sent empty said «Tên đăng nhập «» không hợp lệ (...)»: empty guillemets.
    at = app_as(office, "admin", "views/users.py")
    at.button(key="FormSubmitter:us_create-Tạo tài khoản").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Hãy nhập tên đăng nhập"]
    # Blank is blank too; a wrong one still quotes what was typed.
    next(w for w in at.text_input if w.label == "Tên đăng nhập").input("   ")
    at.button(key="FormSubmitter:us_create-Tạo tài khoản").click().run()
    assert [e.value for e in at.error] == ["Hãy nhập tên đăng nhập"]
    next(w for w in at.text_input if w.label == "Tên đăng nhập").input("có dấu cách")
    at.button(key="FormSubmitter:us_create-Tạo tài khoản").click().run()
    assert "«có dấu cách» không hợp lệ" in at.error[0].value


def test_changing_a_role_ends_the_users_sessions_and_is_audited(office):
    officer = office.users["officer"]
    with session_scope() as s:
        token = sessions.issue(s, s.get(User, officer.id))
    with session_scope() as s:
        users.change_role(s, office.actor("admin"), officer.username, "editor")
    with session_scope() as s:
        assert s.get(User, officer.id).role == "editor"
        assert sessions.resume(s, token) is None
        row = s.exec(select(AuditEvent).where(AuditEvent.action == "user.role")).one()
        assert row.before["role"] == "officer" and row.after["role"] == "editor"
    with pytest.raises(PermissionDenied), session_scope() as s:
        users.change_role(s, office.actor("admin"), office.users["admin"].username, "officer")
    with pytest.raises(PermissionDenied), session_scope() as s:
        users.change_role(s, office.actor("editor"), officer.username, "admin")


def test_the_last_administrator_is_not_demoted(office):
    other = make_office("so-khac")
    with session_scope() as s:
        users.set_active(s, other.actor("admin"), other.users["admin"].username, False)
    with pytest.raises(Conflict), session_scope() as s:
        # the other office's administrator is inactive: office's is the last active one
        users.change_role(s, other.actor("admin"), office.users["admin"].username, "officer")


def test_the_audit_log_is_filtered_scoped_and_exported(office):
    other = make_office("so-khac")
    with session_scope() as s:
        users.change_role(s, office.actor("admin"), office.users["officer"].username, "editor")
        users.change_role(s, other.actor("admin"), other.users["officer"].username, "editor")
    with session_scope() as s:
        flt = audit_log.AuditFilter(action="user.r")
        mine = audit_log.search(s, office.actor("manager"), flt)
        assert len(mine) == 1 and mine[0].org_id == office.org.id  # not the other office's
        assert mine[0].action == "user.role"
        every = audit_log.search(s, office.actor("manager"), audit_log.AuditFilter(action="user."))
        assert {r.action for r in every} == {"user.create", "user.role"}
        with pytest.raises(PermissionDenied):
            audit_log.search(s, office.actor("officer"))
        with pytest.raises(PermissionDenied):
            audit_log.search(s, office.actor("editor"))
    data = audit_log.to_csv(mine).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(data)))
    assert table[0][:3] == ["id", "at", "actor"] and len(table) == len(mine) + 1
    assert "user.role" in table[1]
    # the codes stay, followed by what they mean in the reader's language
    assert table[0][-3:] == ["actor_label", "action_label", "object_label"]
    assert table[1][-2:] == ["Đổi vai trò", "Tài khoản"]
    assert table[1][-3] == audit_log.actor_text(mine[0].actor_label)


@pytest.mark.parametrize(
    ("label", "vi", "en"),
    [
        ("user:canbo.so", "canbo.so", "canbo.so"),
        ("worker:render", "Hệ thống: dựng media", "System: rendering"),
        ("worker:prepare", "Hệ thống: chuẩn bị bản cho kênh", "System: channel versions"),
        ("worker:web-1-4242", "Tiến trình đăng bài web-1-4242", "Publishing worker web-1-4242"),
        ("cli:admin", "Dòng lệnh (quản trị)", "Command line (administrator)"),
        ("cli:backup", "Dòng lệnh: backup", "Command line: backup"),
        ("bot", "Trợ lý hỏi đáp", "FAQ assistant"),
        ("migration:0010", "Nâng cấp cơ sở dữ liệu (0010)", "Database upgrade (0010)"),
        ("someone:else", "someone:else", "someone:else"),  # unknown: as stored
        ("=HYPERLINK(1)", "=HYPERLINK(1)", "=HYPERLINK(1)"),
    ],
)
def test_who_acted_reads_as_people_say_it(label: str, vi: str, en: str) -> None:
    assert audit_log.actor_text(label) == vi
    assert audit_log.actor_text(label, "en") == en


def test_the_csv_never_starts_a_cell_with_a_formula():
    row = AuditEvent(actor_label="=HYPERLINK(1)", action="x", object_type="y", before={}, after={})
    data = audit_log.to_csv([row]).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in data


@pytest.mark.parametrize("role,sees", [("admin", True), ("manager", True), ("editor", False)])
def test_the_audit_page_is_in_the_navigation_of_admins_and_managers(office, role, sees):
    paths = [p.path for p in nav.visible_specs(office.actor(role))]
    assert ("views/audit.py" in paths) is sees


def test_the_audit_page_shows_and_filters_rows(office, app_as):
    with session_scope() as s:
        users.change_role(s, office.actor("admin"), office.users["officer"].username, "editor")
    at = app_as(office, "manager", "views/audit.py")
    assert not at.exception and not at.error, [e.value for e in at.error]
    table = at.dataframe[0].value
    assert "Đổi vai trò" in set(table["Thao tác"])
    assert not {"user.role", "user.create"} & set(table["Thao tác"])
    row = table[table["Thao tác"] == "Đổi vai trò"].iloc[0]
    assert row["Đối tượng"] == f"Tài khoản #{office.users['officer'].id}"
    assert row["Người thực hiện"] == office.users["admin"].username  # not «user:…»
    assert "Vai trò: Cán bộ truyền thông → Biên tập viên" in row["Thay đổi"]
    # the filters read as words, their values (and the URL's) stay codes
    action = at.selectbox(key="au_action")
    assert "Tài khoản: mọi thao tác" in action.options and "Đổi vai trò" in action.options
    assert "user." not in action.options
    assert "Tài khoản" in at.selectbox(key="au_object").options
    action.select("user.role").run()
    assert at.query_params["thao_tac"] == "user.role"
    assert set(at.dataframe[0].value["Thao tác"]) == {"Đổi vai trò"}
    at.text_input(key="au_who").input("nobody-like-this").run()
    assert "Không có dòng nào khớp bộ lọc" in texts(at)
