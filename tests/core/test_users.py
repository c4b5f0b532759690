"""Deactivating and activating users (administrators only), on every backend."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from publisher.db import session_scope
from publisher.errors import Conflict, NotFound, PermissionDenied
from publisher.models import AuditEvent, UISession, User
from publisher.services import sessions, users
from publisher.services.actor import Actor
from tests.factories import ADMIN, make_office

PASSWORD = "correct horse battery"


def _issue(username: str) -> str:
    with session_scope() as s:
        return sessions.issue(s, users.get_user(s, username))


def _resume(token: str) -> sessions.Resumed | None:
    with session_scope() as s:
        return sessions.resume(s, token)


def _set_active(actor: Actor, username: str, active: bool) -> None:
    with session_scope() as s:
        users.set_active(s, actor, username, active)


def _events(action: str) -> list[AuditEvent]:
    with session_scope() as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_deactivated_user_cannot_log_in_and_their_web_sessions_end(db, clock):
    office = make_office()
    tokens = [_issue("so-khcn-officer"), _issue("so-khcn-officer")]
    other = _issue("so-khcn-editor")
    admin = office.actor("admin")

    _set_active(admin, "so-khcn-officer", False)

    assert [_resume(t) for t in tokens] == [None, None]
    assert _resume(other) is not None
    with session_scope() as s:
        with pytest.raises(PermissionDenied) as failed:
            users.authenticate(s, "so-khcn-officer", PASSWORD)
        assert failed.value.key == "error.login_failed"  # same answer as a wrong password
        rows = s.exec(
            select(UISession).where(UISession.user_id == office.users["officer"].id)
        ).all()
        assert rows and all(r.revoked_at is not None for r in rows)
    [event] = _events("user.deactivate")
    assert event.actor_label == "user:so-khcn-admin"
    assert event.object_id == office.users["officer"].id
    assert event.before == {"active": True}
    assert event.after == {"active": False, "sessions_revoked": 2}


def test_an_activated_user_logs_in_again_but_old_tokens_stay_revoked(db, clock):
    make_office()
    token = _issue("so-khcn-editor")
    _set_active(ADMIN, "so-khcn-editor", False)
    _set_active(ADMIN, "so-khcn-editor", True)
    with session_scope() as s:
        assert users.authenticate(s, "so-khcn-editor", PASSWORD).is_active
    assert _resume(token) is None
    [event] = _events("user.activate")
    assert event.actor_label == "test:admin"
    assert event.after == {"active": True, "sessions_revoked": 0}


def test_setting_the_state_a_user_already_has_records_nothing(db, clock):
    make_office()
    token = _issue("so-khcn-manager")
    _set_active(ADMIN, "so-khcn-manager", True)
    assert _resume(token) is not None
    assert _events("user.activate") == [] and _events("user.deactivate") == []


@pytest.mark.parametrize("role", ["officer", "editor", "manager"])
def test_only_administrators_may_deactivate_users(db, clock, role):
    office = make_office()
    with session_scope() as s:
        with pytest.raises(PermissionDenied):
            users.set_active(s, office.actor(role), "so-khcn-officer", False)
    with session_scope() as s:
        assert users.get_user(s, "so-khcn-officer").is_active


def test_the_last_active_administrator_cannot_be_deactivated(db, clock):
    office = make_office()
    with session_scope() as s:
        with pytest.raises(Conflict) as refused:
            users.set_active(s, ADMIN, "so-khcn-admin", False)
    assert refused.value.key == "error.last_admin"
    assert "so-khcn-admin" in refused.value.message("vi")

    with session_scope() as s:
        users.create_user(s, ADMIN, "second-admin", "admin", office.org.slug, password=PASSWORD)
    _set_active(ADMIN, "so-khcn-admin", False)  # another administrator is still active
    with session_scope() as s:
        with pytest.raises(Conflict):
            users.set_active(s, ADMIN, "second-admin", False)
    with session_scope() as s:
        active = s.exec(
            select(User.username).where(User.role == "admin", col(User.is_active).is_(True))
        ).all()
    assert list(active) == ["second-admin"]
    assert [e.object_id for e in _events("user.deactivate")] == [office.users["admin"].id]


def test_an_unknown_user_is_not_found(db, clock):
    make_office()
    with session_scope() as s:
        with pytest.raises(NotFound):
            users.set_active(s, ADMIN, "nobody", False)
