"""The province: report collection, evaluation criteria, activities."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from publisher.models.accounts import Organisation  # noqa: F401  (foreign-key targets)
from publisher.models.base import _json, _now, _Table, _ts


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
