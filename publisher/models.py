"""The domain model (SQLModel tables).

Conventions: every datetime column is :class:`UTCDateTime` (aware UTC in and out, on SQLite
too); states are plain strings checked by the service layer (portable across SQLite and
PostgreSQL, no enum migrations); JSON columns use SQLAlchemy's portable ``JSON``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from pydantic import ConfigDict
from sqlalchemy import JSON, Boolean, Column, DateTime, Index, Text, UniqueConstraint, false
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from publisher.timeutil import utcnow


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend; refuses naive values on the way in."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: store aware UTC values only")
        value = value.astimezone(UTC)
        # SQLite stores text; keep it comparable by writing naive UTC.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _json(default: Any = None) -> Any:
    factory = dict if default is None else default
    return Field(default_factory=factory, sa_column=Column(JSON, nullable=False))


def _ts(**kw: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kw)  # type: ignore[call-overload]


def _now() -> datetime:
    return utcnow()


class _Table(SQLModel):
    """The base of every table below (not a table itself).

    ``defer_build``: pydantic builds a table's validator and serializer the first time one is
    used, not when this module is imported. Rows are made without validation (SQLModel table
    models do not validate on ``__init__``; rows read from the database skip ``__init__``), so
    most processes never build them: this takes about a third off the import of this module,
    which every command pays (``publisher post list``; issue 15, item 6, ``bench/cli_bench.py``).
    """

    # SQLModel types it as its own ConfigDict subclass (in a private module), same keys.
    model_config = ConfigDict(defer_build=True)  # type: ignore[assignment]


# --- enumerations ---
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


# --- organisations and people ---
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


# --- channels ---
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


# --- campaigns and S&T tasks ---
class Campaign(_Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(index=True, unique=True, max_length=80)
    name: str = Field(max_length=255)
    name_en: str = Field(default="", max_length=255)
    kind: str = Field(default=CampaignKind.CUSTOM, max_length=20)
    #: yearly campaigns recur on (month, day); one-off ones happen on ``on_date``.
    recurrence: str = Field(default=Recurrence.YEARLY, max_length=20)
    month: int | None = None
    day: int | None = None
    on_date: date | None = None
    org_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    hashtag: str = Field(default="", max_length=120)
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = _ts(default_factory=_now)


class STTask(_Table, table=True):
    """A state-funded science & technology task (nhiệm vụ KH&CN) to be communicated."""

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    code: str = Field(index=True, unique=True, max_length=80)
    title: str = Field(max_length=500)
    lead_org: str = Field(default="", max_length=255)
    year: int | None = None
    classified: bool = False
    result: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = _ts(default_factory=_now)


# --- posts ---
class Post(_Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    author_id: int | None = Field(default=None, foreign_key="user.id")
    status: str = Field(default=PostStatus.DRAFT, max_length=20, index=True)
    title: str = Field(default="", max_length=255)
    text: str = Field(default="", sa_column=Column(Text, nullable=False))
    link: str | None = Field(default=None, max_length=2000)
    due_at: datetime | None = _ts(default=None, index=True)
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id", index=True)
    campaign_year: int | None = None
    task_id: int | None = Field(default=None, foreign_key="sttask.id", index=True)
    recurrence: str = Field(default=Recurrence.NONE, max_length=20)
    recurrence_until: date | None = None
    #: Idempotency key of scaffolded plan posts ("plan:<campaign>:<year>:<org>:<step>").
    plan_key: str | None = Field(default=None, unique=True, max_length=200)
    review_comment: str = Field(default="", sa_column=Column(Text, nullable=False))
    reviewed_by: int | None = Field(default=None, foreign_key="user.id")
    reviewed_at: datetime | None = _ts(default=None)
    #: Who last changed the content (``posts.CONTENT``: title, text, link, channels and their
    #: texts, media): that user may not approve it (four eyes). None: no user account (the
    #: server's operator at the CLI); ``content_label`` says who ("user:<name>", "cli:admin").
    content_by: int | None = Field(default=None, foreign_key="user.id")
    content_label: str = Field(default="", max_length=120)
    content_at: datetime | None = _ts(default=None)
    #: The editor's approval when the organisation requires a manager's sign-off: the post
    #: stays in review (no deliveries) until a manager signs it off. No foreign key: adding
    #: one would rebuild the post table on SQLite.
    first_approved_by: int | None = None
    first_approved_at: datetime | None = _ts(default=None)
    created_at: datetime = _ts(default_factory=_now)
    updated_at: datetime = _ts(default_factory=_now)


class PostVariant(_Table, table=True):
    """The post on one channel; ``text`` None means "use the post's text"."""

    __table_args__ = (UniqueConstraint("post_id", "channel_id"),)
    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(foreign_key="post.id", index=True)
    channel_id: int = Field(foreign_key="channel.id", index=True)
    text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class MediaAsset(_Table, table=True):
    __table_args__ = (UniqueConstraint("org_id", "sha256"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    sha256: str = Field(max_length=64, index=True)
    kind: str = Field(max_length=10)  # image | video | audio
    mime: str = Field(default="", max_length=100)
    #: Path relative to the media store root.
    path: str = Field(max_length=500)
    bytes: int = 0
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    phash: str | None = Field(default=None, max_length=64, index=True)
    title: str = Field(default="", max_length=255)
    tags: list[str] = _json(list)
    #: How a generated asset was made (template, fields, size) so it can be re-rendered.
    recipe: dict[str, Any] = _json()
    #: upload | generated | fitted
    source: str = Field(default="upload", max_length=20)
    #: Alternative text (Vietnamese), built from the content for generated assets, editable;
    #: sent with the file where the platform takes it.
    alt_text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    parent_id: int | None = Field(default=None, foreign_key="mediaasset.id")
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = _ts(default_factory=_now)


class PostTag(_Table, table=True):
    """A theme (``khcn``/``dmst``/``cds``) or target group of a post
    (``services.publishing.topics``): statistics and reports break results down by them."""

    __table_args__ = (Index("ix_posttag_kind_value", "kind", "value"),)
    post_id: int = Field(foreign_key="post.id", primary_key=True)
    #: theme | audience
    kind: str = Field(primary_key=True, max_length=10)
    value: str = Field(primary_key=True, max_length=20)


class PostMedia(_Table, table=True):
    post_id: int = Field(foreign_key="post.id", primary_key=True)
    asset_id: int = Field(foreign_key="mediaasset.id", primary_key=True)
    position: int = 0


# --- delivery ---
class Delivery(_Table, table=True):
    """One post on one channel at one time: the unit of work of the engine (the outbox row)."""

    __table_args__ = (
        UniqueConstraint("post_id", "channel_id", "occurrence"),
        Index("ix_delivery_queue", "status", "next_attempt_at"),
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


# --- render queue ---
class RenderJob(_Table, table=True):
    __table_args__ = (
        Index("ix_renderjob_queue", "status", "deadline"),
        # Same recipe in the same organisation -> the same job (renders are idempotent).
        UniqueConstraint("org_id", "recipe_hash", name="uq_renderjob_org_recipe"),
    )
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    kind: str = Field(max_length=20)  # infographic | video | fit
    recipe: dict[str, Any] = _json()
    recipe_hash: str = Field(max_length=64, index=True)
    priority: int = 0
    deadline: datetime | None = _ts(default=None)
    status: str = Field(default=RenderStatus.QUEUED, max_length=20)
    progress: float = 0.0
    attempts: int = 0
    lease_owner: str | None = Field(default=None, max_length=120)
    lease_until: datetime | None = _ts(default=None)
    post_id: int | None = Field(default=None, foreign_key="post.id", index=True)
    result_asset_id: int | None = Field(default=None, foreign_key="mediaasset.id")
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = _ts(default_factory=_now)
    started_at: datetime | None = _ts(default=None)
    finished_at: datetime | None = _ts(default=None)


# --- the province: report collection, criteria, activities ---
class ReportRequest(_Table, table=True):
    """A report the coordinator asks units for: the semi-annual ones or «đột xuất» (any local
    date range), due by ``deadline`` (local date, inclusive). ``services.insight.collection``."""

    id: int | None = Field(default=None, primary_key=True)
    #: The province (or the coordinator's topmost unit) the request belongs to.
    province_id: int = Field(foreign_key="organisation.id", index=True)
    title: str = Field(default="", max_length=255)
    start: date
    end: date
    deadline: date
    created_by: str = Field(default="", max_length=120)
    created_at: datetime = _ts(default_factory=_now)
    #: Once closed, nothing more may be submitted.
    closed_at: datetime | None = _ts(default=None)


class ReportSubmission(_Table, table=True):
    """One unit's part of a :class:`ReportRequest`: created when the request opens,
    ``submitted_at`` set when the unit sends it (its figures frozen in ``figures``)."""

    __table_args__ = (UniqueConstraint("request_id", "org_id"),)
    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="reportrequest.id", index=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    submitted_at: datetime | None = _ts(default=None)
    submitted_by: str = Field(default="", max_length=120)
    figures: dict[str, Any] = _json()
    reminded_at: datetime | None = _ts(default=None)


class Criterion(_Table, table=True):
    """An evaluation criterion of the plan with yearly targets (``services.insight.criteria``)."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=60, unique=True, index=True)
    name: str = Field(max_length=255)
    #: What one counts: "bài", "%", "hoạt động", "lượt".
    unit: str = Field(default="", max_length=40)
    #: posts | engagement | tasks | activities
    measure: str = Field(max_length=20)
    #: unit (each unit's own target) | province (one target for the province)
    scope: str = Field(default="unit", max_length=10)
    #: Narrow the count: an activity kind, a theme (optional).
    activity_kind: str | None = Field(default=None, max_length=20)
    theme: str | None = Field(default=None, max_length=20)
    #: {"2026": 20.0, ..., "2030": 40.0}
    targets: dict[str, Any] = _json()
    position: int = 0
    created_at: datetime = _ts(default_factory=_now)


class Activity(_Table, table=True):
    """Something a unit did outside the product (hội nghị, hội thảo, tập huấn, giải thưởng,
    bài báo/phóng sự) that counts in the criteria and is listed in the report."""

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    #: conference | workshop | training | award | press
    kind: str = Field(max_length=20)
    on_date: date = Field(index=True)
    title: str = Field(max_length=500)
    themes: list[str] = _json(list)
    audiences: list[str] = _json(list)
    link: str | None = Field(default=None, max_length=2000)
    created_by: str = Field(default="", max_length=120)
    created_at: datetime = _ts(default_factory=_now)


# --- operations ---
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


class FaqHandover(_Table, table=True):
    """A citizen's question the bot could not answer, handed to the staff inbox.

    Only what the hand-over needs is kept (the chat to answer in, the name shown, the
    question); rows older than ``PUBLISHER_FAQ_RETENTION_DAYS`` are deleted by the worker.
    """

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    channel_id: int = Field(foreign_key="channel.id", index=True)
    #: The platform's chat (Telegram chat id, Zalo user id) the staff reply goes to.
    chat_id: str = Field(max_length=64)
    display_name: str = Field(default="", max_length=120)
    question: str = Field(sa_column=Column(Text, nullable=False))
    #: open (waiting for staff) | sending (reply written, the bot sends it) | answered | failed
    status: str = Field(default="open", max_length=20, index=True)
    reply: str = Field(default="", sa_column=Column(Text, nullable=False))
    replied_by: str = Field(default="", max_length=120)
    created_at: datetime = _ts(default_factory=_now, index=True)
    replied_at: datetime | None = _ts(default=None)


class KeyValue(_Table, table=True):
    """Small settings stored in the database (KPI targets, demo markers)."""

    key: str = Field(primary_key=True, max_length=120)
    value: dict[str, Any] = _json()


# --- notifications (issue 18, item 5) ---
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


# --- questions and answers (issue 21) ---
class FaqAnswer(_Table, table=True):
    """An approved answer of the office's knowledge base, with the ways people ask for it.

    Reviewed like posts (``services.publishing.faq``): draft -> in_review -> approved (or
    rejected, archived); only approved answers inside their valid dates are ever returned to
    the public (``services.publishing.faq_search``)."""

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    status: str = Field(default="draft", max_length=20, index=True)
    question: str = Field(max_length=500)
    answer: str = Field(sa_column=Column(Text, nullable=False))
    #: Other ways of asking the same question.
    variants: list[str] = _json(list)
    source_url: str = Field(default="", max_length=2000)
    #: khcn | dmst | cds (``services.publishing.topics.THEMES``) or None.
    theme: str | None = Field(default=None, max_length=20)
    valid_from: date | None = None
    valid_until: date | None = None
    post_id: int | None = Field(default=None, foreign_key="post.id", index=True)
    created_by: int | None = Field(default=None, foreign_key="user.id")
    #: Who last changed the question, answer, variants or source (the four-eyes rule).
    content_by: int | None = Field(default=None, foreign_key="user.id")
    content_label: str = Field(default="", max_length=120)
    reviewed_by: int | None = Field(default=None, foreign_key="user.id")
    reviewed_at: datetime | None = _ts(default=None)
    review_comment: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = _ts(default_factory=_now)
    updated_at: datetime = _ts(default_factory=_now)


class FaqQuery(_Table, table=True):
    """One question asked of the knowledge base, kept to learn from (no personal data: the
    normalised text, never who asked)."""

    __table_args__ = (Index("ix_faqquery_org_asked", "org_id", "asked_at"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int | None = Field(default=None, foreign_key="organisation.id")
    channel_id: int | None = Field(default=None, foreign_key="channel.id", index=True)
    #: The question as normalised for matching (lower case, NFC, spaces collapsed).
    text: str = Field(max_length=500)
    score: float = 0.0
    #: answered | suggested | unanswered
    outcome: str = Field(default="unanswered", max_length=20)
    answer_id: int | None = Field(default=None, foreign_key="faqanswer.id", index=True)
    helpful: bool | None = None
    asked_at: datetime = _ts(default_factory=_now)
    feedback_at: datetime | None = _ts(default=None)
