"""Questions and answers (issue 21): the knowledge base, asked questions, hand-overs to staff."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text
from sqlmodel import Field

from publisher.models.accounts import Organisation, User  # noqa: F401  (foreign-key targets)
from publisher.models.base import _json, _now, _Table, _ts
from publisher.models.channels import Channel  # noqa: F401  (foreign-key targets)
from publisher.models.posts import Post  # noqa: F401  (foreign-key targets)


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
