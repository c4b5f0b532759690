"""Posts, their per-channel texts and their themes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field

from publisher.models.accounts import Organisation, User  # noqa: F401  (foreign-key targets)
from publisher.models.base import _now, _Table, _ts
from publisher.models.campaigns import Campaign, STTask  # noqa: F401  (foreign-key targets)
from publisher.models.channels import Channel  # noqa: F401  (foreign-key targets)
from publisher.models.enums import PostStatus, Recurrence


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


class PostTag(_Table, table=True):
    """A theme (``khcn``/``dmst``/``cds``) or target group of a post
    (``services.publishing.topics``): statistics and reports break results down by them."""

    __table_args__ = (Index("ix_posttag_kind_value", "kind", "value"),)
    post_id: int = Field(foreign_key="post.id", primary_key=True)
    #: theme | audience
    kind: str = Field(primary_key=True, max_length=10)
    value: str = Field(primary_key=True, max_length=20)
