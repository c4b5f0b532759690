"""Prometheus text exposition (format 0.0.4) of what the database knows.

Everything is computed from the database at scrape time, so every process (and every
replica of the api service) reports the same figures; nothing is kept in process memory.
Histograms are cumulative over the whole history, as Prometheus expects of histograms.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import case, func, literal
from sqlmodel import Session, col, select

from publisher.models import (
    Alert,
    Channel,
    ChannelHealth,
    Delivery,
    DeliveryStatus,
    RenderJob,
    RenderStatus,
    SchedulerLease,
    WorkerHeartbeat,
)
from publisher.services.operations.health import HEARTBEAT_STALE_SECONDS, UNSENT
from publisher.timeutil import utcnow

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

#: Seconds between due_at and sent_at: "on the second" lives in the first buckets.
LATENESS_BUCKETS: tuple[float, ...] = (0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)
#: Seconds a render job took (started_at -> finished_at).
RENDER_BUCKETS: tuple[float, ...] = (0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(labels: dict[str, str]) -> str:
    if not labels:
        return ""
    inner = ",".join(f'{k}="{_escape(str(v))}"' for k, v in sorted(labels.items()))
    return "{" + inner + "}"


def _num(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def family(self, name: str, kind: str, help_text: str) -> None:
        self.lines.append(f"# HELP {name} {help_text}")
        self.lines.append(f"# TYPE {name} {kind}")

    def sample(self, name: str, value: float, labels: dict[str, str] | None = None) -> None:
        self.lines.append(f"{name}{_labels(labels or {})} {_num(value)}")

    def histogram(
        self,
        name: str,
        hist: Histogram,
        buckets: Sequence[float],
        labels: dict[str, str] | None = None,
    ) -> None:
        base = dict(labels or {})
        for upper, count in zip(buckets, hist.cumulative, strict=True):
            self.sample(f"{name}_bucket", count, {**base, "le": repr(float(upper))})
        self.sample(f"{name}_bucket", hist.count, {**base, "le": "+Inf"})
        self.sample(f"{name}_sum", round(hist.total, 6), base)
        self.sample(f"{name}_count", hist.count, base)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


@dataclass
class Histogram:
    cumulative: list[int]
    total: float
    count: int


def _elapsed(session: Session, start: Any, end: Any) -> Any:
    """Seconds from ``start`` to ``end`` as a SQL expression, on either backend."""
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", end - start)
    # SQLite stores naive UTC text; julianday() differences carry ~10 µs of floating-point
    # noise at today's dates, so round to the millisecond (far below the smallest bucket).
    return func.round((func.julianday(end) - func.julianday(start)) * 86400.0, 3)


def _histograms(
    session: Session,
    start: Any,
    end: Any,
    where: Sequence[Any],
    buckets: Sequence[float],
    group_by: Any = None,
) -> dict[str, Histogram]:
    """Bucket counts computed by the database (one row per group), so that a scrape never
    loads every delivery into the process. Negative durations count as 0."""
    seconds = _elapsed(session, start, end)
    clamped = case((seconds > 0, seconds), else_=0.0)
    columns: list[Any] = [func.count(), func.coalesce(func.sum(clamped), 0.0)]
    columns += [func.coalesce(func.sum(case((seconds <= b, 1), else_=0)), 0) for b in buckets]
    if group_by is not None:
        stmt = select(group_by, *columns).where(*where).group_by(group_by)
    else:
        stmt = select(literal("").label("group"), *columns).where(*where)
    out: dict[str, Histogram] = {}
    for row in session.execute(stmt):
        group, count, total, *cumulative = row
        if count:
            out[str(group)] = Histogram([int(c) for c in cumulative], float(total), int(count))
    return out


def _empty(buckets: Sequence[float]) -> Histogram:
    return Histogram([0] * len(buckets), 0.0, 0)


def render_metrics(session: Session, *, now: datetime | None = None) -> str:
    """All metrics in the Prometheus text format; reads only (never writes)."""
    now = now or utcnow()
    w = _Writer()

    w.family("publisher_deliveries", "gauge", "Deliveries by status.")
    counts = dict(
        session.exec(select(Delivery.status, func.count()).group_by(Delivery.status)).all()
    )
    for status in DeliveryStatus:
        w.sample("publisher_deliveries", counts.get(status.value, 0), {"status": status.value})

    due = (col(Delivery.status).in_(UNSENT), col(Delivery.due_at) <= now)
    w.family(
        "publisher_deliveries_overdue",
        "gauge",
        "Deliveries due but not yet sent (pending or sending).",
    )
    overdue = session.exec(select(func.count()).select_from(Delivery).where(*due)).one()
    w.sample("publisher_deliveries_overdue", overdue)
    w.family(
        "publisher_oldest_overdue_seconds",
        "gauge",
        "How late the oldest due-but-unsent delivery is (0 when none).",
    )
    oldest = session.exec(select(func.min(Delivery.due_at)).where(*due)).one()
    oldest_at = _as_utc(oldest)
    w.sample(
        "publisher_oldest_overdue_seconds",
        max(0.0, (now - oldest_at).total_seconds()) if oldest_at else 0,
    )

    w.family(
        "publisher_delivery_lateness_seconds",
        "histogram",
        "Seconds from the scheduled time (due_at) to the platform's acceptance (sent_at).",
    )
    lateness = _histograms(
        session,
        col(Delivery.due_at),
        col(Delivery.sent_at),
        (Delivery.status == DeliveryStatus.SENT, col(Delivery.sent_at).is_not(None)),
        LATENESS_BUCKETS,
    ).get("", _empty(LATENESS_BUCKETS))
    w.histogram("publisher_delivery_lateness_seconds", lateness, LATENESS_BUCKETS)

    w.family("publisher_render_jobs", "gauge", "Render jobs by status.")
    rcounts = dict(
        session.exec(select(RenderJob.status, func.count()).group_by(RenderJob.status)).all()
    )
    for rstatus in RenderStatus:
        w.sample("publisher_render_jobs", rcounts.get(rstatus.value, 0), {"status": rstatus.value})

    w.family(
        "publisher_render_duration_seconds",
        "histogram",
        "Seconds a finished render job took, by kind.",
    )
    durations = _histograms(
        session,
        col(RenderJob.started_at),
        col(RenderJob.finished_at),
        (
            RenderJob.status == RenderStatus.DONE,
            col(RenderJob.started_at).is_not(None),
            col(RenderJob.finished_at).is_not(None),
        ),
        RENDER_BUCKETS,
        group_by=col(RenderJob.kind),
    )
    for kind in sorted(durations) or ["infographic"]:
        w.histogram(
            "publisher_render_duration_seconds",
            durations.get(kind, _empty(RENDER_BUCKETS)),
            RENDER_BUCKETS,
            {"kind": kind},
        )

    w.family("publisher_alerts_open", "gauge", "Unresolved alerts by kind and severity.")
    for kind, severity, n in session.exec(
        select(Alert.kind, Alert.severity, func.count())
        .where(col(Alert.resolved_at).is_(None))
        .group_by(Alert.kind, Alert.severity)
        .order_by(Alert.kind, Alert.severity)
    ):
        w.sample("publisher_alerts_open", n, {"kind": kind, "severity": severity})

    w.family("publisher_channels", "gauge", "Channels by kind and health.")
    for kind, health, n in session.exec(
        select(Channel.kind, Channel.health, func.count())
        .group_by(Channel.kind, Channel.health)
        .order_by(Channel.kind, Channel.health)
    ):
        w.sample("publisher_channels", n, {"kind": kind, "health": health})
    w.family(
        "publisher_channels_flagged", "gauge", "Enabled channels flagged for failing credentials."
    )
    flagged = session.exec(
        select(func.count())
        .select_from(Channel)
        .where(Channel.health == ChannelHealth.FLAGGED, col(Channel.enabled).is_(True))
    ).one()
    w.sample("publisher_channels_flagged", flagged)

    w.family(
        "publisher_workers_alive",
        "gauge",
        f"Workers whose heartbeat is younger than {HEARTBEAT_STALE_SECONDS} s, by role.",
    )
    limit = now - timedelta(seconds=HEARTBEAT_STALE_SECONDS)
    alive: dict[str, int] = {"scheduler": 0, "executor": 0}
    for role, seen_at in session.exec(select(WorkerHeartbeat.role, WorkerHeartbeat.seen_at)):
        if seen_at >= limit:
            alive[role] = alive.get(role, 0) + 1
    for role in sorted(alive):
        w.sample("publisher_workers_alive", alive[role], {"role": role})

    w.family(
        "publisher_scheduler_leader",
        "gauge",
        "1 when a scheduler holds an unexpired leadership lease.",
    )
    leader = session.exec(
        select(func.count())
        .select_from(SchedulerLease)
        .where(col(SchedulerLease.lease_until) > now)
    ).one()
    w.sample("publisher_scheduler_leader", 1 if leader else 0)
    return w.text()


def _as_utc(value: datetime | None) -> datetime | None:
    # Defensive: an aggregate may come back as text or naive on SQLite.
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
