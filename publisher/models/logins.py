"""Web interface logins: sessions that survive a reload and the wrong-password throttle."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from publisher.models.accounts import User  # noqa: F401  (foreign-key targets)
from publisher.models.base import _now, _Table, _ts


class LoginThrottle(_Table, table=True):
    """Wrong passwords for one username from one source (``services.users``): a growing
    delay for that pair only, so nobody can lock somebody else out from elsewhere. Unknown
    usernames get rows too (the answer must not tell whether a user exists)."""

    __table_args__ = (UniqueConstraint("username", "source"),)
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=80)
    #: The client address ("ip:203.0.113.7"), or a stable fallback when none is known.
    source: str = Field(max_length=120)
    failures: int = 0
    blocked_until: datetime | None = _ts(default=None)
    last_failed_at: datetime | None = _ts(default=None, index=True)


class UISession(_Table, table=True):
    """A web interface login that survives a browser reload (``services.sessions``).

    Only the SHA-256 of the random token is stored; the browser holds the token in a cookie.
    """

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = _ts(default_factory=_now)
    last_seen_at: datetime = _ts(default_factory=_now)
    #: Idle expiry: last activity + the interface's idle timeout.
    expires_at: datetime = _ts(index=True)
    revoked_at: datetime | None = _ts(default=None)
