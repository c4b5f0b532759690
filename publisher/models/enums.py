"""The states and kinds the tables store as plain strings (portable across SQLite and
PostgreSQL, no enum migrations; the service layer checks them).

Plain :class:`~enum.StrEnum` classes: importing them loads neither SQLAlchemy nor a table.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OFFICER = "officer"
    EDITOR = "editor"
    MANAGER = "manager"
    #: The coordinating department (Sở KH&CN): reads every unit's results in its province.
    COORDINATOR = "coordinator"
    ADMIN = "admin"


class ChannelKind(StrEnum):
    FACEBOOK = "facebook"
    TELEGRAM = "telegram"
    WEBHOOK = "webhook"
    ZALO_OA = "zalo_oa"


class ChannelHealth(StrEnum):
    UNKNOWN = "unknown"
    OK = "ok"
    FLAGGED = "flagged"


class PostStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    REJECTED = "rejected"
    SCHEDULED = "scheduled"
    PUBLISHING = "publishing"
    PUBLISHED = "published"
    PARTIALLY_FAILED = "partially_failed"
    FAILED = "failed"
    CANCELLED = "cancelled"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNCONFIRMED = "unconfirmed"
    MISSED = "missed"
    CANCELLED = "cancelled"


class CampaignKind(StrEnum):
    NATIONAL = "national"
    CUSTOM = "custom"


class Recurrence(StrEnum):
    NONE = "none"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    YEARLY = "yearly"


class RenderStatus(StrEnum):
    QUEUED = "queued"
    RENDERING = "rendering"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"
