"""Users, roles and login (argon2 hashes, throttling, lock-out)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from publisher.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from publisher.models import Role, User
from publisher.security import generate_password, hash_password, verify_password
from publisher.services import audit, sessions
from publisher.services.actor import Actor
from publisher.services.orgs import get_org
from publisher.timeutil import utcnow

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD = 8
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")


def create_user(
    session: Session,
    actor: Actor,
    username: str,
    role: str,
    org: str | int,
    *,
    password: str | None = None,
    full_name: str = "",
) -> tuple[User, str]:
    """Create a user; returns the user and the (possibly generated) password."""
    actor.require("user.manage")
    username = (username or "").strip().lower()
    if not _USERNAME.match(username):
        raise InvalidInput("error.username_invalid", username=username)
    if role not in tuple(Role):
        raise InvalidInput("error.role_invalid", role=role, roles=", ".join(Role))
    organisation = get_org(session, org)
    actor.require_org(organisation.id)
    if session.exec(select(User).where(User.username == username)).first():
        raise Conflict("error.user_exists", username=username)
    password = password or generate_password()
    if len(password) < MIN_PASSWORD:
        raise InvalidInput("error.password_too_short", min=MIN_PASSWORD)
    assert organisation.id is not None
    user = User(
        username=username,
        role=role,
        org_id=organisation.id,
        full_name=full_name,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor,
        "user.create",
        "user",
        user.id,
        org_id=user.org_id,
        after={"username": username, "role": role},
    )
    return user, password


def _locked_minutes(user: User, now: datetime) -> int | None:
    """Minutes left of the account's lock-out (rounded up), or None when it is not locked."""
    if user.locked_until and user.locked_until > now:
        return max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
    return None


def _count_failure(
    session: Session, who: Actor | str, user: User, action: str, now: datetime
) -> bool:
    """Count a wrong password (a login or the change form: one counter), locking the account
    for ``LOCKOUT`` at the ``MAX_FAILED_LOGINS``-th; audited as ``action`` and committed at
    once, because the caller raises and its transaction is rolled back. Returns whether the
    account is now locked."""
    user.failed_logins += 1
    locked = user.failed_logins >= MAX_FAILED_LOGINS
    if locked:
        user.locked_until = now + LOCKOUT
        user.failed_logins = 0
    session.add(user)
    audit.record(
        session, who, action, "user", user.id, org_id=user.org_id, after={"locked": locked}
    )
    session.commit()
    return locked


def authenticate(session: Session, username: str, password: str) -> User:
    """Check a login; raises PermissionDenied with a reason the page can show.

    After ``MAX_FAILED_LOGINS`` consecutive failures the account is locked for ``LOCKOUT``.
    The same message is given for an unknown user and a wrong password.
    """
    now = utcnow()
    user = session.exec(
        select(User).where(User.username == (username or "").strip().lower())
    ).first()
    if user is None or not user.is_active:
        raise PermissionDenied("error.login_failed")
    minutes = _locked_minutes(user, now)
    if minutes:
        raise PermissionDenied("error.login_locked", minutes=minutes)
    if not verify_password(user.password_hash, password or ""):
        if _count_failure(session, f"user:{user.username}", user, "user.login_failed", now):
            raise PermissionDenied("error.login_locked", minutes=int(LOCKOUT.total_seconds() // 60))
        raise PermissionDenied("error.login_failed")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    session.add(user)
    audit.record(
        session, f"user:{user.username}", "user.login", "user", user.id, org_id=user.org_id
    )
    return user


def get_user(session: Session, ref: str | int) -> User:
    user = (
        session.get(User, int(ref))
        if isinstance(ref, int) or str(ref).isdigit()
        else session.exec(select(User).where(User.username == str(ref).lower())).first()
    )
    if user is None:
        raise NotFound("error.user_not_found", username=str(ref))
    return user


def list_users(session: Session, actor: Actor) -> list[User]:
    actor.require("user.manage")
    stmt = select(User).order_by(col(User.username))
    if not actor.all_orgs:
        stmt = stmt.where(User.org_id == actor.org_id)
    return list(session.exec(stmt))


def _check_new_password(user: User, new: str, current: str | None = None) -> None:
    """Refuse a new password that is too short, the username, or (when given) the current one.

    Raises InvalidInput; checks nothing against the stored hash."""
    if len(new) < MIN_PASSWORD:
        raise InvalidInput("error.password_too_short", min=MIN_PASSWORD)
    if new.strip().lower() == user.username.lower():
        raise InvalidInput("error.password_is_username")
    if current is not None and new == current:
        raise InvalidInput("error.password_unchanged")


def set_password(session: Session, actor: Actor, username: str, password: str | None = None) -> str:
    """An administrator sets ``username``'s password (``None``: a generated one); returns it.

    For a forgotten password: the account is unlocked and every web session of the user ends
    (whoever knew the old password may hold one). Audited as ``user.password_reset`` without
    the password. Raises PermissionDenied for a non-administrator or another organisation's
    user, NotFound for an unknown user, InvalidInput for a password too short or equal to the
    username. A user changes their own password with :func:`change_own_password`.
    """
    actor.require("user.manage")
    user = get_user(session, username)
    actor.require_org(user.org_id)
    password = generate_password() if password is None else password
    _check_new_password(user, password)
    _store_password(session, actor, user, password, "user.password_reset")
    return password


def _store_password(session: Session, actor: Actor, user: User, password: str, action: str) -> None:
    """Hash and store ``password``, unlock the account, end every web session of the user
    and audit ``action`` (how many sessions ended; never the password)."""
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    session.add(user)
    assert user.id is not None
    revoked = sessions.revoke_user(session, user.id)
    audit.record(
        session,
        actor,
        action,
        "user",
        user.id,
        org_id=user.org_id,
        after={"sessions_revoked": revoked},
    )


def change_own_password(session: Session, actor: Actor, current: str, new: str) -> str:
    """The logged-in user changes their own password; returns a new web session token.

    ``current`` is checked like a login and shares its lock-out: a wrong one counts as a
    failed login (committed even though this raises), and the ``MAX_FAILED_LOGINS``-th
    failure locks the account for ``LOCKOUT`` — for logins and for this form, so an unlocked
    screen left open cannot be used to guess the password. The open session itself is not
    ended by the lock. Every web session token of the user is revoked (other browsers end
    within a minute) and the returned one replaces the caller's. Audited as
    ``user.password_changed`` (the password never).

    Raises PermissionDenied for an actor that is not a user (the CLI: use
    :func:`set_password`), an inactive user, a locked account (``error.password_locked``) or a
    wrong current password (``error.current_password_wrong``); InvalidInput for a new password
    too short, equal to the username or to the current one.
    """
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    if user is None or not user.is_active:
        raise PermissionDenied("error.password_no_account")
    now = utcnow()
    minutes = _locked_minutes(user, now)
    if minutes:
        raise PermissionDenied("error.password_locked", minutes=minutes)
    _check_new_password(user, new, current)
    if not verify_password(user.password_hash, current or ""):
        if _count_failure(session, actor, user, "user.password_change_failed", now):
            raise PermissionDenied(
                "error.password_locked", minutes=int(LOCKOUT.total_seconds() // 60)
            )
        raise PermissionDenied("error.current_password_wrong")
    _store_password(session, actor, user, new, "user.password_changed")
    return sessions.issue(session, user)


def set_active(session: Session, actor: Actor, username: str, active: bool) -> User:
    """Activate or deactivate ``username`` (administrators only); returns the user.

    Deactivating revokes every web session token of the user, so an open browser session
    ends within a minute and a reload shows the login page; the user can no longer log in.
    Raises PermissionDenied for a non-administrator or another organisation's user,
    NotFound for an unknown user, and Conflict when it would leave no active administrator.
    Setting the state the user already has changes nothing and records nothing.
    """
    actor.require("user.manage")
    user = get_user(session, username)
    actor.require_org(user.org_id)
    if user.is_active == active:
        return user
    if not active and user.role == Role.ADMIN:
        # Lock the active administrators (in id order): two administrators deactivating each
        # other at once on PostgreSQL must not both see the other one still active.
        admins = session.exec(
            select(User.id)
            .where(User.role == Role.ADMIN, col(User.is_active).is_(True))
            .order_by(col(User.id))
            .with_for_update()
        ).all()
        if not [i for i in admins if i != user.id]:
            raise Conflict("error.last_admin", username=user.username)
    user.is_active = active
    session.add(user)
    assert user.id is not None
    revoked = 0 if active else sessions.revoke_user(session, user.id)
    audit.record(
        session,
        actor,
        "user.activate" if active else "user.deactivate",
        "user",
        user.id,
        org_id=user.org_id,
        before={"active": not active},
        after={"active": active, "sessions_revoked": revoked},
    )
    return user
