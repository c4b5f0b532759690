"""The calendar: posts and campaign days in a month or a week, in the office's local time.

Built for months with thousands of posts: the database groups the posts by local day (the
local midnights are computed here, in the office's time zone, and passed as bounds) and
returns counts per day and status plus the few posts a cell shows; only those are described
(snippet and channel names).
"""

from __future__ import annotations

import calendar as pycal
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Integer, case, func, literal_column
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from publisher.errors import InvalidInput
from publisher.models import Campaign, Channel, Post, PostStatus, PostVariant
from publisher.services.accounts.actor import Actor
from publisher.services.publishing.campaigns import list_campaigns
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
    #: An editor approved it; it waits for the manager's sign-off (signoff).
    awaiting_signoff: bool = False


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
    bounds = [local_datetime(start + timedelta(days=i), 0) for i in range((end - start).days + 2)]
    day = _day_index(col(Post.due_at), bounds).label("day")
    in_range = (col(Post.due_at) >= bounds[0]) & (col(Post.due_at) < bounds[-1])
    tz = local_tz()
    result = Period(start, end)
    # Pass 1: how many posts per local day and status (a few hundred rows at most).
    counted = _filtered(
        sa_select(day, col(Post.status), func.count()).where(in_range).group_by(day, Post.status),
        actor,
        flt,
    )
    counts: dict[str, int] = defaultdict(int)
    for idx, status, n in session.execute(counted):
        on = start + timedelta(days=int(idx))
        result.day_counts.setdefault(on, {})[status] = int(n)
        counts[status] += int(n)
    # Pass 2: the posts each cell describes (the first ``per_day`` of the day, in time order).
    rank = func.row_number().over(partition_by=day, order_by=(col(Post.due_at), col(Post.id)))
    ranked = _filtered(
        sa_select(col(Post.id), col(Post.status), col(Post.due_at), rank.label("rank")).where(
            in_range
        ),
        actor,
        flt,
    ).subquery("ranked")
    shown = sa_select(ranked.c.id, ranked.c.status, ranked.c.due_at)
    if per_day is not None:
        shown = shown.where(ranked.c.rank <= per_day)
    chosen: dict[int, tuple[str, datetime]] = {
        post_id: (status, due_at.astimezone(tz))
        for post_id, status, due_at in session.execute(shown.order_by(ranked.c.due_at, ranked.c.id))
    }
    result.counts = dict(counts)
    # Pass 3: titles and channels of the posts actually shown only.
    by_id = _describe(session, chosen)
    for entry in by_id.values():
        result.entries.setdefault(entry.local.date(), []).append(entry)
    for entries in result.entries.values():
        entries.sort(key=lambda e: (e.local, e.post_id))
    result.markers = markers(session, actor, start, end)
    return result


def _day_index(column: Any, bounds: list[datetime]) -> Any:
    """SQL for the number of the local day holding ``column``, where ``bounds`` are the UTC
    instants of consecutive local midnights (day ``i`` is ``[bounds[i], bounds[i + 1])``).

    A balanced CASE tree: a handful of comparisons per row on any backend, one pass over the
    posts whatever index the database picks, and right across daylight-saving changes (the
    midnights are computed in the office's zone, not as multiples of 24 hours).
    """

    def node(lo: int, hi: int) -> Any:  # days lo .. hi - 1
        if hi - lo == 1:
            return literal_column(str(lo), Integer)
        mid = (lo + hi) // 2
        return case((column < bounds[mid], node(lo, mid)), else_=node(mid, hi))

    return node(0, len(bounds) - 1)


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
        columns: Any = (
            col(Post.id),
            col(Post.title),
            snippet,
            col(Post.campaign_id),
            col(Post.first_approved_by),
        )
        rows: Any = session.exec(select(*columns).where(col(Post.id).in_(part)))
        for post_id, title, text, campaign_id, first_approved_by in rows:
            status, local = chosen[post_id]
            by_id[post_id] = Entry(
                post_id,
                status,
                local,
                _title(title, text),
                campaign_id=campaign_id,
                awaiting_signoff=first_approved_by is not None and status == "in_review",
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
