"""Publishing channels (a Facebook page, a Telegram channel, a webhook, a Zalo OA)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Text
from sqlmodel import Field

from publisher.models.accounts import Organisation  # noqa: F401  (foreign-key targets)
from publisher.models.base import _json, _now, _Table, _ts
from publisher.models.enums import ChannelHealth


class Channel(_Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    kind: str = Field(max_length=20)
    name: str = Field(index=True, unique=True, max_length=120)
    settings: dict[str, Any] = _json()
    #: Fernet token of the JSON credentials; never logged, never exported.
    credentials_encrypted: str = Field(default="", sa_column=Column(Text, nullable=False))
    enabled: bool = True
    health: str = Field(default=ChannelHealth.UNKNOWN, max_length=20)
    health_detail: str = Field(default="", max_length=500)
    flagged_at: datetime | None = _ts(default=None)
    token_expires_at: datetime | None = _ts(default=None)
    #: When the refresh token ends (Zalo OA: about 3 months after the refresh that issued it).
    refresh_expires_at: datetime | None = _ts(default=None)
    #: Per-channel override of the connector's messages/second (None: connector default).
    rate_per_second: float | None = None
    #: Time-of-day rules, local time (``services.publishing.posting_hours``): allowed hours
    #: and weekdays, refuse or only warn outside them, and the best times to suggest.
    posting_hours: dict[str, Any] = _json()
    created_at: datetime = _ts(default_factory=_now)
