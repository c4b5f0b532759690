"""Metrics: the text parses with Prometheus' own parser and counts what the database holds."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from prometheus_client.parser import text_string_to_metric_families
from sqlmodel import select
from typer.testing import CliRunner

from publisher.cli import app
from publisher.db import session_scope
from publisher.models import (
    Channel,
    ChannelHealth,
    Delivery,
    DeliveryStatus,
    RenderJob,
    RenderStatus,
)
from publisher.services.operations.prometheus import render_metrics
from publisher.timeutil import utcnow
from tests.ops.conftest import populate


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def metrics_text() -> str:
    with session_scope(readonly=True) as s:
        return render_metrics(s)


def test_empty_database_renders_zeroes_that_parse(db: Any, clock: Any) -> None:
    text = metrics_text()
    families = {f.name: f.type for f in text_string_to_metric_families(text)}
    assert families["publisher_deliveries"] == "gauge"
    assert families["publisher_delivery_lateness_seconds"] == "histogram"
    assert families["publisher_render_duration_seconds"] == "histogram"
    got = samples(text)
    assert got[("publisher_deliveries", (("status", "pending"),))] == 0
    assert got[("publisher_delivery_lateness_seconds_count", ())] == 0
    assert got[("publisher_scheduler_leader", ())] == 0


def test_counts_lateness_and_render_durations(db: Any, clock: Any) -> None:
    populate(db.data_dir)  # 6 deliveries: 1 sent on time, 1 failed, 4 pending
    now = utcnow()
    with session_scope() as s:
        pending = list(
            s.exec(
                select(Delivery)
                .where(Delivery.status == DeliveryStatus.PENDING)
                .order_by(Delivery.id)
            )
        )  # type: ignore[arg-type]
        # Two more sent: 1.5 s and 90 s after their due time.
        for d, late in zip(pending[:2], (1.5, 90), strict=True):
            d.status, d.sent_at = DeliveryStatus.SENT, d.due_at + timedelta(seconds=late)
            s.add(d)
        # One overdue by 5 minutes.
        pending[2].due_at = now - timedelta(minutes=5)
        s.add(pending[2])
        s.add(
            RenderJob(
                org_id=1,
                kind="infographic",
                recipe={},
                recipe_hash="c" * 64,
                status=RenderStatus.DONE,
                started_at=now,
                finished_at=now + timedelta(seconds=0.8),
            )
        )
        s.add(
            RenderJob(
                org_id=1, kind="video", recipe={}, recipe_hash="d" * 64, status=RenderStatus.QUEUED
            )
        )
        channel = s.exec(select(Channel).where(Channel.kind == "telegram")).one()
        channel.health = ChannelHealth.FLAGGED
        s.add(channel)
    got = samples(metrics_text())

    def by_status(status: str) -> float:
        return got[("publisher_deliveries", (("status", status),))]

    assert (by_status("sent"), by_status("failed"), by_status("pending")) == (3, 1, 2)
    assert got[("publisher_deliveries_overdue", ())] == 1
    assert got[("publisher_oldest_overdue_seconds", ())] == 300

    def lateness(le: str) -> float:
        return got[("publisher_delivery_lateness_seconds_bucket", (("le", le),))]

    # populate() marked one delivery sent "now", an hour before it was due: lateness 0.
    assert lateness("0.5") == 1
    assert lateness("2.0") == 2
    assert lateness("60.0") == 2
    assert lateness("120.0") == 3
    assert lateness("+Inf") == 3
    assert got[("publisher_delivery_lateness_seconds_count", ())] == 3
    assert got[("publisher_delivery_lateness_seconds_sum", ())] == 91.5

    def render(le: str, kind: str) -> float:
        return got[("publisher_render_duration_seconds_bucket", (("kind", kind), ("le", le)))]

    assert render("1.0", "infographic") == 1
    assert render("2.0", "video") == 0 and render("5.0", "video") == 1
    assert got[("publisher_render_duration_seconds_sum", (("kind", "video"),))] == 3.25
    assert got[("publisher_render_jobs", (("status", "queued"),))] == 1
    assert got[("publisher_alerts_open", (("kind", "delivery_failed"), ("severity", "error")))] == 1
    assert got[("publisher_channels_flagged", ())] == 1
    assert got[("publisher_channels", (("health", "flagged"), ("kind", "telegram")))] == 1


def test_label_values_are_escaped(db: Any, clock: Any) -> None:
    from publisher.services.accounts import alerts as alerts_svc

    with session_scope() as s:
        alerts_svc.raise_alert(s, 'kind "quoted"\\back\nslash', "alert.x", dedupe=False)
    got = samples(metrics_text())
    assert (
        got[
            (
                "publisher_alerts_open",
                (("kind", 'kind "quoted"\\back\nslash'), ("severity", "warning")),
            )
        ]
        == 1
    )


def test_cli_prints_the_same_metrics(db: Any, clock: Any) -> None:
    result = CliRunner().invoke(app, ["metrics"])
    assert result.exit_code == 0, result.output
    assert samples(result.stdout) == samples(metrics_text())
