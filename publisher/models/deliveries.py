"""Deliveries (the engine's outbox rows) and Zalo OA broadcast reservations."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field

from publisher.models.base import _now, _Table, _ts
from publisher.models.channels import Channel  # noqa: F401  (foreign-key targets)
from publisher.models.enums import DeliveryStatus
from publisher.models.posts import Post  # noqa: F401  (foreign-key targets)


class Delivery(_Table, table=True):
    """One post on one channel at one time: the unit of work of the engine (the outbox row)."""

    __table_args__ = (
        UniqueConstraint("post_id", "channel_id", "occurrence"),
        Index("ix_delivery_queue", "status", "next_attempt_at"),
        # The claim's scan, one pace at a time (publisher/engine/claim.py).
        Index("ix_delivery_pace", "status", "pace", "next_attempt_at"),
        Index("ix_delivery_sent_at", "sent_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(foreign_key="post.id", index=True)
    channel_id: int = Field(foreign_key="channel.id", index=True)
    #: Occurrence key of recurring posts ("" for one-off posts, else the UTC due date ISO).
    occurrence: str = Field(default="", max_length=20)
    due_at: datetime = _ts()
    next_attempt_at: datetime = _ts()
    status: str = Field(default=DeliveryStatus.PENDING, max_length=20)
    #: Claimed in this order among due rows: the slowest platforms' channels first (their
    #: kind's rank, ``publisher.services.publishing.channels.paces``; 9: the fastest).
    pace: int = 9
    attempts: int = 0
    lease_owner: str | None = Field(default=None, max_length=120)
    lease_until: datetime | None = _ts(default=None)
    idempotency_key: str = Field(max_length=80, unique=True)
    external_id: str | None = Field(default=None, max_length=255)
    url: str | None = Field(default=None, max_length=2000)
    error_kind: str | None = Field(default=None, max_length=20)
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    first_attempt_at: datetime | None = _ts(default=None)
    #: Committed right before the platform call of the current attempt (cleared by each
    #: claim): a ``sending`` row without it was never sent, so a dead worker's row with no
    #: mark is safe to retry; with it the outcome is unknown (reconcile or unconfirmed).
    request_started_at: datetime | None = _ts(default=None)
    sent_at: datetime | None = _ts(default=None)
    created_at: datetime = _ts(default_factory=_now)
    updated_at: datetime = _ts(default_factory=_now)


class ZaloBroadcast(_Table, table=True):
    """One broadcast of a Zalo OA channel, reserved when its delivery is claimed: one a day
    per channel (the unique key) and the package's monthly count, decided before sending
    (``publisher/services/publishing/zalo_broadcast.py``)."""

    __table_args__ = (UniqueConstraint("channel_id", "day"),)
    id: int | None = Field(default=None, primary_key=True)
    channel_id: int = Field(foreign_key="channel.id", index=True)
    delivery_id: int = Field(foreign_key="delivery.id", unique=True)
    #: The Vietnam date of the broadcast.
    day: date
    #: reserved (claimed, not sent yet) | sent | unknown (sent or not: never resent)
    status: str = Field(default="reserved", max_length=20)
    message_id: str | None = Field(default=None, max_length=120)
    created_at: datetime = _ts(default_factory=_now)
