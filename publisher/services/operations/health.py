"""Health of a running installation: what an IT centre's monitoring asks every minute.

Each check answers ``ok``, ``warn`` or ``fail`` with a one-line detail in the reader's
language and the raw figures. ``fail`` means "nothing will be published correctly until a
person acts"; ``warn`` means "look at it today". ``publisher health`` exits 1 on any ``fail``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from publisher import migrate
from publisher.db import get_engine
from publisher.errors import InvalidInput
from publisher.i18n import t
from publisher.models import (
    Alert,
    Channel,
    ChannelHealth,
    Delivery,
    DeliveryStatus,
    SchedulerLease,
    WorkerHeartbeat,
)
from publisher.timeutil import fmt_local, utcnow

OK, WARN, FAIL = "ok", "warn", "fail"
_RANK = {OK: 0, WARN: 1, FAIL: 2}

#: A worker that has not written its heartbeat for this long is considered dead (workers beat
#: every 2 s; the engine reshards after 10 s; health waits longer so it does not flap).
HEARTBEAT_STALE_SECONDS = 30
#: A due delivery this late is worth a look (warn) / means publishing has stalled (fail).
BACKLOG_WARN_SECONDS = 60
BACKLOG_FAIL_SECONDS = 600
#: Heartbeat roles ending in this claim nothing (a worker started without executor threads).
NO_EXEC_SUFFIX = "-noexec"


def executes(role: str) -> bool:
    """Whether a worker in ``role`` claims deliveries (scheduler, standby and executor do)."""
    return not role.endswith(NO_EXEC_SUFFIX)


@dataclass
class Check:
    name: str
    status: str
    detail: str
    data: dict[str, Any] = field(default_factory=dict)

    def as_dict(self, lang: str | None = None) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": t(f"health.check.{self.name}", lang),
            "status": self.status,
            "detail": self.detail,
            "data": self.data,
        }


CHECK_NAMES = (
    "database",
    "migrations",
    "scheduler",
    "executors",
    "backlog",
    "channels",
    "alerts",
)


def health(
    engine: Engine,
    *,
    lang: str | None = None,
    now: datetime | None = None,
    only: Iterable[str] | None = None,
    local_host: str | None = None,
) -> dict[str, Any]:
    """Run the checks against ``engine``; never raises for an unreachable database.

    ``only`` limits the report to the named checks (the database is always checked first).
    ``local_host`` adds ``local_worker``: whether a worker on that host beats (a container's
    own liveness probe). Raises InvalidInput for an unknown check name.
    Returns ``{"status": ok|warn|fail, "checked_at": iso, "checks": [...]}``.
    """
    now = now or utcnow()
    wanted = set(CHECK_NAMES) if only is None else set(only)
    unknown = wanted - set(CHECK_NAMES)
    if unknown:
        raise InvalidInput(
            "health.unknown_check", name=", ".join(sorted(unknown)), names=", ".join(CHECK_NAMES)
        )
    if engine.dialect.name == "sqlite":
        # Never queue behind the worker's write lock (BEGIN IMMEDIATE): a health probe that
        # waits 30 s for a busy writer reports a healthy system as failing.
        engine = get_engine(engine.url.render_as_string(hide_password=False), readonly=True)
    checks: list[Check] = []
    db_check = _check_database(engine, lang)
    checks.append(db_check)
    later: list[tuple[str, Callable[[Session, datetime, str | None], Check]]] = [
        (name, fn)
        for name, fn in (
            ("scheduler", _check_scheduler),
            ("executors", _check_executors),
            ("backlog", _check_backlog),
            ("channels", _check_channels),
            ("alerts", _check_alerts),
        )
        if name in wanted
    ]
    if local_host is not None:
        later.append(("local_worker", functools.partial(_check_local_worker, local_host)))
    if db_check.status == FAIL:
        skipped = t("health.skipped", lang)
        if "migrations" in wanted:
            checks.append(Check("migrations", FAIL, skipped))
        checks.extend(Check(name, FAIL, skipped) for name, _ in later)
    else:
        if "migrations" in wanted:
            try:
                checks.append(_check_migrations(engine, lang))
            except Exception as exc:  # e.g. broken migration scripts in a bad deployment
                checks.append(Check("migrations", FAIL, _one_line(exc)))
        with Session(engine) as session:
            for name, fn in later:
                try:
                    checks.append(fn(session, now, lang))
                except Exception as exc:  # a missing table on an old schema, a lost connection
                    session.rollback()
                    checks.append(Check(name, FAIL, _one_line(exc)))
    status = max((c.status for c in checks), key=_RANK.__getitem__)
    return {
        "status": status,
        "checked_at": now.isoformat(),
        "checks": [c.as_dict(lang) for c in checks],
    }


def _check_local_worker(host: str, session: Session, now: datetime, lang: str | None) -> Check:
    limit = now - timedelta(seconds=HEARTBEAT_STALE_SECONDS)
    beats = list(session.exec(select(WorkerHeartbeat).where(WorkerHeartbeat.host == host)))
    alive = [b for b in beats if b.seen_at >= limit]
    data = {"host": host, "workers": [b.worker_id for b in alive]}
    if alive:
        roles = ", ".join(sorted({b.role for b in alive}))
        return Check("local_worker", OK, t("health.local_ok", lang, host=host, roles=roles), data)
    return Check(
        "local_worker",
        FAIL,
        t("health.local_none", lang, host=host, seconds=HEARTBEAT_STALE_SECONDS),
        data,
    )


def _one_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    text_ = str(orig if orig is not None else exc).strip().splitlines()
    return (text_[0] if text_ else type(exc).__name__)[:200]


def _check_database(engine: Engine, lang: str | None) -> Check:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        return Check("database", FAIL, t("health.database_fail", lang, detail=_one_line(exc)))
    backend = engine.dialect.name
    return Check(
        "database", OK, t("health.database_ok", lang, backend=backend), {"backend": backend}
    )


def _check_migrations(engine: Engine, lang: str | None) -> Check:
    current = migrate.current_revision(engine)
    head = migrate.head_revision()
    data = {"current": current, "head": head}
    if current is None:
        return Check("migrations", FAIL, t("health.migrations_empty", lang), data)
    if current == head:
        return Check("migrations", OK, t("health.migrations_ok", lang, revision=head), data)
    if current not in known_revisions():
        return Check(
            "migrations", FAIL, t("health.migrations_unknown", lang, current=current), data
        )
    return Check(
        "migrations", FAIL, t("health.migrations_behind", lang, current=current, head=head), data
    )


def known_revisions() -> set[str]:
    """Every revision this code's migration scripts know."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    return {rev.revision for rev in script.walk_revisions()}


def _check_scheduler(session: Session, now: datetime, lang: str | None) -> Check:
    leases = list(session.exec(select(SchedulerLease)))
    if not leases:
        return Check("scheduler", FAIL, t("health.scheduler_none", lang), {"leases": []})
    data = {
        "leases": [
            {"name": x.name, "owner": x.owner, "lease_until": x.lease_until.isoformat()}
            for x in leases
        ]
    }
    alive = [x for x in leases if x.lease_until > now]
    if alive:
        lease = max(alive, key=lambda x: x.lease_until)
        return Check(
            "scheduler",
            OK,
            t("health.scheduler_ok", lang, owner=lease.owner, until=fmt_local(lease.lease_until)),
            data,
        )
    lease = max(leases, key=lambda x: x.lease_until)
    return Check(
        "scheduler",
        FAIL,
        t("health.scheduler_expired", lang, owner=lease.owner, until=fmt_local(lease.lease_until)),
        data,
    )


def _check_executors(session: Session, now: datetime, lang: str | None) -> Check:
    beats = [b for b in session.exec(select(WorkerHeartbeat)) if executes(b.role)]
    limit = now - timedelta(seconds=HEARTBEAT_STALE_SECONDS)
    alive = [b for b in beats if b.seen_at >= limit]
    stale = [b for b in beats if b.seen_at < limit]
    data = {
        "alive": [{"worker": b.worker_id, "role": b.role, "host": b.host} for b in alive],
        "stale": [b.worker_id for b in stale],
        "stale_after_seconds": HEARTBEAT_STALE_SECONDS,
    }
    if not alive:
        return Check(
            "executors",
            FAIL,
            t("health.executors_none", lang, seconds=HEARTBEAT_STALE_SECONDS),
            data,
        )
    if stale:
        return Check(
            "executors",
            WARN,
            t(
                "health.executors_stale",
                lang,
                alive=len(alive),
                stale=len(stale),
                seconds=HEARTBEAT_STALE_SECONDS,
            ),
            data,
        )
    return Check("executors", OK, t("health.executors_ok", lang, alive=len(alive)), data)


#: Deliveries that should have left by now: waiting, or held by an executor.
UNSENT = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)


def _check_backlog(session: Session, now: datetime, lang: str | None) -> Check:
    due = (col(Delivery.status).in_(UNSENT), col(Delivery.due_at) <= now)
    count = session.exec(select(func.count()).select_from(Delivery).where(*due)).one()
    if not count:
        return Check("backlog", OK, t("health.backlog_ok", lang), {"count": 0})
    oldest = session.exec(select(Delivery).where(*due).order_by(col(Delivery.due_at))).first()
    assert oldest is not None
    seconds = int((now - oldest.due_at).total_seconds())
    data = {
        "count": count,
        "oldest_id": oldest.id,
        "oldest_due_at": oldest.due_at.isoformat(),
        "oldest_late_seconds": seconds,
    }
    status = OK
    if seconds >= BACKLOG_FAIL_SECONDS:
        status = FAIL
    elif seconds >= BACKLOG_WARN_SECONDS:
        status = WARN
    detail = t("health.backlog_late", lang, count=count, seconds=seconds, delivery=oldest.id)
    return Check("backlog", status, detail, data)


def _check_channels(session: Session, now: datetime, lang: str | None) -> Check:
    flagged = list(
        session.exec(
            select(Channel)
            .where(Channel.health == ChannelHealth.FLAGGED, col(Channel.enabled).is_(True))
            .order_by(col(Channel.name))
        )
    )
    if not flagged:
        return Check("channels", OK, t("health.channels_ok", lang), {"flagged": []})
    names = [c.name for c in flagged]
    shown = ", ".join(names[:5]) + ("…" if len(names) > 5 else "")
    return Check(
        "channels",
        WARN,
        t("health.channels_flagged", lang, count=len(names), names=shown),
        {"flagged": names},
    )


def _check_alerts(session: Session, now: datetime, lang: str | None) -> Check:
    rows = session.exec(
        select(Alert.severity, func.count())
        .where(col(Alert.resolved_at).is_(None))
        .group_by(Alert.severity)
    ).all()
    by_severity = {severity: int(n) for severity, n in rows}
    total = sum(by_severity.values())
    if not total:
        return Check("alerts", OK, t("health.alerts_ok", lang), {"open": {}})
    errors = by_severity.get("error", 0)
    return Check(
        "alerts",
        WARN,
        t("health.alerts_open", lang, count=total, errors=errors),
        {"open": by_severity},
    )


def exit_code(report: dict[str, Any]) -> int:
    """0 when nothing fails (warnings included), 1 otherwise."""
    return 1 if report["status"] == FAIL else 0
