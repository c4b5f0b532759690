"""The calendar: posts and campaign days in a month or a week, in the office's local time.

Built for months with thousands of posts: one query for the posts (light columns only, no
texts beyond a short snippet) and one for their channel names; days are grouped in Python.
"""

from __future__ import annotations

import calendar as pycal
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from publisher.errors import InvalidInput
from publisher.models import Campaign, Channel, Post, PostStatus, PostVariant
from publisher.services.actor import Actor
from publisher.services.campaigns import list_campaigns
from publisher.timeutil import local_datetime, local_tz

SNIPPET = 80
CHUNK = 500  # ids per IN (...) list: well under every backend's parameter limit


@dataclass
class CalendarFilter:
    org_id: int | None = None
    channel_id: int | None = None
    campaign_id: int | None = None
    status: str | None = None


@dataclass
class Entry:
    """One post on the calendar (what a cell shows; the post page has the rest)."""

    post_id: int
    status: str
    local: datetime
    title: str
    channels: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    campaign_id: int | None = None


@dataclass
class Marker:
    """A campaign or national day falling inside the period."""

    on: date
    name: str
    name_en: str
    kind: str
    slug: str


@dataclass
class Period:
    start: date  # first local day shown (inclusive)
    end: date  # last local day shown (inclusive)
    entries: dict[date, list[Entry]] = field(default_factory=dict)
    markers: dict[date, list[Marker]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    #: day -> status -> number of posts (all of them, also those not described)
    day_counts: dict[date, dict[str, int]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def days(self) -> list[date]:
        n = (self.end - self.start).days + 1
        return [self.start + timedelta(days=i) for i in range(n)]


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """The Monday-to-Sunday grid around a month (what a month view shows)."""
    if not 1 <= month <= 12:
        raise InvalidInput("error.calendar_month_invalid", month=month)
    first = date(year, month, 1)
    last = date(year, month, pycal.monthrange(year, month)[1])
    return first - timedelta(days=first.weekday()), last + timedelta(days=6 - last.weekday())


def week_bounds(day: date) -> tuple[date, date]:
    start = day - timedelta(days=day.weekday())
    return start, start + timedelta(days=6)


def _title(post_title: str, text: str) -> str:
    raw = (post_title or text or "").strip().replace("\n", " ")
    return raw if len(raw) <= SNIPPET else raw[: SNIPPET - 1] + "…"


def period(
    session: Session,
    actor: Actor,
    start: date,
    end: date,
    flt: CalendarFilter | None = None,
    *,
    per_day: int | None = None,
) -> Period:
    """Posts with a scheduled time in ``start..end`` (local days, inclusive) and the
    campaign days in that range.

    ``per_day`` limits the posts described per day (a month cell shows a few); ``day_counts``
    and ``counts`` always count them all. Raises PermissionDenied without ``post.view`` and
    InvalidInput when ``end`` precedes ``start`` or the range exceeds 62 days."""
    actor.require("post.view")
    if end < start or (end - start).days > 62:
        raise InvalidInput("error.calendar_range_invalid")
    flt = flt or CalendarFilter()
    if flt.status and flt.status not in tuple(PostStatus):
        raise InvalidInput(
            "error.status_invalid", status=flt.status, statuses=", ".join(PostStatus)
        )
    lo = local_datetime(start, 0)
    hi = local_datetime(end + timedelta(days=1), 0)
    # Pass 1: three narrow columns for every post (thousands of rows stay cheap).
    stmt = _filtered(
        select(col(Post.id), col(Post.status), col(Post.due_at))  # type: ignore[call-overload]
        .where(col(Post.due_at) >= lo, col(Post.due_at) < hi)
        .order_by(col(Post.due_at), col(Post.id)),
        actor,
        flt,
    )
    tz = local_tz()
    result = Period(start, end)
    counts: dict[str, int] = defaultdict(int)
    chosen: dict[int, tuple[str, datetime]] = {}
    shown: dict[date, int] = defaultdict(int)
    for post_id, status, due_at in session.exec(stmt):
        local = due_at.astimezone(tz)
        day = local.date()
        per_status = result.day_counts.setdefault(day, {})
        per_status[status] = per_status.get(status, 0) + 1
        counts[status] += 1
        if per_day is None or shown[day] < per_day:
            shown[day] += 1
            chosen[post_id] = (status, local)
    result.counts = dict(counts)
    # Pass 2: titles and channels of the posts actually shown only.
    by_id = _describe(session, chosen)
    for entry in by_id.values():
        result.entries.setdefault(entry.local.date(), []).append(entry)
    for entries in result.entries.values():
        entries.sort(key=lambda e: (e.local, e.post_id))
    result.markers = markers(session, actor, start, end)
    return result


def _filtered(stmt: Any, actor: Actor, flt: CalendarFilter) -> Any:
    if not actor.all_orgs:
        stmt = stmt.where(Post.org_id == actor.org_id)
    elif flt.org_id is not None:
        stmt = stmt.where(Post.org_id == flt.org_id)
    if flt.status:
        stmt = stmt.where(Post.status == flt.status)
    if flt.campaign_id is not None:
        stmt = stmt.where(Post.campaign_id == flt.campaign_id)
    if flt.channel_id is not None:
        stmt = stmt.where(
            col(Post.id).in_(
                select(PostVariant.post_id).where(PostVariant.channel_id == flt.channel_id)
            )
        )
    return stmt


def _describe(session: Session, chosen: dict[int, tuple[str, datetime]]) -> dict[int, Entry]:
    by_id: dict[int, Entry] = {}
    ids = list(chosen)
    snippet = func.substr(col(Post.text), 1, SNIPPET + 1)
    for i in range(0, len(ids), CHUNK):
        part = ids[i : i + CHUNK]
        columns: Any = (col(Post.id), col(Post.title), snippet, col(Post.campaign_id))
        rows: Any = session.exec(select(*columns).where(col(Post.id).in_(part)))
        for post_id, title, text, campaign_id in rows:
            status, local = chosen[post_id]
            by_id[post_id] = Entry(
                post_id, status, local, _title(title, text), campaign_id=campaign_id
            )
        variants = session.exec(
            select(PostVariant.post_id, Channel.name, Channel.kind)
            .join(Channel, col(Channel.id) == col(PostVariant.channel_id))
            .where(col(PostVariant.post_id).in_(part))
            .order_by(col(Channel.name))
        )
        for post_id, name, kind in variants:
            entry = by_id[post_id]
            entry.channels.append(name)
            if kind not in entry.kinds:
                entry.kinds.append(kind)
    return by_id


def markers(session: Session, actor: Actor, start: date, end: date) -> dict[date, list[Marker]]:
    """Campaign and national days between ``start`` and ``end`` (inclusive)."""
    out: dict[date, list[Marker]] = {}
    for year in range(start.year, end.year + 1):
        for occ in list_campaigns(session, actor, year):
            if start <= occ.on <= end:
                c: Campaign = occ.campaign
                out.setdefault(occ.on, []).append(
                    Marker(occ.on, c.name, c.name_en or c.name, c.kind, c.slug)
                )
    return out


def as_dict(p: Period) -> dict[str, Any]:
    """Plain data of a period (for JSON and tests)."""
    return {
        "start": p.start.isoformat(),
        "end": p.end.isoformat(),
        "counts": p.counts,
        "days": {
            d.isoformat(): [
                {
                    "id": e.post_id,
                    "status": e.status,
                    "time": e.local.strftime("%H:%M"),
                    "title": e.title,
                    "channels": e.channels,
                }
                for e in entries
            ]
            for d, entries in p.entries.items()
        },
        "markers": {d.isoformat(): [m.slug for m in ms] for d, ms in p.markers.items()},
    }
