"""The campaign calendar and the science & technology tasks posts are about."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Text
from sqlmodel import Field

from publisher.models.accounts import Organisation  # noqa: F401  (foreign-key targets)
from publisher.models.base import _now, _Table, _ts
from publisher.models.enums import CampaignKind, Recurrence


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
