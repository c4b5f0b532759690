"""Organisations, their users and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Column, false
from sqlmodel import Field

from publisher.models.base import _json, _now, _Table, _ts


class Organisation(_Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(index=True, unique=True, max_length=80)
    name: str = Field(max_length=255)
    #: province | department | commune | press | other (``services.orgs.ORG_KINDS``)
    kind: str = Field(default="department", max_length=20)
    #: The unit above (a department's province). No foreign key: a self-reference would
    #: rebuild the table on SQLite; ``services.orgs`` checks it exists and makes no cycle.
    parent_id: int | None = Field(default=None, index=True)
    brand_primary: str = Field(default="#0B3D91", max_length=9)
    brand_accent: str = Field(default="#F2A900", max_length=9)
    #: No foreign key: organisation <-> media asset would be a cycle.
    logo_asset_id: int | None = None
    #: The rest of the brand kit: ``preset``, ``header_line1``, ``header_line2``, ``website``,
    #: ``hashtag``, ``source`` (see publisher.services.studio.brandkit).
    brand_kit: dict[str, Any] = _json()
    #: A manager's second sign-off after the editor's approval before anything publishes
    #: (``services.publishing.signoff``).
    requires_signoff: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    created_at: datetime = _ts(default_factory=_now)


class User(_Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(index=True, unique=True, max_length=80)
    full_name: str = Field(default="", max_length=255)
    role: str = Field(max_length=20)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    password_hash: str = Field(max_length=255)
    is_active: bool = True
    #: Unused since login throttling moved to :class:`LoginThrottle` (per user and source);
    #: kept so older backups restore.
    failed_logins: int = 0
    locked_until: datetime | None = _ts(default=None)
    last_login_at: datetime | None = _ts(default=None)
    language: str = Field(default="vi", max_length=5)
    created_at: datetime = _ts(default_factory=_now)


class AuditEvent(_Table, table=True):
    """Append-only (enforced by database triggers): who did what to which object, when."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _ts(default_factory=_now, index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    #: "user:<name>", "cli:admin", "worker:<id>" — readable even if the user is deleted.
    actor_label: str = Field(max_length=120)
    org_id: int | None = Field(default=None, index=True)
    action: str = Field(max_length=60)
    object_type: str = Field(max_length=40)
    object_id: int | None = Field(default=None, index=True)
    before: dict[str, Any] = _json()
    after: dict[str, Any] = _json()
