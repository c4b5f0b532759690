"""Engagement statistics: totals, breakdowns, trends, top posts, year-over-year campaigns.

Every figure comes from :class:`EngagementLatest`: one narrow row per sent delivery with its
newest figures and the dimensions we group by (organisation, channel, platform, campaign,
content type, publication time), so a query scans one row per published delivery, without
joins, however many snapshots were collected. ``None`` sums mean the platform gave no
figure at all (Telegram views): they are shown as "not available", never as zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select, text
from sqlmodel import Session

from publisher.errors import InvalidInput
from publisher.models import (
    Campaign,
    Channel,
    Delivery,
    EngagementLatest,
    EngagementPost,
    EngagementSnapshot,
    MediaAsset,
    Organisation,
    Post,
    PostMedia,
    PostTag,
)
from publisher.services.accounts import orgs
from publisher.services.accounts.actor import Actor
from publisher.services.publishing import topics

D = Delivery.__table__  # type: ignore[attr-defined]
P = Post.__table__  # type: ignore[attr-defined]
C = Channel.__table__  # type: ignore[attr-defined]
L = EngagementLatest.__table__  # type: ignore[attr-defined]
O = Organisation.__table__  # type: ignore[attr-defined]  # noqa: E741
K = Campaign.__table__  # type: ignore[attr-defined]
S = EngagementSnapshot.__table__  # type: ignore[attr-defined]
EP = EngagementPost.__table__  # type: ignore[attr-defined]
PM = PostMedia.__table__  # type: ignore[attr-defined]
MA = MediaAsset.__table__  # type: ignore[attr-defined]
T = PostTag.__table__  # type: ignore[attr-defined]

COUNTERS = ("reactions", "comments", "shares", "views", "clicks")
CONTENT_TYPES = ("text", "image", "video")
DIMENSIONS = (
    "org",
    "channel",
    "kind",
    "campaign",
    "content_type",
    "theme",
    "audience",
    "month",
    "week",
    "day",
)


@dataclass(frozen=True)
class StatsFilter:
    """What to count. ``start``/``end`` are UTC instants (end exclusive) on ``sent_at``."""

    start: datetime | None = None
    end: datetime | None = None
    org_id: int | None = None
    channel_id: int | None = None
    kind: str | None = None
    campaign_id: int | None = None
    campaign_year: int | None = None
    content_type: str | None = None
    #: A theme or target-group code (``topics.THEMES``/``topics.AUDIENCES``).
    theme: str | None = None
    audience: str | None = None
    #: Set by :func:`scoped` for a coordinator: the units of its province.
    org_ids: tuple[int, ...] | None = None


def scoped(session: Session, actor: Actor, flt: StatsFilter) -> StatsFilter:
    """The filter narrowed to what ``actor`` may read: every unit (admin), the units of its
    province (coordinator), its own unit (everybody else). Asking for another unit raises
    PermissionDenied; an unknown content type, theme or target group InvalidInput."""
    actor.require("stats.view")
    if flt.content_type and flt.content_type not in CONTENT_TYPES:
        raise InvalidInput(
            "error.stats_content_type", value=flt.content_type, allowed=", ".join(CONTENT_TYPES)
        )
    if flt.theme and flt.theme not in topics.THEMES:
        raise InvalidInput("error.theme_invalid", value=flt.theme, allowed=", ".join(topics.THEMES))
    if flt.audience and flt.audience not in topics.AUDIENCES:
        raise InvalidInput(
            "error.audience_invalid", value=flt.audience, allowed=", ".join(topics.AUDIENCES)
        )
    readable = orgs.readable_org_ids(session, actor)
    if flt.org_ids is not None:
        # A chosen set of units (the province's report from the units that submitted).
        if readable is not None and not set(flt.org_ids) <= set(readable):
            orgs.require_readable(session, actor, next(i for i in flt.org_ids if i not in readable))
        return flt
    if readable is None:
        return flt
    if flt.org_id is not None:
        orgs.require_readable(session, actor, flt.org_id)
        return replace(flt, org_ids=None)
    if actor.is_coordinator:
        return replace(flt, org_ids=tuple(readable))
    return replace(flt, org_id=actor.org_id, org_ids=None)


def _sums(posts_by: str = "post") -> list[Any]:
    """Counters of the selected rows. Posts are a plain sum of flags, never a DISTINCT:
    ``post`` counts rows flagged ``is_first`` (one per post and occurrence), ``kind`` rows
    flagged ``is_first_kind`` (one per post and platform), ``channel`` every row (on one
    channel, each delivery is one publication)."""
    if posts_by == "channel":
        posts: Any = func.count()
    else:
        flag = L.c.is_first_kind if posts_by == "kind" else L.c.is_first
        posts = func.coalesce(func.sum(case((flag, 1), else_=0)), 0)
    return [
        func.count().label("deliveries"),
        posts.label("posts"),
        *[func.sum(L.c[name]).label(name) for name in COUNTERS],
        func.sum(_engagement()).label("engagement"),
        func.max(L.c.collected_at).label("collected_at"),
    ]


def _posts_by(flt: StatsFilter, by: str | None = None) -> str:
    if flt.channel_id is not None or by == "channel":
        return "channel"
    if flt.kind or by == "kind":
        return "kind"
    return "post"


def _query(flt: StatsFilter, columns: Sequence[Any]) -> Select[Any]:
    conds: list[Any] = [L.c.sent_at.is_not(None)]
    if flt.start is not None:
        conds.append(L.c.sent_at >= flt.start)
    if flt.end is not None:
        conds.append(L.c.sent_at < flt.end)
    if flt.org_id is not None:
        conds.append(L.c.org_id == flt.org_id)
    if flt.org_ids is not None:
        conds.append(L.c.org_id.in_(list(flt.org_ids)))
    for kind, value in ((topics.THEME, flt.theme), (topics.AUDIENCE, flt.audience)):
        if value:
            conds.append(
                L.c.post_id.in_(select(T.c.post_id).where(T.c.kind == kind, T.c.value == value))
            )
    if flt.channel_id is not None:
        conds.append(L.c.channel_id == flt.channel_id)
    if flt.kind:
        conds.append(L.c.kind == flt.kind)
    if flt.campaign_id is not None:
        conds.append(L.c.campaign_id == flt.campaign_id)
    if flt.campaign_year is not None:
        conds.append(L.c.campaign_year == flt.campaign_year)
    if flt.content_type:
        conds.append(L.c.content_type == flt.content_type)
    return select(*columns).select_from(L).where(and_(*conds))


def _row(mapping: Any) -> dict[str, Any]:
    out = dict(mapping)
    for name in (*COUNTERS, "engagement", "deliveries", "posts"):
        if name in out and out[name] is not None:
            out[name] = int(out[name])
    return out


def _engagement() -> Any:
    return (
        func.coalesce(L.c.reactions, 0)
        + func.coalesce(L.c.comments, 0)
        + func.coalesce(L.c.shares, 0)
        + func.coalesce(L.c.clicks, 0)
    )


def _per_post(flt: StatsFilter, post_ids: Sequence[int]) -> Any:
    """The figures of each post of ``post_ids`` over its deliveries within the filter."""
    columns = [
        L.c.post_id.label("post_id"),
        func.count().label("deliveries"),
        *[func.sum(L.c[name]).label(name) for name in COUNTERS],
        func.sum(_engagement()).label("engagement"),
        func.max(L.c.collected_at).label("collected_at"),
        func.min(L.c.sent_at).label("sent_at"),
    ]
    return (
        _query(flt, columns)
        .where(L.c.post_id.in_(list(post_ids)))
        .group_by(L.c.post_id)
        .subquery("pp")
    )


def _tune(session: Session) -> None:
    # Per transaction only: enough memory for the per-post hash aggregation of a province's
    # year (about 200k deliveries) to stay in memory instead of spilling to disk.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL work_mem = '64MB'"))


def totals(session: Session, actor: Actor, flt: StatsFilter) -> dict[str, Any]:
    """Sums over the filter: deliveries, posts, each counter (None: never reported),
    engagement (reactions + comments + shares + clicks) and the newest collection time."""
    flt = scoped(session, actor, flt)
    row = session.execute(_query(flt, _sums(_posts_by(flt)))).mappings().one()
    out = _row(row)
    out["engagement"] = out.get("engagement") or 0
    out["deliveries"] = out.get("deliveries") or 0
    out["collected_at"] = _aware(out.get("collected_at"))
    return out


def _bucket_of(day: date, unit: str) -> str:
    if unit == "month":
        return f"{day.year}-{day.month:02d}"
    if unit == "week":
        iso = day.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    return day.isoformat()


def _time_buckets(session: Session, flt: StatsFilter, unit: str) -> list[dict[str, Any]]:
    """Group by the local publication day in SQL (at most 366 groups), fold the days into
    months or ISO weeks here: every counter, posts included, is a plain sum."""
    stmt = (
        _query(flt, [L.c.local_day.label("day"), *_sums(_posts_by(flt))])
        .group_by(L.c.local_day)
        .order_by(L.c.local_day)
    )
    buckets: dict[str, dict[str, Any]] = {}
    for r in session.execute(stmt).mappings():
        if r["day"] is None:
            continue
        key = _bucket_of(r["day"], unit)
        b = buckets.setdefault(
            key,
            {
                "key": key,
                "label": key,
                "collected_at": None,
                **dict.fromkeys(("posts", "deliveries", "engagement"), 0),
                **dict.fromkeys(COUNTERS),
            },
        )
        for name in ("posts", "deliveries", "engagement", *COUNTERS):
            if r[name] is not None:
                b[name] = (b[name] or 0) + int(r[name])
        if r["collected_at"] is not None:
            b["collected_at"] = max(filter(None, (b["collected_at"], r["collected_at"])))
    return [buckets[k] for k in sorted(buckets)]


def breakdown(
    session: Session, actor: Actor, flt: StatsFilter, by: str, *, limit: int | None = None
) -> list[dict[str, Any]]:
    """Sums grouped by ``by`` (one of :data:`DIMENSIONS`), biggest engagement first (time
    buckets in order). Raises InvalidInput for an unknown dimension."""
    flt = scoped(session, actor, flt)
    if by not in DIMENSIONS:
        raise InvalidInput("error.stats_dimension", value=by, allowed=", ".join(DIMENSIONS))
    keys = {
        "org": L.c.org_id,
        "channel": L.c.channel_id,
        "kind": L.c.kind,
        "campaign": L.c.campaign_id,
        "content_type": L.c.content_type,
    }
    if by in ("theme", "audience"):
        return _tag_breakdown(session, flt, by)
    if by not in keys:
        return _time_buckets(session, flt, by)
    key = keys[by]
    # Aggregate first, then join the (small) label table to the few result rows.
    sub = _query(flt, [key.label("key"), *_sums(_posts_by(flt, by))]).group_by(key).subquery()
    labels: list[Any] = []
    src: Any = sub
    if by == "org":
        labels = [O.c.name.label("label")]
        src = sub.outerjoin(O, O.c.id == sub.c.key)
    elif by == "channel":
        labels = [C.c.name.label("label"), C.c.kind.label("kind")]
        src = sub.outerjoin(C, C.c.id == sub.c.key)
    elif by == "campaign":
        labels = [K.c.name.label("label"), K.c.slug.label("slug")]
        src = sub.outerjoin(K, K.c.id == sub.c.key)
    stmt = (
        select(sub, *labels)
        .select_from(src)
        .order_by(sub.c.engagement.desc().nulls_last(), sub.c.key)
    )
    if limit:
        stmt = stmt.limit(limit)
    rows = [_row(r) for r in session.execute(stmt).mappings()]
    for r in rows:
        r.setdefault("label", r["key"])
        r["engagement"] = r.get("engagement") or 0
        r["deliveries"] = r.get("deliveries") or 0
    return rows


def _tag_breakdown(session: Session, flt: StatsFilter, by: str) -> list[dict[str, Any]]:
    """Sums per theme (or target group), in the vocabulary's order; a post with two themes
    counts under each; untagged posts are one row with key None. Themes without posts
    are listed with zeros so the table always shows the plan's three."""
    kind = topics.THEME if by == "theme" else topics.AUDIENCE
    tag = T.alias("tag")
    stmt = (
        _query(flt, [tag.c.value.label("key"), *_sums()])
        .outerjoin(tag, and_(tag.c.post_id == L.c.post_id, tag.c.kind == kind))
        .group_by(tag.c.value)
    )
    found = {r["key"]: _row(r) for r in session.execute(stmt).mappings()}
    codes: list[str | None] = [*(topics.THEMES if by == "theme" else topics.AUDIENCES), None]
    rows = []
    for code in codes:
        row = found.get(code)
        if row is None:
            if code is None:
                continue
            row = {"key": code, "deliveries": 0, "posts": 0, **dict.fromkeys(COUNTERS)}
        row["label"] = code
        row["engagement"] = row.get("engagement") or 0
        row["deliveries"] = row.get("deliveries") or 0
        row["posts"] = row.get("posts") or 0
        rows.append(row)
    return rows


#: :func:`_top_post_ids`: candidates in its first batch (the batches then double), and
#: how many it checks at most before summing every post instead.
TOP_WALK_BATCH = 50
TOP_WALK_LIMIT = 5000


def top_posts(
    session: Session, actor: Actor, flt: StatsFilter, limit: int = 10
) -> list[dict[str, Any]]:
    """The posts with the most engagement over all their channels (ties: lowest post id)."""
    flt = scoped(session, actor, flt)
    if _broad(flt):
        winners = _top_post_ids(session, flt, limit)
    else:
        winners = _top_post_ids_by_sum(session, flt, limit)
    if not winners:
        return []
    sub = _per_post(flt, winners)
    found = {r["post_id"]: _row(r) for r in session.execute(select(sub)).mappings()}
    rows = [found[post_id] for post_id in winners]
    # Titles only for the winners: the aggregation itself never touches the post table.
    info = {
        r.id: r
        for r in session.execute(
            select(
                P.c.id,
                P.c.title,
                func.substr(P.c.text, 1, 160).label("text"),
                O.c.name.label("org"),
            )
            .join(O, O.c.id == P.c.org_id)
            .where(P.c.id.in_(winners))
        )
    }
    for r in rows:
        meta = info.get(r["post_id"])
        r.update(
            title=meta.title if meta else "",
            text=meta.text if meta else "",
            org=meta.org if meta else "",
        )
        r["sent_at"] = _aware(r["sent_at"])
        r["engagement"] = r.get("engagement") or 0
    return rows


def _broad(flt: StatsFilter) -> bool:
    """Whether ``flt`` spans most of the statistics rows (a province's months), where
    summing every post costs far more than checking the few best candidates. Narrow
    filters (one organisation, platform, channel or campaign, a few weeks) read few rows,
    or rows the candidates cannot be chosen by, and are summed directly."""
    if any(v is not None for v in (flt.org_id, flt.channel_id, flt.campaign_id)) or flt.kind:
        return False
    if flt.theme or flt.audience:
        return False
    if flt.start is not None and flt.end is not None:
        return flt.end - flt.start > timedelta(days=45)
    return True


def _top_post_ids(session: Session, flt: StatsFilter, limit: int) -> list[int]:
    """Ids of the ``limit`` posts with the most engagement within ``flt``, best first.

    :class:`EngagementPost` holds each post's engagement over all its deliveries: an upper
    bound of its engagement within any filter. Posts are taken in that order, in growing
    batches, and their engagement within the filter summed exactly; once the ``limit``-th
    best exceeds the bound of the next candidate, no later post can enter the list. Filters
    narrower than a post (platform, channel, campaign, type) may need many candidates:
    after :data:`TOP_WALK_LIMIT` of them, every post is summed instead.
    """
    if limit <= 0:
        return []
    pre: list[Any] = []  # what a post must satisfy to have a delivery within the filter
    if flt.org_id is not None:
        pre.append(EP.c.org_id == flt.org_id)
    if flt.org_ids is not None:
        pre.append(EP.c.org_id.in_(list(flt.org_ids)))
    if flt.start is not None:
        pre.append(EP.c.last_sent_at >= flt.start)
    if flt.end is not None:
        pre.append(EP.c.first_sent_at < flt.end)
    best: list[tuple[int, int]] = []  # (-engagement, post_id), best first
    after: tuple[int, int] | None = None
    batch, walked = max(TOP_WALK_BATCH, limit), 0
    while walked < TOP_WALK_LIMIT:
        stmt = select(EP.c.engagement, EP.c.post_id).where(*pre)
        if after is not None:
            stmt = stmt.where(
                or_(
                    EP.c.engagement < after[0],
                    and_(EP.c.engagement == after[0], EP.c.post_id > after[1]),
                )
            )
        candidates = session.execute(
            stmt.order_by(EP.c.engagement.desc(), EP.c.post_id).limit(batch)
        ).all()
        if not candidates:
            return [post_id for _, post_id in best]
        exact = session.execute(
            _query(flt, [L.c.post_id, func.sum(_engagement())])
            .where(L.c.post_id.in_([c.post_id for c in candidates]))
            .group_by(L.c.post_id)
        ).all()
        best = sorted(best + [(-int(total or 0), int(pid)) for pid, total in exact])[:limit]
        after = (int(candidates[-1].engagement), int(candidates[-1].post_id))
        walked += len(candidates)
        if len(candidates) < batch:
            return [post_id for _, post_id in best]
        if len(best) == limit and -best[-1][0] > after[0]:
            return [post_id for _, post_id in best]
        batch *= 2
    return _top_post_ids_by_sum(session, flt, limit)


def _top_post_ids_by_sum(session: Session, flt: StatsFilter, limit: int) -> list[int]:
    """:func:`_top_post_ids` the plain way: sum every post within the filter."""
    _tune(session)
    ranked = (
        _query(flt, [L.c.post_id.label("post_id"), func.sum(_engagement()).label("engagement")])
        .group_by(L.c.post_id)
        .subquery("ranked")
    )
    return [
        r[0]
        for r in session.execute(
            select(ranked.c.post_id)
            .order_by(ranked.c.engagement.desc().nulls_last(), ranked.c.post_id)
            .limit(limit)
        )
    ]


def year_over_year(
    session: Session,
    actor: Actor,
    campaign_id: int,
    years: Sequence[int],
    flt: StatsFilter | None = None,
) -> list[dict[str, Any]]:
    """One row per year for the campaign's posts of that year (``campaign_year``): posts,
    organisations taking part, counters. Years without posts appear with zeros."""
    base = scoped(
        session,
        actor,
        replace(
            flt or StatsFilter(), start=None, end=None, campaign_id=campaign_id, campaign_year=None
        ),
    )
    stmt = (
        _query(
            base,
            [
                L.c.campaign_year.label("year"),
                func.count(func.distinct(L.c.org_id)).label("orgs"),
                *_sums(),
            ],
        )
        .where(L.c.campaign_year.in_(list(years)))
        .group_by(L.c.campaign_year)
    )
    found = {int(r["year"]): _row(r) for r in session.execute(stmt).mappings()}
    out = []
    for year in years:
        row = found.get(year) or {
            "year": year,
            "orgs": 0,
            "deliveries": 0,
            "posts": 0,
            "engagement": 0,
            **dict.fromkeys(COUNTERS),
        }
        row["engagement"] = row.get("engagement") or 0
        row["orgs"] = int(row.get("orgs") or 0)
        out.append(row)
    return out


def per_delivery(
    session: Session, actor: Actor, flt: StatsFilter, limit: int = 50
) -> list[dict[str, Any]]:
    """The newest figures of each delivery (newest publications first)."""
    flt = scoped(session, actor, flt)
    stmt = (
        _query(
            flt,
            [
                L.c.delivery_id.label("delivery_id"),
                L.c.post_id.label("post_id"),
                C.c.name.label("channel"),
                L.c.kind.label("kind"),
                L.c.sent_at.label("sent_at"),
                D.c.url.label("url"),
                *[L.c[name].label(name) for name in COUNTERS],
                L.c.collected_at.label("collected_at"),
            ],
        )
        .join(D, D.c.id == L.c.delivery_id)
        .join(C, C.c.id == L.c.channel_id)
        .order_by(L.c.sent_at.desc(), L.c.delivery_id.desc())
        .limit(limit)
    )
    rows = []
    for r in session.execute(stmt).mappings():
        row = dict(r)
        for key in ("sent_at", "collected_at"):
            row[key] = _aware(row[key])
        rows.append(row)
    return rows


def growth(
    session: Session, actor: Actor, flt: StatsFilter, *, max_deliveries: int = 5000
) -> list[dict[str, Any]]:
    """Counters over time (one point per collection time) for the filtered deliveries.

    For each collection time, sums each delivery's figures as of that time (the last
    snapshot at or before it), so the curve shows growth, not the collection schedule.
    """
    flt = scoped(session, actor, flt)
    chosen = (
        _query(flt, [L.c.delivery_id])
        .order_by(L.c.delivery_id)
        .limit(max_deliveries)
        .subquery("chosen")
    )
    snaps = session.execute(
        select(S.c.delivery_id, S.c.collected_at, *[S.c[n] for n in COUNTERS])
        .where(S.c.delivery_id.in_(select(chosen.c.delivery_id)))
        .order_by(S.c.collected_at)
    )
    # Running totals: when a delivery's figure changes, add the difference (linear time);
    # a point is taken once all the snapshots of its collection time are counted.
    n = len(COUNTERS)
    nothing = (None,) * n
    current: dict[int, tuple[Any, ...]] = {}
    totals_now: list[int] = [0] * n
    seen: list[bool] = [False] * n
    points: list[dict[str, Any]] = []
    at: Any = None

    def point() -> dict[str, Any]:
        return {"collected_at": _aware(at)} | {
            name: (totals_now[i] if seen[i] else None) for i, name in enumerate(COUNTERS)
        }

    for delivery_id, collected_at, *values in snaps:
        if at is not None and collected_at != at:
            points.append(point())
        at = collected_at
        old = current.get(delivery_id, nothing)
        current[delivery_id] = tuple(values)
        for i in range(n):
            if values[i] is not None:
                totals_now[i] += values[i] - (old[i] or 0)
                seen[i] = True
            elif old[i] is not None:
                totals_now[i] -= old[i]
    if at is not None:
        points.append(point())
    return points


def _aware(value: Any) -> datetime | None:
    from publisher.timeutil import ensure_utc

    return ensure_utc(value) if isinstance(value, datetime) else None


def campaign_choices(session: Session, actor: Actor) -> list[tuple[int, str, str]]:
    """``(id, name, kind)`` of the campaigns ``actor`` may filter by (national days first)."""
    actor.require("stats.view")
    rows = session.execute(
        select(K.c.id, K.c.name, K.c.kind, K.c.org_id).order_by(K.c.kind.desc(), K.c.name)
    ).all()
    return [(r.id, r.name, r.kind) for r in rows if r.org_id is None or actor.sees(r.org_id)]
