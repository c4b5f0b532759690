"""EngagementPost: one row per post, kept by the engagement recorder and backfilled by its
migration; the top-posts walk over it agrees with summing every post."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlmodel import select

from publisher import migrate
from publisher.db import session_scope
from publisher.models import EngagementPost
from publisher.services.insight import engagement, stats
from publisher.services.insight.periods import parse_period
from publisher.services.insight.stats import StatsFilter
from publisher.timeutil import parse_local
from tests.factories import ADMIN, make_office, telegram_channel, webhook_channel
from tests.stats.conftest import also_on, published, snapshot

H2 = parse_period("2026-H2")
T = datetime(2027, 1, 2, tzinfo=UTC)


@pytest.fixture
def office(db, clock):
    return make_office(
        "so-khcn", channels={"tg": telegram_channel("@a_news"), "hook": webhook_channel()}
    )


def _rows():
    with session_scope(readonly=True) as s:
        return {
            r.post_id: (r.org_id, r.engagement, r.first_sent_at, r.last_sent_at)
            for r in s.exec(select(EngagementPost))
        }


def test_a_post_row_follows_its_deliveries_and_their_newest_figures(office):
    first_sent = parse_local("10/10/2026 08:00")
    d1 = published(office, "tg", first_sent)
    org = office.org.id
    assert _rows() == {d1.post_id: (org, 0, first_sent, first_sent)}  # counted when sent
    snapshot(d1.id, T, reactions=5, clicks=1)
    assert _rows()[d1.post_id][1] == 6
    later = first_sent + timedelta(hours=3)
    d2 = also_on(office, d1.post_id, "hook", later)
    assert _rows() == {d1.post_id: (org, 6, first_sent, later)}  # the span grows
    snapshot(d2.id, T, reactions=2, comments=1, shares=1, views=90)  # views are not engagement
    snapshot(d1.id, T + timedelta(hours=6), reactions=9, clicks=1)  # newer replaces
    assert _rows()[d1.post_id][1] == 10 + 4
    snapshot(d1.id, T - timedelta(hours=6), reactions=1)  # older changes nothing
    assert _rows()[d1.post_id][1] == 14
    other = published(office, "hook", parse_local("01/08/2026 09:00"))
    assert _rows()[other.post_id][1:] == (0, other.sent_at, other.sent_at)


def test_refreshing_the_statistics_rebuilds_a_lost_or_wrong_post_row(office):
    d = published(office, "tg", parse_local("10/10/2026 08:00"))
    snapshot(d.id, T, reactions=7)
    with session_scope() as s:
        s.get(EngagementPost, d.post_id).engagement = 0
    with session_scope() as s:
        engagement.sync_facts(s, refresh=True)
    assert _rows()[d.post_id][1] == 7


def _downgrade_then_upgrade(db) -> None:
    cfg = migrate.alembic_config(db.engine.url.render_as_string(hide_password=False))
    script_head = migrate.head_revision()
    try:
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0008_ui_sessions")
        with db.engine.connect() as conn:
            assert "engagementpost" not in db.engine.dialect.get_table_names(conn)
    finally:
        migrate.upgrade(db.engine)
    assert migrate.current_revision(db.engine) == script_head


def test_the_migration_backfills_one_row_per_post_from_the_statistics_rows(db, office):
    d1 = published(office, "tg", parse_local("10/10/2026 08:00"))
    d2 = also_on(office, d1.post_id, "hook", parse_local("11/10/2026 08:00"))
    d3 = published(office, "hook", parse_local("01/08/2026 09:00"))
    snapshot(d1.id, T, reactions=5, clicks=2)
    snapshot(d2.id, T, reactions=1, comments=2, shares=3, views=100)
    snapshot(d3.id, T, views=10)
    kept = _rows()
    assert kept[d1.post_id][1] == 13 and kept[d3.post_id][1] == 0
    _downgrade_then_upgrade(db)  # the table is dropped, then rebuilt from engagementlatest
    assert _rows() == kept


def test_the_walk_over_post_rows_agrees_with_summing_every_post(office, monkeypatch):
    b = make_office("ubnd-xa", channels={"b-tg": telegram_channel("@b_news")})
    figures = [7, 3, 7, 0, 12, 5, 5, 1, 9, 2]
    sent = parse_local("01/07/2026 06:00")
    for i, reactions in enumerate(figures):
        who, channel = (office, "tg") if i % 2 else (b, "b-tg")
        d = published(who, channel, sent + timedelta(days=9 * i))
        if i % 3 == 0:  # some posts also on a second channel, a few hours later
            extra = also_on(office, d.post_id, "hook", d.sent_at + timedelta(hours=5))
            snapshot(extra.id, T, reactions=i)
        if reactions:
            snapshot(d.id, T, reactions=reactions, clicks=i % 2)
    monkeypatch.setattr(stats, "TOP_WALK_BATCH", 1)  # many small batches
    filters = [
        StatsFilter(start=H2.start_utc, end=H2.end_utc),
        StatsFilter(),
        StatsFilter(start=sent + timedelta(days=20), end=sent + timedelta(days=200)),
        StatsFilter(start=sent, end=sent + timedelta(days=40)),
        StatsFilter(start=H2.start_utc, end=H2.end_utc, content_type="text"),
    ]
    with session_scope(readonly=True) as s:
        for flt in filters:
            for limit in (1, 2, 3, 20):
                walked = stats._top_post_ids(s, flt, limit)
                summed = stats._top_post_ids_by_sum(s, flt, limit)
                assert walked == summed, (flt, limit)
        monkeypatch.setattr(stats, "TOP_WALK_LIMIT", 2)  # gives up early: sums instead
        flt = filters[0]
        assert stats._top_post_ids(s, flt, 5) == stats._top_post_ids_by_sum(s, flt, 5)
        assert len(stats.top_posts(s, ADMIN, flt, 5)) == 5


def test_a_post_whose_other_deliveries_fall_outside_the_period_does_not_hide_a_better_one(
    office, monkeypatch
):
    a = published(office, "tg", parse_local("01/07/2026 08:00"))
    before = also_on(office, a.post_id, "hook", parse_local("30/06/2026 08:00"))
    snapshot(a.id, T, reactions=8)
    snapshot(before.id, T, reactions=2)  # 10 in all, 8 inside H2
    b = published(office, "tg", parse_local("02/07/2026 08:00"))
    snapshot(b.id, T, reactions=9)
    monkeypatch.setattr(stats, "TOP_WALK_BATCH", 1)  # A alone in the first batch
    with session_scope(readonly=True) as s:
        top = stats.top_posts(s, ADMIN, StatsFilter(start=H2.start_utc, end=H2.end_utc), 1)
    assert [(r["post_id"], r["engagement"]) for r in top] == [(b.post_id, 9)]


def test_posts_per_org_month_counts_a_post_once_when_any_delivery_is_in_the_period(office):
    from datetime import date

    from publisher.services.insight import kpi

    two = published(office, "tg", parse_local("05/07/2026 08:00"))
    also_on(office, two.post_id, "hook", parse_local("05/07/2026 08:00"))  # one post
    edge = published(office, "tg", parse_local("30/06/2026 23:30"))  # H1 ...
    also_on(office, edge.post_id, "hook", parse_local("01/07/2026 00:10"))  # ... and H2
    published(office, "tg", parse_local("15/06/2026 08:00"))  # H1 only
    late = published(office, "hook", parse_local("31/12/2026 23:50"))  # H2 ...
    also_on(office, late.post_id, "tg", parse_local("01/01/2027 00:05"))  # ... and 2027
    after = published(office, "tg", parse_local("31/12/2026 20:00"))  # H2 ...
    also_on(office, after.post_id, "hook", parse_local("02/01/2027 09:00"))  # ... not only
    before = published(office, "tg", parse_local("20/06/2026 08:00"))  # straddles H2 whole:
    also_on(office, before.post_id, "hook", parse_local("03/01/2027 08:00"))  # none inside
    with session_scope(readonly=True) as s:
        k = kpi.posts_per_org_month(s, H2, today=date(2027, 1, 5))
    # two, edge, late and after: 4 posts over 6 months
    assert (k.numerator, k.denominator) == (4, 6)
    with session_scope(readonly=True) as s:
        h1 = kpi.posts_per_org_month(s, parse_period("2026-H1"), today=date(2027, 1, 5))
    assert h1.numerator == 3  # edge, the H1-only post and before
