"""The demo's past: units of a province, a year of publications on the sandbox with growing
engagement, tasks partly covered, a report round with one unit on time and one late."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, func, select

from connectors.sandbox import SandboxHandle
from publisher.config import get_settings
from publisher.db import session_scope
from publisher.models import EngagementSnapshot, Organisation, ReportRequest, User
from publisher.services.accounts.actor import Actor
from publisher.services.insight import collection, kpi, stats
from publisher.services.insight.periods import date_range
from publisher.services.operations import history
from publisher.timeutil import to_local, utcnow
from tests.conftest import DB
from tests.factories import make_office


@pytest.fixture
def seeded(sqlite_db: DB, sandbox: SandboxHandle, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("PUBLISHER_ALLOW_PRIVATE_WEBHOOKS", "1")
    get_settings.cache_clear()
    office = make_office("so-khcn")
    with session_scope() as s:
        result = history.seed_history(s, office.org.id or 0, sandbox.url)
    assert result.created and result.posts > 100
    with session_scope() as s:  # a second run adds nothing
        assert not history.seed_history(s, office.org.id or 0, sandbox.url).created
    return result.posts


def test_the_coordinator_sees_a_year_of_every_units_results(seeded: int) -> None:
    with session_scope() as s:
        user = s.exec(select(User).where(User.username == "dieuphoi")).one()
        coordinator = Actor.of(user)
        today = to_local(utcnow()).date()
        year = date_range(today - timedelta(days=365), today)
        flt = stats.StatsFilter(start=year.start_utc, end=year.end_utc)
        by_org = stats.breakdown(s, coordinator, flt, "org")
        months = stats.breakdown(s, coordinator, flt, "month")
        themes = {r["key"]: r["posts"] for r in stats.breakdown(s, coordinator, flt, "theme")}
        kpis = {k.key: k for k in kpi.all_kpis(s, coordinator, year)}
        press = s.exec(select(Organisation).where(Organisation.kind == "press")).one()
    assert len(by_org) == 6 and all(r["engagement"] > 0 for r in by_org)
    assert press.name in {r["label"] for r in by_org}
    assert len([m for m in months if m["posts"]]) >= 11
    assert all(themes[t] > 0 for t in ("khcn", "dmst", "cds"))
    assert 0 < kpis["task_coverage"].value < 100


def test_engagement_grows_over_the_days_after_publication(seeded: int) -> None:
    with session_scope() as s:
        first = s.exec(select(EngagementSnapshot).order_by(col(EngagementSnapshot.id))).first()
        assert first is not None
        rows = s.exec(
            select(EngagementSnapshot)
            .where(EngagementSnapshot.delivery_id == first.delivery_id)
            .order_by(col(EngagementSnapshot.collected_at))
        ).all()
    reactions = [r.reactions or 0 for r in rows]
    assert len(rows) == 5 and reactions == sorted(reactions) and reactions[0] < reactions[-1]


def test_one_unit_reported_on_time_one_late_the_rest_missing(seeded: int) -> None:
    with session_scope() as s:
        request = s.exec(select(ReportRequest)).one()
        rows = collection.status(s, Actor.system(), request.id or 0)
        count = s.exec(select(func.count()).select_from(ReportRequest)).one()
    state = {r.slug: (r.submitted, r.late) for r in rows}
    assert count == 1
    assert state["phuong-tran-bien"] == (True, False)
    assert state["so-cong-thuong"] == (True, True)
    assert state["bao-dong-nai"] == (False, True)


def test_the_report_rounds_heading_shows_its_dates_once(seeded: int) -> None:
    """QA: «Báo cáo định kỳ 6 tháng (01/01/2026 - 30/06/2026) — từ 01/01/2026 đến 30/06/2026»."""
    from publisher.timeutil import fmt_date
    from ui.components.report_collection import heading

    with session_scope() as s:
        request = s.exec(select(ReportRequest)).one()
        s.expunge(request)
    head = heading(request, 1, 6)
    assert head.count(fmt_date(request.start)) == 1, head
    assert head.count(fmt_date(request.end)) == 1, head
