"""Deactivating and activating users, changing and resetting passwords, on every backend."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from publisher.db import session_scope
from publisher.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from publisher.models import AuditEvent, LoginThrottle, UISession, User
from publisher.services.accounts import sessions, users
from publisher.services.accounts.actor import Actor
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


# -- passwords --------------------------------------------------------------------------------
NEW = "a new password 42"


def _change(actor: Actor, current: str, new: str) -> str:
    with session_scope() as s:
        return users.change_own_password(s, actor, current, new)


def _login(username: str, password: str) -> User:
    with session_scope() as s:
        return users.authenticate(s, username, password)


def _user(username: str) -> User:
    with session_scope() as s:
        return users.get_user(s, username)


def _failures(username: str) -> int:
    """Wrong passwords counted for ``username`` (every source)."""
    with session_scope() as s:
        rows = s.exec(select(LoginThrottle).where(LoginThrottle.username == username))
        return sum(r.failures for r in rows)


def test_a_user_changes_their_own_password_and_only_this_browser_stays_logged_in(db, clock):
    office = make_office()
    officer = office.actor("officer")
    this_browser, other_browser = _issue("so-khcn-officer"), _issue("so-khcn-officer")
    colleague = _issue("so-khcn-editor")

    token = _change(officer, PASSWORD, NEW)

    assert [_resume(t) for t in (this_browser, other_browser)] == [None, None]
    found = _resume(token)
    assert found is not None and found.actor.user_id == officer.user_id
    assert _resume(colleague) is not None
    assert _login("so-khcn-officer", NEW).username == "so-khcn-officer"
    with session_scope() as s, pytest.raises(PermissionDenied):
        users.authenticate(s, "so-khcn-officer", PASSWORD)
    [event] = _events("user.password_changed")
    assert event.actor_label == "user:so-khcn-officer"
    assert event.object_id == officer.user_id
    assert event.after == {"sessions_revoked": 2}
    stored = f"{event.before} {event.after} {_user('so-khcn-officer').password_hash}"
    assert NEW not in stored and PASSWORD not in stored


def test_a_wrong_current_password_changes_nothing_and_counts_as_a_failed_login(db, clock):
    office = make_office()
    token = _issue("so-khcn-editor")
    with pytest.raises(PermissionDenied) as wrong:
        _change(office.actor("editor"), "not my password", NEW)
    assert wrong.value.key == "error.current_password_wrong"
    assert wrong.value.message("vi") == "Mật khẩu hiện tại không đúng"
    assert _failures("so-khcn-editor") == 1  # committed although the call raised
    assert _resume(token) is not None  # nothing revoked
    _login("so-khcn-editor", PASSWORD)
    assert _failures("so-khcn-editor") == 0
    [failed] = _events("user.password_change_failed")
    assert failed.after == {"locked": False, "source": users.UNKNOWN_SOURCE}
    assert "not my password" not in str(failed.after)
    assert _events("user.password_changed") == []


def test_guessing_the_current_password_delays_like_failed_logins(db, clock):
    office = make_office()
    manager = office.actor("manager")
    token = _issue("so-khcn-manager")
    for _ in range(users.MAX_FAILED_LOGINS - 2):
        with pytest.raises(PermissionDenied):
            _change(manager, "guess", NEW)
    with session_scope() as s, pytest.raises(PermissionDenied):
        users.authenticate(s, "so-khcn-manager", "another guess")  # one shared counter
    with pytest.raises(PermissionDenied) as locked:
        _change(manager, "last guess", NEW)
    assert locked.value.key == "error.password_locked"
    assert locked.value.params == {"minutes": 1}  # FIRST_DELAY, rounded up to a minute
    # Waiting: even the right password neither changes it nor logs in (from this source).
    with pytest.raises(PermissionDenied) as still:
        _change(manager, PASSWORD, NEW)
    assert still.value.key == "error.password_locked"
    with session_scope() as s, pytest.raises(PermissionDenied) as login:
        users.authenticate(s, "so-khcn-manager", PASSWORD)
    assert login.value.key == "error.login_locked"
    assert _resume(token) is not None  # the open session is not ended by the lock
    clock.advance(seconds=users.FIRST_DELAY.total_seconds() + 1)
    _change(manager, PASSWORD, NEW)
    assert _login("so-khcn-manager", NEW).username == "so-khcn-manager"
    assert _failures("so-khcn-manager") == 0
    assert [e.after["locked"] for e in _events("user.password_change_failed")][-1] is True


@pytest.mark.parametrize(
    ("new", "key"),
    [
        ("short", "error.password_too_short"),
        ("so-khcn-officer", "error.password_is_username"),
        ("SO-KHCN-OFFICER", "error.password_is_username"),
        (PASSWORD, "error.password_unchanged"),
    ],
)
def test_a_weak_new_password_is_refused_without_counting_a_failure(db, clock, new, key):
    office = make_office()
    with pytest.raises(InvalidInput) as refused:
        _change(office.actor("officer"), PASSWORD, new)
    assert refused.value.key == key
    assert "\n" not in refused.value.message("vi") and refused.value.message("vi") != key
    assert _failures("so-khcn-officer") == 0
    assert _login("so-khcn-officer", PASSWORD).username == "so-khcn-officer"
    assert _events("user.password_changed") == []


def test_the_system_actor_has_no_own_password_to_change(db, clock):
    make_office()
    with pytest.raises(PermissionDenied) as refused:
        _change(ADMIN, PASSWORD, NEW)
    assert refused.value.key == "error.password_no_account"


def test_an_administrator_resets_a_forgotten_password_and_unlocks_the_account(db, clock):
    office = make_office()
    token = _issue("so-khcn-officer")
    for _ in range(users.MAX_FAILED_LOGINS):
        with session_scope() as s, pytest.raises(PermissionDenied):
            users.authenticate(s, "so-khcn-officer", "forgotten")
    with session_scope() as s, pytest.raises(PermissionDenied) as waiting:
        users.authenticate(s, "so-khcn-officer", PASSWORD)
    assert waiting.value.key == "error.login_locked"

    with session_scope() as s:
        generated = users.set_password(s, office.actor("admin"), "so-khcn-officer")

    assert len(generated) >= users.MIN_PASSWORD and generated != PASSWORD
    assert _resume(token) is None
    assert _login("so-khcn-officer", generated).username == "so-khcn-officer"  # no delay
    [event] = _events("user.password_reset")
    assert event.actor_label == "user:so-khcn-admin"
    assert event.after == {"sessions_revoked": 1} and generated not in str(event.after)
    with session_scope() as s:
        assert users.set_password(s, ADMIN, "so-khcn-officer", NEW) == NEW
    assert _login("so-khcn-officer", NEW).username == "so-khcn-officer"


@pytest.mark.parametrize("role", ["officer", "editor", "manager"])
def test_only_administrators_reset_passwords_even_their_own(db, clock, role):
    office = make_office()
    with session_scope() as s, pytest.raises(PermissionDenied):
        users.set_password(s, office.actor(role), f"so-khcn-{role}", NEW)
    with session_scope() as s, pytest.raises(PermissionDenied):
        users.set_password(s, office.actor(role), "so-khcn-admin", NEW)
    assert _login(f"so-khcn-{role}", PASSWORD).username == f"so-khcn-{role}"


def test_a_reset_refuses_a_short_password_or_the_username_and_an_unknown_user(db, clock):
    make_office()
    for password, key in (
        ("1234567", "error.password_too_short"),
        ("so-khcn-editor", "error.password_is_username"),
    ):
        with session_scope() as s, pytest.raises(InvalidInput) as refused:
            users.set_password(s, ADMIN, "so-khcn-editor", password)
        assert refused.value.key == key
    with session_scope() as s, pytest.raises(NotFound):
        users.set_password(s, ADMIN, "nobody", NEW)
    assert _events("user.password_reset") == []
