"""Users, roles and login (argon2 hashes, throttling per user and source)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from publisher.db import session_scope
from publisher.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from publisher.models import LoginThrottle, Role, User
from publisher.security import generate_password, hash_password, verify_dummy, verify_password
from publisher.services.accounts import audit, sessions
from publisher.services.accounts.actor import Actor
from publisher.services.accounts.orgs import get_org
from publisher.timeutil import utcnow

#: The wrong password (for one username from one source) that starts the delay; each further
#: one doubles it, from ``FIRST_DELAY`` up to ``MAX_DELAY``.
MAX_FAILED_LOGINS = 5
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=15)
#: A source's count starts again after this long without a wrong password.
FORGET_AFTER = timedelta(hours=24)
#: The source of an attempt whose client address is unknown: one shared, stable bucket.
UNKNOWN_SOURCE = "unknown"
MIN_PASSWORD = 8
#: The role names, for the pages' pickers (officer, editor, manager, admin).
ROLES: tuple[str, ...] = tuple(str(r) for r in Role)
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
    if not username:
        raise InvalidInput("error.username_required")
    if not _USERNAME.match(username):
        raise InvalidInput("error.username_invalid", username=username)
    if role not in tuple(Role):
        raise InvalidInput("error.role_invalid", role=role, roles=", ".join(Role))
    organisation = get_org(session, org)
    actor.require_org(organisation.id)
    if session.exec(select(User).where(User.username == username)).first():
        raise Conflict("error.user_exists", username=username)
    password = password or generate_password()
    _check_new_password(username, password)
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


def _login_name(username: str | None) -> str:
    """The username as looked up and throttled: trimmed, lower case, printable, 80 at most."""
    name = (username or "").strip().lower()
    return "".join(c for c in name if c.isprintable())[:80]


def _source(source: str | None) -> str:
    return "".join(c for c in (source or "").strip() if c.isprintable())[:120] or UNKNOWN_SOURCE


def _throttle(session: Session, username: str, source: str) -> LoginThrottle:
    """The (username, source) counter, created when missing and locked for this transaction:
    on PostgreSQL two attempts from one source wait for each other here, so none skips the
    check or the count (SQLite write transactions are serialised by ``BEGIN IMMEDIATE``)."""
    table = LoginThrottle.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(
        insert(table)
        .values(username=username, source=source, failures=0)
        .on_conflict_do_nothing(index_elements=["username", "source"])
    )
    return session.exec(
        select(LoginThrottle)
        .where(LoginThrottle.username == username, LoginThrottle.source == source)
        .with_for_update()
    ).one()


def _wait_minutes(throttle: LoginThrottle, now: datetime) -> int | None:
    """Minutes (rounded up) before this source may try this username again, or None."""
    if throttle.blocked_until and throttle.blocked_until > now:
        return max(1, int((throttle.blocked_until - now).total_seconds() // 60) + 1)
    return None


def delay_after(failures: int) -> timedelta:
    """The wait after the ``failures``-th wrong password in a row from one source."""
    if failures < MAX_FAILED_LOGINS:
        return timedelta(0)
    return min(MAX_DELAY, FIRST_DELAY * 2 ** min(failures - MAX_FAILED_LOGINS, 16))


def _count_failure(
    session: Session,
    throttle: LoginThrottle,
    now: datetime,
    audited: tuple[Actor | str, User, str] | None,
) -> int | None:
    """Count a wrong password for the throttle's username and source (a login or the change
    form: one counter), audit it (``audited``: who, the user, the action; None for an unknown
    username) and commit at once, because the caller raises and its transaction is rolled
    back. Returns the minutes to wait now, or None."""
    if throttle.last_failed_at and throttle.last_failed_at < now - FORGET_AFTER:
        throttle.failures = 0
    throttle.failures += 1
    throttle.last_failed_at = now
    wait = delay_after(throttle.failures)
    throttle.blocked_until = now + wait if wait else None
    session.add(throttle)
    session.execute(  # counters nobody used for a day
        delete(LoginThrottle).where(col(LoginThrottle.last_failed_at) < now - FORGET_AFTER)
    )
    if audited is not None:
        who, user, action = audited
        audit.record(
            session,
            who,
            action,
            "user",
            user.id,
            org_id=user.org_id,
            after={"locked": bool(wait), "source": throttle.source},
        )
    session.commit()
    return _wait_minutes(throttle, now)


def authenticate(
    session: Session, username: str, password: str, *, source: str | None = None
) -> User:
    """Check a login; raises PermissionDenied with a reason the page can show.

    ``source`` is where the attempt comes from (the client address, "ip:203.0.113.7");
    None: :data:`UNKNOWN_SOURCE`. Wrong passwords are counted per username and source: from
    the ``MAX_FAILED_LOGINS``-th in a row that source waits ``FIRST_DELAY``, doubling with
    each further one up to ``MAX_DELAY`` (``error.login_locked``); other sources are not
    slowed, so nobody can lock somebody else out. An unknown or inactive username gets the
    same message, the same counting and the same argon2 work (a dummy hash) as a wrong
    password: neither the answer nor its timing tells whether the user exists.
    """
    now = utcnow()
    name = _login_name(username)
    throttle = _throttle(session, name, _source(source))
    minutes = _wait_minutes(throttle, now)
    if minutes:
        raise PermissionDenied("error.login_locked", minutes=minutes)
    user = session.exec(select(User).where(User.username == name)).first() if name else None
    if user is None:
        ok = verify_dummy(password or "")
    else:  # an inactive user's hash is checked too: the same time
        ok = verify_password(user.password_hash, password or "") and user.is_active
    if user is None or not ok:
        audited = None if user is None else (f"user:{user.username}", user, "user.login_failed")
        minutes = _count_failure(session, throttle, now, audited)
        if minutes:
            raise PermissionDenied("error.login_locked", minutes=minutes)
        raise PermissionDenied("error.login_failed")
    session.delete(throttle)
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


def _check_new_password(username: str, new: str, current: str | None = None) -> None:
    """Refuse a new password that is too short, the username (in any case), or (when given)
    the current one.

    Raises InvalidInput; checks nothing against the stored hash."""
    if len(new) < MIN_PASSWORD:
        raise InvalidInput("error.password_too_short", min=MIN_PASSWORD)
    if new.strip().lower() == username.lower():
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
    _check_new_password(user.username, password)
    _store_password(session, actor, user, password, "user.password_reset")
    return password


def _store_password(session: Session, actor: Actor, user: User, password: str, action: str) -> None:
    """Hash and store ``password``, clear the user's wrong-password counters (every source),
    end every web session of the user and audit ``action`` (how many sessions ended; never
    the password)."""
    user.password_hash = hash_password(password)
    session.add(user)
    session.execute(delete(LoginThrottle).where(col(LoginThrottle.username) == user.username))
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


def change_own_password(
    session: Session, actor: Actor, current: str, new: str, *, source: str | None = None
) -> str:
    """The logged-in user changes their own password; returns a new web session token.

    ``current`` is checked like a login from ``source`` and shares its counter: a wrong one
    counts as a failed login of this username from this source (committed even though this
    raises), and the delay it starts (see :func:`authenticate`) holds for logins and for this
    form from that source, so an unlocked screen left open cannot be used to guess the
    password. The open session itself is not ended by the delay. Every web session token of
    the user is revoked (other browsers end within a minute) and the returned one replaces
    the caller's. Audited as ``user.password_changed`` (the password never).

    Raises PermissionDenied for an actor that is not a user (the CLI: use
    :func:`set_password`), an inactive user, a locked account (``error.password_locked``) or a
    wrong current password (``error.current_password_wrong``); InvalidInput for a new password
    too short, equal to the username or to the current one.
    """
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    if user is None or not user.is_active:
        raise PermissionDenied("error.password_no_account")
    now = utcnow()
    throttle = _throttle(session, user.username, _source(source))
    minutes = _wait_minutes(throttle, now)
    if minutes:
        raise PermissionDenied("error.password_locked", minutes=minutes)
    _check_new_password(user.username, new, current)
    if not verify_password(user.password_hash, current or ""):
        audited = (actor, user, "user.password_change_failed")
        minutes = _count_failure(session, throttle, now, audited)
        if minutes:
            raise PermissionDenied("error.password_locked", minutes=minutes)
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


# -- units of work for the web interface (each owns its transaction) ----------------------------
def login(username: str, password: str, *, source: str | None = None) -> sessions.LoggedIn:
    """Check a login and issue its token in one transaction. Raises what
    :func:`authenticate` raises (PermissionDenied with a reason)."""
    with session_scope() as session:
        user = authenticate(session, username, password, source=source)
        token = sessions.issue(session, user)
        return sessions.LoggedIn(Actor.of(user), user.full_name or user.username, token)


def change_role(
    session: Session, actor: Actor, username: str, role: str, org: str | int | None = None
) -> User:
    """Give ``username`` another role and/or organisation (administrators only; an
    organisation-bound administrator only within their organisation). The user's web
    sessions end, so the new rights apply from their next login. Refuses to demote the last
    active administrator and one's own account. Audited as ``user.role`` (before and after).
    Raises PermissionDenied, NotFound, InvalidInput, Conflict; nothing changes then."""
    actor.require("user.manage")
    user = get_user(session, username)
    actor.require_org(user.org_id)
    if role not in tuple(Role):
        raise InvalidInput("error.role_invalid", role=role, roles=", ".join(Role))
    organisation = get_org(session, org) if org not in (None, "") else None
    new_org = organisation.id if organisation is not None else user.org_id
    assert new_org is not None
    actor.require_org(new_org)
    if user.id == actor.user_id:
        raise PermissionDenied("error.own_role")
    if role == user.role and new_org == user.org_id:
        return user
    if user.role == Role.ADMIN and role != Role.ADMIN and user.is_active:
        admins = session.exec(
            select(User.id)
            .where(User.role == Role.ADMIN, col(User.is_active).is_(True))
            .order_by(col(User.id))
            .with_for_update()
        ).all()
        if not [i for i in admins if i != user.id]:
            raise Conflict("error.last_admin", username=user.username)
    before = {"role": user.role, "org_id": user.org_id}
    user.role = role
    user.org_id = new_org
    session.add(user)
    assert user.id is not None
    revoked = sessions.revoke_user(session, user.id)
    audit.record(
        session,
        actor,
        "user.role",
        "user",
        user.id,
        org_id=user.org_id,
        before=before,
        after={"role": role, "org_id": new_org, "sessions_revoked": revoked},
    )
    return user
