"""Health: each check reports its own failure, and the CLI's exit code follows."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import select
from typer.testing import CliRunner

from publisher import migrate
from publisher.cli import app
from publisher.db import make_engine, session_scope
from publisher.models import (
    Channel,
    ChannelHealth,
    Delivery,
    DeliveryStatus,
    SchedulerLease,
    WorkerHeartbeat,
)
from publisher.services.operations.health import HEARTBEAT_STALE_SECONDS, health
from publisher.timeutil import utcnow
from tests.ops.conftest import populate


def checks(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in report["checks"]}


def alive_installation() -> None:
    """A scheduler holding its lease and one executor beating, as a running stack has."""
    now = utcnow()
    with session_scope() as s:
        s.add(
            SchedulerLease(
                name="scheduler", owner="host-a:1", lease_until=now + timedelta(seconds=20)
            )
        )
        s.add(WorkerHeartbeat(worker_id="host-a:1", role="scheduler", seen_at=now))
        s.add(WorkerHeartbeat(worker_id="host-b:7", role="executor", seen_at=now))


def test_a_running_installation_is_healthy(db: Any, clock: Any) -> None:
    alive_installation()
    report = health(db.engine)
    assert report["status"] == "ok", report
    assert {c["status"] for c in report["checks"]} == {"ok"}
    assert set(checks(report)) == {
        "database",
        "migrations",
        "scheduler",
        "executors",
        "backlog",
        "channels",
        "alerts",
    }


def test_an_unreachable_database_fails_every_check(db: Any, clock: Any) -> None:
    engine = make_engine("postgresql://nobody@127.0.0.1:1/none")
    report = health(engine, lang="en")
    engine.dispose()
    assert report["status"] == "fail"
    by = checks(report)
    assert by["database"]["status"] == "fail"
    assert by["database"]["detail"].startswith("Unreachable")
    assert all(c["status"] == "fail" for c in report["checks"])


def set_revision(engine: Any, revision: str | None) -> None:
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM alembic_version"))
        if revision is not None:
            conn.execute(
                text("INSERT INTO alembic_version (version_num) VALUES (:r)"), {"r": revision}
            )


def test_migrations_behind_unknown_or_missing_fail(db: Any, clock: Any) -> None:
    alive_installation()
    head = migrate.head_revision()
    try:
        set_revision(db.engine, "0001")
        by = checks(health(db.engine, lang="en"))
        assert by["migrations"]["status"] == "fail"
        assert "run «publisher init»" in by["migrations"]["detail"]
        set_revision(db.engine, "zz_newer")
        by = checks(health(db.engine, lang="en"))
        assert by["migrations"]["status"] == "fail"
        assert "does not know" in by["migrations"]["detail"]
        set_revision(db.engine, None)
        by = checks(health(db.engine, lang="en"))
        assert by["migrations"]["status"] == "fail"
        assert by["migrations"]["data"]["current"] is None
    finally:
        # The PostgreSQL test database is shared by the session: put the revision back.
        set_revision(db.engine, head)


def test_scheduler_missing_or_expired_fails(db: Any, clock: Any) -> None:
    by = checks(health(db.engine))
    assert by["scheduler"]["status"] == "fail"
    alive_installation()
    assert checks(health(db.engine))["scheduler"]["status"] == "ok"
    clock.advance(seconds=21)  # the leader stopped renewing its 20 s lease
    by = checks(health(db.engine, lang="en"))
    assert by["scheduler"]["status"] == "fail"
    assert "expired" in by["scheduler"]["detail"]


def test_executors_missing_stale_or_noexec_only(db: Any, clock: Any) -> None:
    assert checks(health(db.engine))["executors"]["status"] == "fail"
    now = utcnow()
    with session_scope() as s:
        s.add(WorkerHeartbeat(worker_id="ui-only", role="standby-noexec", seen_at=now))
    assert checks(health(db.engine))["executors"]["status"] == "fail"
    with session_scope() as s:
        s.add(WorkerHeartbeat(worker_id="exec-1", role="executor", seen_at=now))
        s.add(
            WorkerHeartbeat(
                worker_id="exec-2",
                role="executor",
                seen_at=now - timedelta(seconds=HEARTBEAT_STALE_SECONDS + 1),
            )
        )
    by = checks(health(db.engine, lang="en"))
    assert by["executors"]["status"] == "warn"
    assert by["executors"]["data"]["stale"] == ["exec-2"]
    clock.advance(seconds=HEARTBEAT_STALE_SECONDS + 1)
    assert checks(health(db.engine))["executors"]["status"] == "fail"


def test_backlog_warns_then_fails_as_the_oldest_due_delivery_ages(db: Any, clock: Any) -> None:
    populate(db.data_dir)
    alive_installation()
    assert checks(health(db.engine))["backlog"]["status"] == "ok"  # due in an hour
    with session_scope(readonly=True) as s:
        first_due = min(
            d.due_at
            for d in s.exec(select(Delivery).where(Delivery.status == DeliveryStatus.PENDING))
        )
    clock.set(first_due + timedelta(seconds=30))
    by = checks(health(db.engine))
    assert by["backlog"]["status"] == "ok" and by["backlog"]["data"]["count"] >= 1
    clock.set(first_due + timedelta(seconds=61))
    assert checks(health(db.engine))["backlog"]["status"] == "warn"
    clock.set(first_due + timedelta(seconds=601))
    by = checks(health(db.engine, lang="en"))
    assert by["backlog"]["status"] == "fail"
    assert by["backlog"]["data"]["oldest_late_seconds"] == 601
    assert "601 s late" in by["backlog"]["detail"]


def test_flagged_channels_and_open_alerts_warn(db: Any, clock: Any) -> None:
    alive_installation()
    populate(db.data_dir)  # raises one error alert
    with session_scope() as s:
        channel = s.exec(select(Channel).where(Channel.name == "Kênh Telegram")).one()
        channel.health = ChannelHealth.FLAGGED
        s.add(channel)
    report = health(db.engine, lang="en")
    by = checks(report)
    assert by["channels"]["status"] == "warn"
    assert by["channels"]["data"]["flagged"] == ["Kênh Telegram"]
    assert by["alerts"]["status"] == "warn"
    assert by["alerts"]["data"]["open"] == {"error": 1}
    assert report["status"] == "warn", [(c["name"], c["status"]) for c in report["checks"]]


@pytest.mark.parametrize("healthy", [True, False])
def test_cli_exit_code_and_json(db: Any, clock: Any, healthy: bool) -> None:
    if healthy:
        alive_installation()
    result = CliRunner().invoke(app, ["health", "--json"])
    assert result.exit_code == (0 if healthy else 1), result.output
    report = json.loads(result.stdout)
    assert report["status"] == ("ok" if healthy else "fail")
    human = CliRunner().invoke(app, ["health"])
    assert human.exit_code == result.exit_code
    assert "Tình trạng hệ thống" in human.stdout  # Vietnamese by default


def test_only_limits_the_report_and_unknown_names_are_refused(db: Any, clock: Any) -> None:
    result = CliRunner().invoke(
        app, ["health", "--only", "database", "--only", "migrations", "--json"]
    )
    assert result.exit_code == 0, result.output  # no scheduler, but it was not asked about
    assert [c["name"] for c in json.loads(result.stdout)["checks"]] == ["database", "migrations"]
    bad = CliRunner().invoke(app, ["health", "--only", "databse"])
    assert bad.exit_code == 1
    assert "databse" in bad.stderr


def test_local_worker_probe_follows_this_hosts_heartbeat(db: Any, clock: Any) -> None:
    import socket

    host = socket.gethostname()[:120]
    result = CliRunner().invoke(app, ["health", "--local-worker", "--json"])
    assert result.exit_code == 1
    with session_scope() as s:
        s.add(
            WorkerHeartbeat(
                worker_id="elsewhere", role="executor", host="other-host", seen_at=utcnow()
            )
        )
    assert CliRunner().invoke(app, ["health", "--local-worker"]).exit_code == 1
    with session_scope() as s:
        s.add(WorkerHeartbeat(worker_id="here", role="executor", host=host, seen_at=utcnow()))
    result = CliRunner().invoke(app, ["health", "--local-worker", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [c["name"] for c in report["checks"]] == ["database", "local_worker"]
    assert report["checks"][1]["data"]["workers"] == ["here"]
    clock.advance(seconds=HEARTBEAT_STALE_SECONDS + 1)
    assert CliRunner().invoke(app, ["health", "--local-worker"]).exit_code == 1


def test_sqlite_health_does_not_wait_for_a_busy_writer(sqlite_db: Any, clock: Any) -> None:
    import sqlite3

    alive_installation()
    path = sqlite_db.url.split("sqlite:///", 1)[1]
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # the worker in the middle of a write transaction
    writer.execute("UPDATE workerheartbeat SET pid = 42")
    try:
        report = health(sqlite_db.engine)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert report["status"] == "ok", [(c["name"], c["detail"]) for c in report["checks"]]
