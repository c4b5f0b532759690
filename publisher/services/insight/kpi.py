"""KPIs against the plan (Kế hoạch 45/KH-UBND), each with its target and a traffic light.

* ``task_coverage`` — share of the state-funded S&T tasks (classified ones excluded) with at
  least one published post by the end of the period (plan: 100% by 2030).
* ``national_days`` — for each national day in the period, the share of organisations (with
  at least one channel) that published that local day.
* ``posts_per_org_month`` — published posts per organisation per month, averaged.

Targets live in the ``KeyValue`` table (``kpi.targets``) and can be changed by a manager.
Status: green when the value reaches the target, amber from ``amber_ratio`` of it, else red.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlmodel import Session, col

from publisher.errors import InvalidInput
from publisher.models import (
    Campaign,
    CampaignKind,
    Channel,
    Delivery,
    DeliveryStatus,
    EngagementLatest,
    EngagementPost,
    KeyValue,
    Organisation,
    Post,
    STTask,
)
from publisher.services.accounts import audit
from publisher.services.accounts import orgs as orgs_svc
from publisher.services.accounts.actor import Actor
from publisher.services.insight.periods import Period
from publisher.services.publishing.campaigns import occurrence_in
from publisher.timeutil import ensure_utc, local_datetime, to_local, utcnow

TARGETS_KEY = "kpi.targets"
DEFAULT_TARGETS: dict[str, float] = {
    "task_coverage": 100.0,  # percent of non-classified tasks
    "national_days": 100.0,  # percent of organisations publishing on each national day
    "posts_per_org_month": 8.0,  # posts per organisation per month
    "amber_ratio": 0.8,  # amber from 80% of the target
}
GREEN, AMBER, RED = "green", "amber", "red"


@dataclass
class Kpi:
    key: str
    value: float
    target: float
    unit: str  # "%" | "posts"
    status: str
    numerator: int = 0
    denominator: int = 0
    detail: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def valid_target(name: str, value: float) -> bool:
    """A target must be a finite positive number (NaN would turn the light red for ever);
    the amber ratio lies between 0 and 1."""
    if not math.isfinite(value) or value <= 0:
        return False
    return not (name == "amber_ratio" and value >= 1)


def get_targets(session: Session) -> dict[str, float]:
    """The targets, defaults where nothing valid is stored (a row written before targets
    were checked may hold NaN or infinity: it is ignored, so the light is not red for ever)."""
    row = session.get(KeyValue, TARGETS_KEY)
    stored: dict[str, float] = {}
    for key, raw in (row.value if row else {}).items():
        try:
            value = float(raw)
        except (TypeError, ValueError):
            continue
        if valid_target(key, value):
            stored[key] = value
    return {**DEFAULT_TARGETS, **stored}


def set_target(session: Session, actor: Actor, name: str, value: float) -> dict[str, float]:
    """Change one target; raises PermissionDenied, InvalidInput (unknown name, a value that
    is not a finite positive number).

    Targets are province-wide, so only an administrator may change them.
    """
    actor.require("kpi.manage")
    if name not in DEFAULT_TARGETS:
        raise InvalidInput(
            "error.kpi_target_unknown", name=name, allowed=", ".join(DEFAULT_TARGETS)
        )
    if not valid_target(name, value):
        raise InvalidInput("error.kpi_target_value", name=name, value=value)
    row = session.get(KeyValue, TARGETS_KEY) or KeyValue(key=TARGETS_KEY, value={})
    before = dict(row.value)
    row.value = {**before, name: value}
    session.add(row)
    audit.record(session, actor, "kpi.target", "keyvalue", None, before=before, after=row.value)
    return get_targets(session)


def status_of(value: float, target: float, amber_ratio: float) -> str:
    """Traffic light of ``value`` against ``target``. Raises nothing."""
    if value >= target:
        return GREEN
    if value >= target * amber_ratio:
        return AMBER
    return RED


def _pct(num: int, den: int) -> float:
    return round(100.0 * num / den, 1) if den else 0.0


def task_coverage(
    session: Session,
    period: Period,
    org_id: int | None = None,
    targets: dict[str, float] | None = None,
    within: Sequence[int] | None = None,
) -> Kpi:
    """Coverage of the S&T task register up to the end of ``period``. ``detail`` lists every
    non-classified task with where (channels) and when (first publication) it was published."""
    targets = targets or get_targets(session)
    # Plain rows, not ORM objects: a province's register has thousands of tasks.
    stmt = (
        select(
            col(STTask.id),
            col(STTask.code),
            col(STTask.title),
            col(STTask.lead_org),
            col(STTask.year),
        )
        .where(col(STTask.classified).is_(False))
        .order_by(col(STTask.code))
    )
    if org_id is not None:
        stmt = stmt.where(col(STTask.org_id) == org_id)
    if within is not None:
        stmt = stmt.where(col(STTask.org_id).in_(list(within)))
    tasks = session.execute(stmt).all()
    published = session.execute(
        select(col(Post.task_id), col(Channel.name), func.min(col(Delivery.sent_at)))
        .join(Delivery, col(Delivery.post_id) == Post.id)
        .join(Channel, col(Channel.id) == Delivery.channel_id)
        .where(
            col(Post.task_id).is_not(None),
            col(Delivery.status) == DeliveryStatus.SENT,
            col(Delivery.sent_at) < period.end_utc,
        )
        .group_by(col(Post.task_id), col(Channel.name))
    ).all()
    where: dict[int, list[tuple[str, datetime]]] = {}
    for task_id, channel, first in published:
        where.setdefault(int(task_id), []).append((channel, ensure_utc(first)))
    detail: list[dict[str, Any]] = []
    for task in tasks:
        places = sorted(where.get(task.id or 0, []), key=lambda x: x[1])
        detail.append(
            {
                "code": task.code,
                "title": task.title,
                "lead_org": task.lead_org,
                "year": task.year,
                "covered": bool(places),
                "channels": [p[0] for p in places],
                "first_published": places[0][1] if places else None,
            }
        )
    covered = sum(1 for d in detail if d["covered"])
    value = _pct(covered, len(tasks))
    return Kpi(
        "task_coverage",
        value,
        targets["task_coverage"],
        "%",
        status_of(value, targets["task_coverage"], targets["amber_ratio"]),
        covered,
        len(tasks),
        detail,
    )


def _publishing_orgs(
    session: Session, org_id: int | None, within: Sequence[int] | None = None
) -> list[Organisation]:
    stmt = (
        select(Organisation)
        .where(
            col(Organisation.id).in_(
                select(col(Channel.org_id)).where(col(Channel.enabled).is_(True))
            )
        )
        .order_by(col(Organisation.name))
    )
    if org_id is not None:
        stmt = stmt.where(col(Organisation.id) == org_id)
    if within is not None:
        stmt = stmt.where(col(Organisation.id).in_(list(within)))
    return list(session.scalars(stmt))


def publishing_org_count(session: Session, within: Sequence[int] | None = None) -> int:
    """How many units (among ``within``; None: all) have an enabled channel: the divisor of
    every per-unit average, so the criteria and the KPIs share it."""
    return len(_publishing_orgs(session, None, within))


def national_days(
    session: Session,
    period: Period,
    org_id: int | None = None,
    targets: dict[str, float] | None = None,
    within: Sequence[int] | None = None,
) -> Kpi:
    """Share of organisations that published on each national day of the period (local
    date). The KPI value is the average over the days; ``detail`` has one row per day."""
    targets = targets or get_targets(session)
    orgs = _publishing_orgs(session, org_id, within)
    org_ids = [o.id for o in orgs]
    days: list[tuple[Campaign, date]] = []
    for campaign in session.scalars(
        select(Campaign).where(col(Campaign.kind) == CampaignKind.NATIONAL)
    ):
        for year in range(period.start.year, period.end.year + 1):
            on = occurrence_in(campaign, year)
            if on and period.start <= on <= period.end:
                days.append((campaign, on))
    days.sort(key=lambda x: x[1])
    detail: list[dict[str, Any]] = []
    for campaign, on in days:
        start, end = local_datetime(on, 0), local_datetime(on, 23, 59)
        # The statistics rows (one per sent delivery) carry organisation and time: one
        # index range scan on sent_at, no join.
        rows = session.execute(
            select(func.distinct(col(EngagementLatest.org_id))).where(
                and_(
                    col(EngagementLatest.sent_at) >= start,
                    col(EngagementLatest.sent_at) <= end,
                    col(EngagementLatest.org_id).in_(org_ids),
                )
            )
        ).all()
        done = {int(r[0]) for r in rows}
        detail.append(
            {
                "campaign": campaign.name,
                "slug": campaign.slug,
                "date": on,
                "published": len(done),
                "organisations": len(orgs),
                "share": _pct(len(done), len(orgs)),
                "missing": [o.name for o in orgs if o.id not in done],
            }
        )
    value = round(sum(d["share"] for d in detail) / len(detail), 1) if detail else 0.0
    num = sum(d["published"] for d in detail)
    den = sum(d["organisations"] for d in detail)
    return Kpi(
        "national_days",
        value,
        targets["national_days"],
        "%",
        status_of(value, targets["national_days"], targets["amber_ratio"]) if detail else GREEN,
        num,
        den,
        detail,
    )


def posts_per_org_month(
    session: Session,
    period: Period,
    org_id: int | None = None,
    targets: dict[str, float] | None = None,
    today: date | None = None,
    within: Sequence[int] | None = None,
) -> Kpi:
    """Published posts per organisation per month of the period (months not yet begun are
    not counted). ``detail`` has one row per organisation with its own status."""
    targets = targets or get_targets(session)
    target, ratio = targets["posts_per_org_month"], targets["amber_ratio"]
    orgs = _publishing_orgs(session, org_id, within)
    # A post counts when one of its deliveries was sent in the period. A post first sent
    # inside the period counts from its EngagementPost row alone (a range of the span
    # index); only posts first sent before it and still sending into it are checked
    # delivery by delivery. (The earlier form tested every post of the span delivery by
    # delivery unless its whole span lay inside: bench/results/province.md.)
    start, end = period.start_utc, period.end_utc
    sent_inside = exists().where(
        col(EngagementLatest.post_id) == col(EngagementPost.post_id),
        col(EngagementLatest.sent_at) >= start,
        col(EngagementLatest.sent_at) < end,
    )
    rows = session.execute(
        select(col(EngagementPost.org_id), func.count())
        .where(
            or_(
                and_(
                    col(EngagementPost.first_sent_at) >= start,
                    col(EngagementPost.first_sent_at) < end,
                ),
                and_(
                    col(EngagementPost.first_sent_at) < start,
                    col(EngagementPost.last_sent_at) >= start,
                    sent_inside,
                ),
            ),
        )
        .group_by(col(EngagementPost.org_id))
    ).all()
    counts = {int(o): int(n) for o, n in rows if o is not None}
    today = today or to_local(utcnow()).date()
    months = [m for m in period.months() if m <= (today.year, today.month)] or period.months()[:1]
    detail: list[dict[str, Any]] = []
    for org in orgs:
        posts = counts.get(org.id or 0, 0)
        per_month = round(posts / len(months), 1)
        detail.append(
            {
                "org": org.name,
                "posts": posts,
                "per_month": per_month,
                "status": status_of(per_month, target, ratio),
            }
        )
    total = sum(d["posts"] for d in detail)
    value = round(total / (len(orgs) * len(months)), 1) if orgs else 0.0
    return Kpi(
        "posts_per_org_month",
        value,
        target,
        "posts",
        status_of(value, target, ratio),
        total,
        len(orgs) * len(months),
        detail,
    )


def all_kpis(
    session: Session,
    actor: Actor,
    period: Period,
    org_id: int | None = None,
    today: date | None = None,
    units: Sequence[int] | None = None,
) -> list[Kpi]:
    """The three KPIs for ``period``: of unit ``org_id`` (which the actor must be able to
    read), else of every unit the actor reads (its own; a coordinator's province; all).

    Raises PermissionDenied.
    """
    actor.require("stats.view")
    within: list[int] | None = None
    if units is not None:
        orgs_svc.require_all_readable(session, actor, units)
        within = list(units)
    elif org_id is not None:
        orgs_svc.require_readable(session, actor, org_id)
    elif actor.is_coordinator:
        within = orgs_svc.readable_org_ids(session, actor)
    elif not actor.all_orgs:
        org_id = actor.org_id
    targets = get_targets(session)
    return [
        task_coverage(session, period, org_id, targets, within),
        national_days(session, period, org_id, targets, within),
        posts_per_org_month(session, period, org_id, targets, today=today, within=within),
    ]
