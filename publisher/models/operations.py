"""Running the service: alerts, the scheduler lease, worker heartbeats, small stored settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Field

from publisher.models.accounts import Organisation, User  # noqa: F401  (foreign-key targets)
from publisher.models.base import _json, _now, _Table, _ts


class Alert(_Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    org_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    kind: str = Field(max_length=40)  # delivery_failed | unconfirmed | auth | missed | ...
    severity: str = Field(default="warning", max_length=10)  # info | warning | error
    #: Catalogue key and parameters: the message reaches each reader in their language.
    message_key: str = Field(max_length=120)
    params: dict[str, Any] = _json()
    object_type: str | None = Field(default=None, max_length=40)
    object_id: int | None = None
    created_at: datetime = _ts(default_factory=_now, index=True)
    resolved_at: datetime | None = _ts(default=None)
    resolved_by: int | None = Field(default=None, foreign_key="user.id")


class SchedulerLease(_Table, table=True):
    """Leadership of the one scheduler process (APScheduler's job store is not shareable)."""

    name: str = Field(primary_key=True, max_length=40)
    owner: str = Field(max_length=120)
    lease_until: datetime = _ts()
    acquired_at: datetime = _ts(default_factory=_now)


class WorkerHeartbeat(_Table, table=True):
    worker_id: str = Field(primary_key=True, max_length=120)
    role: str = Field(max_length=20)  # scheduler | executor | standby
    host: str = Field(default="", max_length=120)
    pid: int = 0
    started_at: datetime = _ts(default_factory=_now)
    seen_at: datetime = _ts(default_factory=_now)


class KeyValue(_Table, table=True):
    """Small settings stored in the database (KPI targets, demo markers)."""

    key: str = Field(primary_key=True, max_length=120)
    value: dict[str, Any] = _json()
