"""Logins (issue 14, finding 5): no user enumeration by timing, a growing delay per username
and source instead of an account lock anyone can trigger, no password equal to the username.
On every backend."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlmodel import select

from publisher import security
from publisher.db import session_scope
from publisher.errors import InvalidInput, PermissionDenied
from publisher.models import AuditEvent, LoginThrottle, User
from publisher.services.accounts import users
from tests.factories import ADMIN, make_office

PASSWORD = "correct horse battery"
ATTACKER = "ip:198.51.100.66"
OFFICE_PC = "ip:203.0.113.7"


@pytest.fixture
def office(db, clock):
    return make_office()


def _try(username: str, password: str, source: str | None = ATTACKER) -> str:
    """The outcome of one login: "ok" or the refusal's key."""
    with session_scope() as s:
        try:
            users.authenticate(s, username, password, source=source)
        except PermissionDenied as exc:
            return exc.key
    return "ok"


class _CountingHasher(PasswordHasher):
    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.verified += 1
        return super().verify(hash, password)


def test_an_unknown_username_costs_the_same_argon2_work_as_a_wrong_password(office, monkeypatch):
    hasher = _CountingHasher()
    monkeypatch.setattr(security, "_hasher", hasher)
    assert _try("so-khcn-editor", "wrong password") == "error.login_failed"
    wrong = hasher.verified
    assert _try("nobody-here", "wrong password") == "error.login_failed"
    assert hasher.verified - wrong == wrong == 1  # one verification each (a dummy hash)
    with session_scope() as s:  # an inactive account's hash is checked too
        users.set_active(s, ADMIN, "so-khcn-officer", False)
    assert _try("so-khcn-officer", PASSWORD) == "error.login_failed"
    assert hasher.verified == 3


def test_an_attacker_cannot_lock_the_administrator_out(office, clock):
    for _ in range(users.MAX_FAILED_LOGINS):  # the old lock: 15 minutes for everyone
        _try("so-khcn-admin", "guess")
    assert _try("so-khcn-admin", PASSWORD, ATTACKER) == "error.login_locked"
    assert _try("so-khcn-admin", PASSWORD, OFFICE_PC) == "ok"  # from the office: no wait
    for _ in range(7):  # the attacker keeps going, waiting out every delay
        clock.advance(seconds=users.MAX_DELAY.total_seconds())
        assert _try("so-khcn-admin", "guess") == "error.login_locked"
    assert _try("so-khcn-admin", PASSWORD, OFFICE_PC) == "ok"
    with session_scope() as s:
        failed = s.exec(select(AuditEvent).where(AuditEvent.action == "user.login_failed")).all()
    assert len(failed) == 12 and {e.after["source"] for e in failed} == {ATTACKER}


def test_the_delay_grows_per_source_and_is_capped(office, clock):
    waits = []
    for _ in range(10):
        outcome = _try("so-khcn-editor", "guess")
        with session_scope() as s:
            row = s.exec(
                select(LoginThrottle).where(
                    LoginThrottle.username == "so-khcn-editor", LoginThrottle.source == ATTACKER
                )
            ).one()
        wait = (row.blocked_until - clock.now()) if row.blocked_until else timedelta(0)
        waits.append((outcome, int(wait.total_seconds())))
        if wait:  # waiting: refused without a check, and not counted
            assert _try("so-khcn-editor", PASSWORD) == "error.login_locked"
        clock.advance(seconds=wait.total_seconds() + 1)
    assert waits == [("error.login_failed", 0)] * 4 + [
        ("error.login_locked", 30),
        ("error.login_locked", 60),
        ("error.login_locked", 120),
        ("error.login_locked", 240),
        ("error.login_locked", 480),
        ("error.login_locked", 900),
    ]
    assert _try("so-khcn-editor", PASSWORD, OFFICE_PC) == "ok"
    clock.advance(seconds=1)
    assert _try("so-khcn-editor", PASSWORD) == "ok"  # the wait is over: the right password
    assert _try("so-khcn-editor", "one typo") == "error.login_failed"  # counting restarted


def test_a_burst_of_parallel_guesses_from_one_source_gets_no_extra_checks(office, monkeypatch):
    import threading

    hasher = _CountingHasher()
    monkeypatch.setattr(security, "_hasher", hasher)
    start = threading.Barrier(8)
    outcomes: list[str] = []

    def guess() -> None:
        start.wait(30)
        outcomes.append(_try("so-khcn-editor", "guess"))

    threads = [threading.Thread(target=guess) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["error.login_failed"] * 4 + ["error.login_locked"] * 4
    assert hasher.verified == users.MAX_FAILED_LOGINS  # the rest waited, then were refused
    with session_scope() as s:
        [row] = s.exec(select(LoginThrottle)).all()
    assert row.failures == users.MAX_FAILED_LOGINS


def test_unknown_and_known_usernames_are_throttled_alike(office):
    known = [_try("so-khcn-editor", "guess") for _ in range(6)]
    unknown = [_try("no-such-user", "guess") for _ in range(6)]
    assert known == unknown == ["error.login_failed"] * 4 + ["error.login_locked"] * 2


def test_a_login_without_a_known_source_uses_one_stable_bucket(office):
    for _ in range(users.MAX_FAILED_LOGINS):
        _try("so-khcn-officer", "guess", source=None)
    assert _try("so-khcn-officer", PASSWORD, source=None) == "error.login_locked"
    assert _try("so-khcn-officer", PASSWORD, source="") == "error.login_locked"
    assert _try("so-khcn-officer", PASSWORD, OFFICE_PC) == "ok"


@pytest.mark.parametrize("name", ["so-khcn-\x00editor", "x" * 100_000, "\u202e\t"])
def test_odd_usernames_are_a_failed_login_not_a_crash(office, name):
    assert _try(name, "guess") == "error.login_failed"


@pytest.mark.parametrize("password", ["chen-officer", "CHEN-OFFICER", " Chen-Officer "])
def test_a_new_user_whose_password_is_the_username_is_refused(office, password):
    with pytest.raises(InvalidInput) as refused, session_scope() as s:
        users.create_user(s, ADMIN, "chen-officer", "officer", "so-khcn", password=password)
    assert refused.value.key == "error.password_is_username"
    assert refused.value.message("vi") == "Mật khẩu không được trùng với tên đăng nhập"
    with session_scope() as s:
        assert s.exec(select(User).where(User.username == "chen-officer")).first() is None


def test_user_add_refuses_the_username_as_password_with_one_line(db):
    from tests.core.test_cli import run

    assert run("init", "--json").returncode == 0
    refused = run(
        "user", "add", "--username", "Lan.Officer", "--role", "officer", "--org", "1",
        "--password", "LAN.officer",
    )  # fmt: skip
    assert refused.returncode == 1
    assert refused.stderr == "Mật khẩu không được trùng với tên đăng nhập\n"
    with session_scope() as s:
        assert s.exec(select(User).where(User.username == "lan.officer")).first() is None
