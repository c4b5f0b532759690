"""Web interface logins that survive a browser reload.

A login issues a random token (256 bits, URL-safe); the browser keeps it in a cookie and the
database keeps only its SHA-256 (a stolen database copy holds no usable token; the token's
entropy makes a slow hash unnecessary). A token is valid while it is not revoked, its user
is active, and it was used within :data:`IDLE_TIMEOUT` — the same idle timeout the interface
applies to an open session; every use slides the expiry. Logout revokes the token; a
password change revokes every token of the user.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, or_, update
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from publisher.db import session_scope
from publisher.models import UISession, User
from publisher.services.accounts.actor import Actor
from publisher.timeutil import utcnow

#: Idle time after which a session must log in again (the interface and the stored token).
IDLE_TIMEOUT = timedelta(minutes=30)
#: Expired or revoked rows are deleted this long after they stopped being valid.
KEEP_DEAD = timedelta(days=1)


@dataclass(frozen=True)
class Resumed:
    """Who a valid token belongs to, read from the user row as it is now."""

    actor: Actor
    full_name: str


@dataclass(frozen=True)
class LoggedIn:
    """A successful login: who, the name to greet them by, and the new token."""

    actor: Actor
    full_name: str
    token: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(session: Session, user: User) -> str:
    """A new token for ``user`` (just authenticated); returns the token itself, which is
    not stored. Also deletes rows dead for longer than :data:`KEEP_DEAD`. Raises nothing."""
    assert user.id is not None
    now = utcnow()
    session.execute(
        delete(UISession).where(
            or_(
                col(UISession.expires_at) < now - KEEP_DEAD,
                col(UISession.revoked_at) < now - KEEP_DEAD,
            )
        )
    )
    token = secrets.token_urlsafe(32)
    session.add(
        UISession(
            user_id=user.id,
            token_hash=token_hash(token),
            created_at=now,
            last_seen_at=now,
            expires_at=now + IDLE_TIMEOUT,
        )
    )
    session.flush()
    return token


def resume(session: Session, token: str) -> Resumed | None:
    """The user of a valid ``token`` (and the expiry slid to now + :data:`IDLE_TIMEOUT`),
    or ``None`` for an unknown, revoked or expired token or an inactive user. Raises nothing.
    """
    if not token:
        return None
    now = utcnow()
    row = session.exec(select(UISession).where(UISession.token_hash == token_hash(token))).first()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    row.last_seen_at = now
    row.expires_at = now + IDLE_TIMEOUT
    session.add(row)
    return Resumed(Actor.of(user), user.full_name or user.username)


def revoke(session: Session, token: str) -> bool:
    """Revoke ``token`` (logout); whether a live token was revoked. Raises nothing."""
    if not token:
        return False
    result = session.execute(
        update(UISession)
        .where(col(UISession.token_hash) == token_hash(token), col(UISession.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )
    return bool(getattr(result, "rowcount", 0))


def revoke_user(session: Session, user_id: int) -> int:
    """Revoke every live token of ``user_id`` (password changed, user disabled); returns
    how many. Raises nothing."""
    result = session.execute(
        update(UISession)
        .where(col(UISession.user_id) == user_id, col(UISession.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


# -- units of work for the web interface (each owns its transaction) ----------------------------
def resume_token(token: str) -> Resumed | None:
    """:func:`resume` in its own transaction; ``None`` also when the database is unreachable
    (the person logs in again once it is back). Raises nothing."""
    try:
        with session_scope() as session:
            return resume(session, token)
    except SQLAlchemyError:
        return None


def revoke_token(token: str) -> None:
    """:func:`revoke` in its own transaction (logout). An unreachable database is ignored:
    the token still expires after :data:`IDLE_TIMEOUT` of disuse. Raises nothing."""
    try:
        with session_scope() as session:
            revoke(session, token)
    except SQLAlchemyError:
        pass
