"""The plan's evaluation criteria as data («bộ tiêu chí đánh giá ... định kỳ đo lường và công
bố»): each with a unit of measure, a yearly target up to 2030, whether the target is per unit
or for the province, and how it is measured — from posts, from engagement, from the S&T task
register, or from the activities entered by hand. The coordinator edits them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, select

from publisher.errors import InvalidInput, NotFound
from publisher.models import Criterion
from publisher.services.accounts import audit, orgs
from publisher.services.accounts.actor import Actor
from publisher.services.insight.periods import Period
from publisher.services.publishing import topics

MEASURES = ("posts", "engagement", "tasks", "activities", "grassroots")
SCOPES = ("unit", "province")
FIRST_YEAR, LAST_YEAR = 2025, 2030

#: The plan's criteria (Kế hoạch 45/KH-UBND), seeded when the table is empty.
DEFAULTS: tuple[dict[str, Any], ...] = (
    {
        "key": "posts",
        "name": "Tin, bài về KH&CN, ĐMST, CĐS đăng trên kênh của đơn vị",
        "unit": "bài",
        "measure": "posts",
        "scope": "unit",
        "targets": {"2026": 96, "2027": 108, "2028": 120, "2029": 132, "2030": 144},
    },
    {
        "key": "task_coverage",
        "name": "Nhiệm vụ KH&CN sử dụng ngân sách nhà nước được truyền thông",
        "unit": "%",
        "measure": "tasks",
        "scope": "province",
        "targets": {"2026": 60, "2027": 70, "2028": 80, "2029": 90, "2030": 100},
    },
    {
        "key": "engagement",
        "name": "Lượt tương tác với nội dung truyền thông",
        "unit": "lượt",
        "measure": "engagement",
        "scope": "province",
        "targets": {"2026": 50000, "2027": 75000, "2028": 100000, "2029": 125000, "2030": 150000},
    },
    {
        # Communes whose loudspeakers played a bulletin (services.insight.reach): the
        # plan's «80% ... qua hệ thống thông tin cơ sở», measured per commune.
        "key": "grassroots_reach",
        "name": "Xã, phường phát bản tin trên hệ thống truyền thanh cơ sở",
        "unit": "%",
        "measure": "grassroots",
        "scope": "province",
        "targets": {"2026": 80, "2027": 80, "2028": 85, "2029": 90, "2030": 90},
    },
    {
        "key": "events",
        "name": "Hội nghị, hội thảo, diễn đàn về KH&CN, ĐMST, CĐS",
        "unit": "sự kiện",
        "measure": "activities",
        "scope": "province",
        "activity_kind": "conference,workshop",
        "targets": {"2026": 6, "2027": 8, "2028": 10, "2029": 10, "2030": 12},
    },
    {
        "key": "trainings",
        "name": "Lớp tập huấn, bồi dưỡng kỹ năng truyền thông",
        "unit": "lớp",
        "measure": "activities",
        "scope": "province",
        "activity_kind": "training",
        "targets": {"2026": 4, "2027": 4, "2028": 6, "2029": 6, "2030": 8},
    },
    {
        "key": "press",
        "name": "Bài báo, phóng sự trên các cơ quan báo chí",
        "unit": "bài",
        "measure": "activities",
        "scope": "province",
        "activity_kind": "press",
        "targets": {"2026": 24, "2027": 30, "2028": 36, "2029": 42, "2030": 48},
    },
)


def ensure_defaults(session: Session) -> None:
    """Seed the plan's criteria once (nothing when any criterion exists)."""
    if session.exec(select(Criterion)).first() is not None:
        return
    for position, spec in enumerate(DEFAULTS):
        session.add(Criterion(position=position, **spec))
    session.flush()


def _defaults() -> list[Criterion]:
    """The plan's criteria as unsaved rows: reading never writes (a report refused
    afterwards, e.g. for its output folder, must leave nothing behind)."""
    return [Criterion(position=n, **spec) for n, spec in enumerate(DEFAULTS)]


def list_criteria(session: Session, actor: Actor) -> list[Criterion]:
    """The stored criteria, or the plan's defaults while none is stored."""
    actor.require("stats.view")
    rows = list(
        session.exec(select(Criterion).order_by(col(Criterion.position), col(Criterion.id)))
    )
    return rows or _defaults()


def get(session: Session, key: str) -> Criterion:
    """Criterion ``key`` (stored, or one of the plan's defaults); raises NotFound."""
    stored = session.exec(select(Criterion)).first() is not None
    if stored:
        found = session.exec(select(Criterion).where(Criterion.key == key)).first()
    else:
        found = next((c for c in _defaults() if c.key == key), None)
    if found is None:
        raise NotFound("error.criterion_not_found", key=key)
    return found


def parse_target(raw: str | float) -> float:
    """A target: a finite number at least 0 ("12", "0,5"); raises InvalidInput."""
    try:
        value = float(str(raw).strip().replace(",", "."))
    except ValueError:
        raise InvalidInput("error.criterion_target", value=str(raw)) from None
    if not math.isfinite(value) or value < 0:
        raise InvalidInput("error.criterion_target", value=str(raw))
    return value


def set_target(
    session: Session,
    actor: Actor,
    key: str,
    year: int,
    target: str | float,
    *,
    name: str | None = None,
    unit: str | None = None,
    measure: str | None = None,
    scope: str | None = None,
    activity_kind: str | None = None,
    theme: str | None = None,
) -> Criterion:
    """Set criterion ``key``'s target for ``year`` (2025-2030); a new key needs a name and a
    measure. Raises PermissionDenied, InvalidInput (year, target, measure, scope, key)."""
    actor.require("criteria.manage")
    value = parse_target(target)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput("error.criterion_year", year=year, first=FIRST_YEAR, last=LAST_YEAR)
    ensure_defaults(session)
    found = session.exec(select(Criterion).where(Criterion.key == key)).first()
    if found is None:
        if not re.fullmatch(r"[a-z0-9_]{2,60}", key or ""):
            raise InvalidInput("error.criterion_key", key=key)
        if not (name or "").strip() or not measure:
            raise InvalidInput("error.criterion_new_needs", key=key)
        found = Criterion(key=key, name=(name or "").strip()[:255], measure=measure, targets={})
        found.position = len(session.exec(select(Criterion)).all())
    before = {"targets": dict(found.targets), "measure": found.measure, "scope": found.scope}
    if name:
        found.name = name.strip()[:255]
    if unit is not None:
        found.unit = unit.strip()[:40]
    for field, value_, allowed in (("measure", measure, MEASURES), ("scope", scope, SCOPES)):
        if value_ is not None:
            if value_ not in allowed:
                raise InvalidInput(
                    "error.criterion_choice", field=field, value=value_, allowed=", ".join(allowed)
                )
            setattr(found, field, value_)
    if activity_kind is not None:
        found.activity_kind = activity_kind or None
    if theme is not None:
        parsed = topics.parse_themes(theme)
        found.theme = parsed[0] if parsed else None
    found.targets = {**found.targets, str(year): value}
    session.add(found)
    session.flush()
    audit.record(
        session,
        actor,
        "criterion.set",
        "criterion",
        found.id,
        before=before,
        after={"targets": found.targets, "measure": found.measure, "scope": found.scope},
    )
    return found


class _Measures:
    """The figures the criteria are measured from, each read once per evaluation: the
    statistics' totals per theme (posts and engagement come from the same sums) and the
    activities per kind (one grouped count per theme) — issue 18's benchmark found the
    criteria reading the same sums twice."""

    def __init__(self, session: Session, actor: Actor, period: Period, units: list[int] | None):
        self.session, self.actor, self.period, self.units = session, actor, period, units
        self._totals: dict[str | None, dict[str, Any]] = {}
        self._kinds: dict[str | None, dict[str, int]] = {}

    def value(self, c: Criterion) -> float:
        from publisher.services.insight import activities, kpi, stats

        if c.measure in ("posts", "engagement"):
            if c.theme not in self._totals:
                flt = stats.StatsFilter(
                    start=self.period.start_utc,
                    end=self.period.end_utc,
                    org_ids=tuple(self.units) if self.units is not None else None,
                    theme=c.theme,
                )
                self._totals[c.theme] = stats.totals(self.session, self.actor, flt)
            return float(self._totals[c.theme].get(c.measure) or 0)
        if c.measure == "tasks":
            within = (
                self.units
                if self.units is not None
                else orgs.readable_org_ids(self.session, self.actor)
            )
            return kpi.task_coverage(self.session, self.period, None, within=within).value
        if c.measure == "grassroots":
            from publisher.services.insight import reach

            within = (
                self.units
                if self.units is not None
                else orgs.readable_org_ids(self.session, self.actor)
            )
            return reach.coverage(self.session, self.period, within).percent
        if c.theme not in self._kinds:
            self._kinds[c.theme] = activities.count_by_kind(
                self.session, self.actor, self.period, self.units, c.theme
            )
        per_kind = self._kinds[c.theme]
        kinds = [k for k in (c.activity_kind or "").split(",") if k]
        return float(sum(per_kind.get(k, 0) for k in kinds) if kinds else sum(per_kind.values()))


def evaluate(
    session: Session, actor: Actor, period: Period, org_ids: Sequence[int] | None = None
) -> list[dict[str, Any]]:
    """Each criterion for ``period``: the target of the period's (last) year and the value
    reached by ``org_ids`` (default: every unit the actor reads). A per-unit criterion shows
    the average per unit. Raises PermissionDenied."""
    units = list(org_ids) if org_ids is not None else None
    from publisher.services.insight import kpi

    # Per-unit averages divide by the units that publish (as the KPIs do): the province's
    # own node and units without a channel post nothing and would lower every average.
    within = units if units is not None else orgs.readable_org_ids(session, actor)
    count = kpi.publishing_org_count(session, within)
    measures = _Measures(session, actor, period, units)
    out = []
    for c in list_criteria(session, actor):
        value = measures.value(c)
        if c.scope == "unit" and count > 1 and c.measure not in ("tasks", "grassroots"):
            value = round(value / count, 1)
        target = c.targets.get(str(period.end.year))
        target_value = float(target) if target is not None else None
        out.append(
            {
                "key": c.key,
                "name": c.name,
                "unit": c.unit,
                "measure": c.measure,
                "scope": c.scope,
                "year": period.end.year,
                "target": target_value,
                "value": value,
                "reached": target_value is not None and value >= target_value,
            }
        )
    return out


def as_dict(c: Criterion) -> dict[str, Any]:
    return {
        "key": c.key,
        "name": c.name,
        "unit": c.unit,
        "measure": c.measure,
        "scope": c.scope,
        "activity_kind": c.activity_kind,
        "theme": c.theme,
        "targets": {k: c.targets[k] for k in sorted(c.targets)},
    }
