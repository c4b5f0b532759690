"""Notifications to users (issue 18, item 5): where each user is told, and the outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field

from publisher.models.accounts import User  # noqa: F401  (foreign-key targets)
from publisher.models.base import _json, _now, _Table, _ts


class NotifyContact(_Table, table=True):
    """Where and about what one user is notified (``services.accounts.notifications``)."""

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    email: str = Field(default="", max_length=254)
    #: The private chat with the notification bot, set when the user sent ``/start <code>``.
    telegram_chat_id: str = Field(default="", max_length=40)
    telegram_name: str = Field(default="", max_length=120)
    #: event -> channels ("telegram", "email") the user wants it on; a missing event: default.
    events: dict[str, Any] = _json()
    #: SHA-256 of the one-time link code (the code itself is shown once); single use.
    link_code_hash: str | None = Field(default=None, max_length=64, index=True)
    link_code_expires_at: datetime | None = _ts(default=None)
    updated_at: datetime = _ts(default_factory=_now)


class Notification(_Table, table=True):
    """The outbox: one message to one user on one channel, sent by the worker."""

    __table_args__ = (UniqueConstraint("dedupe_key"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    org_id: int | None = Field(default=None, index=True)
    event: str = Field(max_length=40)
    #: telegram | email
    channel: str = Field(max_length=10)
    #: What was asked for, once: the same event about the same object never queues twice.
    dedupe_key: str = Field(max_length=200)
    subject: str = Field(default="", max_length=255)
    body: str = Field(default="", sa_column=Column(Text, nullable=False))
    #: pending | sending | sent | failed | unknown (the send began but its end was not seen:
    #: never retried, so nothing is sent twice)
    status: str = Field(default="pending", max_length=10, index=True)
    attempts: int = 0
    next_at: datetime = _ts(default_factory=_now, index=True)
    error: str = Field(default="", max_length=500)
    created_at: datetime = _ts(default_factory=_now)
    sent_at: datetime | None = _ts(default=None)
