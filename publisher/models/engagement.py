"""Engagement figures, tracked links and inbound platform events."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field

from publisher.models.base import _json, _now, _Table, _ts
from publisher.models.channels import Channel  # noqa: F401  (foreign-key targets)
from publisher.models.deliveries import Delivery  # noqa: F401  (foreign-key targets)
from publisher.models.posts import Post  # noqa: F401  (foreign-key targets)


class EngagementSnapshot(_Table, table=True):
    __table_args__ = (UniqueConstraint("delivery_id", "collected_at"),)
    id: int | None = Field(default=None, primary_key=True)
    delivery_id: int = Field(foreign_key="delivery.id", index=True)
    collected_at: datetime = _ts(index=True)
    reactions: int | None = None
    comments: int | None = None
    shares: int | None = None
    views: int | None = None
    clicks: int | None = None
    unavailable: list[str] = _json(list)


class EngagementLatest(_Table, table=True):
    """One row per sent delivery: its newest figures and the dimensions statistics group by.

    Kept by services.engagement (on every snapshot, and for sent deliveries not collected yet)
    so that statistics scan one narrow table instead of joining a million snapshots.
    """

    __table_args__ = (Index("ix_engagementlatest_sent_at", "sent_at"),)
    delivery_id: int = Field(foreign_key="delivery.id", primary_key=True)
    collected_at: datetime | None = _ts(default=None)
    reactions: int | None = None
    comments: int | None = None
    shares: int | None = None
    views: int | None = None
    clicks: int | None = None
    sent_at: datetime | None = _ts(default=None)
    org_id: int | None = Field(default=None, index=True)
    channel_id: int | None = None
    post_id: int | None = Field(default=None, index=True)
    kind: str = Field(default="", max_length=20)
    campaign_id: int | None = None
    campaign_year: int | None = None
    #: text | image | video (the post's richest attachment)
    content_type: str = Field(default="text", max_length=10)
    #: The one row of its post and occurrence that counts the post (the lowest delivery id).
    is_first: bool = False
    #: The same, per platform (a post on two Facebook pages counts once for Facebook).
    is_first_kind: bool = False
    #: ``sent_at`` as a local date: time breakdowns group by it, then fold days into months.
    local_day: date | None = None


class EngagementPost(_Table, table=True):
    """One row per post with statistics rows: the engagement of all its sent deliveries and
    the span of their publication times.

    Kept by services.engagement whenever a post's :class:`EngagementLatest` rows change. Its
    engagement is an upper bound of the post's engagement under any statistics filter, so
    the top posts are found by walking this table in engagement order and checking a few
    candidates exactly, instead of summing every delivery of the year per post.
    """

    __table_args__ = (
        Index("ix_engagementpost_rank", "engagement", "post_id"),
        Index("ix_engagementpost_span", "first_sent_at", "last_sent_at"),
    )
    post_id: int = Field(foreign_key="post.id", primary_key=True)
    org_id: int | None = Field(default=None, index=True)
    #: reactions + comments + shares + clicks over all the post's statistics rows
    engagement: int = 0
    first_sent_at: datetime | None = _ts(default=None)
    last_sent_at: datetime | None = _ts(default=None)


class TrackedLink(_Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True, index=True)
    target: str = Field(max_length=2000)
    post_id: int | None = Field(default=None, foreign_key="post.id", index=True)
    delivery_id: int | None = Field(default=None, foreign_key="delivery.id", index=True)
    clicks: int = 0
    created_at: datetime = _ts(default_factory=_now)


class InboundEvent(_Table, table=True):
    """A signed engagement event received from a webhook-style platform (or a click)."""

    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(max_length=120, unique=True)
    channel_id: int | None = Field(default=None, foreign_key="channel.id", index=True)
    delivery_id: int | None = Field(default=None, foreign_key="delivery.id", index=True)
    kind: str = Field(max_length=20)
    occurred_at: datetime = _ts()
    received_at: datetime = _ts(default_factory=_now)
    payload: dict[str, Any] = _json()
