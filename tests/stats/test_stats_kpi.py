"""Statistics queries and KPI arithmetic on known data, on every backend."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from publisher.db import session_scope
from publisher.errors import InvalidInput, PermissionDenied
from publisher.models import STTask
from publisher.services.insight import kpi, stats
from publisher.services.insight.periods import parse_period
from publisher.services.insight.stats import StatsFilter
from publisher.timeutil import parse_local
from tests.factories import ADMIN, make_office, telegram_channel, webhook_channel
from tests.stats.conftest import also_on, published, snapshot

H2 = parse_period("2026-H2")


@pytest.fixture
def offices(db, clock):
    a = make_office(
        "so-khcn", channels={"a-tg": telegram_channel("@a_news"), "a-hook": webhook_channel()}
    )
    b = make_office("ubnd-xa", channels={"b-tg": telegram_channel("@b_news")})
    c = make_office("so-yte", channels={"c-hook": webhook_channel("https://h.example.org/c")})
    return a, b, c


def _flt(**kw):
    return StatsFilter(start=H2.start_utc, end=H2.end_utc, **kw)


def test_totals_sum_the_latest_snapshot_of_each_delivery_and_keep_null_views(offices, clock):
    a, b, _ = offices
    d1 = published(a, "a-tg", parse_local("10/10/2026 08:00"), campaign="ngay-cds")
    d2 = published(
        a, "a-hook", parse_local("10/10/2026 08:00"), campaign="ngay-cds", media_kind="image"
    )
    d3 = published(b, "b-tg", parse_local("12/08/2026 09:00"), media_kind="video")
    t0 = datetime(2026, 10, 11, tzinfo=UTC)
    snapshot(d1.id, t0, reactions=5)  # older, replaced below
    snapshot(d1.id, t0 + timedelta(hours=6), reactions=12)
    snapshot(d2.id, t0, reactions=3, comments=2, shares=1, views=40, clicks=7)
    snapshot(d3.id, t0, reactions=1)
    with session_scope() as s:
        tot = stats.totals(s, ADMIN, _flt())
        assert (tot["posts"], tot["deliveries"]) == (3, 3)
        assert (tot["reactions"], tot["comments"], tot["shares"], tot["clicks"]) == (16, 2, 1, 7)
        assert tot["views"] == 40
        assert tot["engagement"] == 16 + 2 + 1 + 7
        only_tg = stats.totals(s, ADMIN, _flt(kind="telegram"))
        assert only_tg["views"] is None  # Telegram gives no views: not zero
        by_ct = {r["key"]: r for r in stats.breakdown(s, ADMIN, _flt(), "content_type")}
        assert {k: v["deliveries"] for k, v in by_ct.items()} == {"text": 1, "image": 1, "video": 1}
        by_month = stats.breakdown(s, ADMIN, _flt(), "month")
        assert [(r["key"], r["posts"]) for r in by_month] == [("2026-08", 1), ("2026-10", 2)]
        by_org = stats.breakdown(s, ADMIN, _flt(), "org")
        assert by_org[0]["label"] == "Đơn vị so-khcn" and by_org[0]["engagement"] == 12 + 13
        camp = stats.breakdown(s, ADMIN, _flt(), "campaign")
        assert {r["slug"]: r["posts"] for r in camp} == {"ngay-cds": 2, None: 1}
        top = stats.top_posts(s, ADMIN, _flt(), limit=2)
        assert [t["engagement"] for t in top] == [13, 12]


def test_a_post_published_at_0030_local_counts_in_its_local_month(offices):
    a, _, _ = offices
    # 01/09/2026 00:30 in Hà Nội is 31/08 17:30 UTC.
    d = published(a, "a-tg", parse_local("01/09/2026 00:30"))
    snapshot(d.id, datetime(2026, 9, 2, tzinfo=UTC), reactions=2)
    with session_scope() as s:
        rows = stats.breakdown(s, ADMIN, _flt(), "month")
        assert [r["key"] for r in rows] == ["2026-09"]


def test_a_manager_sees_only_their_organisation(offices):
    a, b, _ = offices
    published(a, "a-tg", parse_local("10/10/2026 08:00"))
    published(b, "b-tg", parse_local("10/10/2026 08:00"))
    with session_scope() as s:
        assert stats.totals(s, a.actor("manager"), _flt())["posts"] == 1
        with pytest.raises(PermissionDenied):
            stats.totals(s, a.actor("officer"), _flt())
        with pytest.raises(InvalidInput):
            stats.breakdown(s, ADMIN, _flt(), "colour")


def test_year_over_year_compares_the_same_campaign(offices):
    a, b, _ = offices
    d26 = published(a, "a-tg", parse_local("10/10/2026 08:00"), campaign="ngay-cds")
    d27 = published(a, "a-tg", parse_local("10/10/2027 08:00"), campaign="ngay-cds")
    d27b = published(b, "b-tg", parse_local("10/10/2027 08:00"), campaign="ngay-cds")
    for d, n in ((d26, 10), (d27, 30), (d27b, 5)):
        snapshot(d.id, datetime(2027, 10, 12, tzinfo=UTC), reactions=n)
    with session_scope() as s:
        campaign_id = s.exec(
            __import__("sqlmodel")
            .select(__import__("publisher.models").models.Campaign.id)
            .where(__import__("publisher.models").models.Campaign.slug == "ngay-cds")
        ).one()
        rows = stats.year_over_year(s, ADMIN, campaign_id, [2026, 2027, 2028])
    assert [(r["year"], r["posts"], r["orgs"], r["reactions"]) for r in rows] == [
        (2026, 1, 1, 10),
        (2027, 2, 2, 35),
        (2028, 0, 0, None),
    ]


def test_task_coverage_excludes_classified_tasks_and_says_where_and_when(offices):
    a, _, _ = offices
    with session_scope() as s:
        for code, classified in (
            ("KC-01", False),
            ("KC-02", False),
            ("KC-03", False),
            ("KC-04", False),
            ("MAT-1", True),
        ):
            s.add(
                STTask(org_id=a.org.id, code=code, title=f"Nhiệm vụ {code}", classified=classified)
            )
    published(a, "a-tg", parse_local("05/08/2026 08:00"), task="KC-01")
    published(a, "a-hook", parse_local("06/08/2026 08:00"), task="KC-01")
    published(a, "a-tg", parse_local("07/08/2026 08:00"), task="KC-02")
    published(a, "a-tg", parse_local("07/08/2026 08:00"), task="MAT-1")
    published(a, "a-tg", parse_local("02/01/2027 08:00"), task="KC-03")  # after the period
    with session_scope() as s:
        k = kpi.task_coverage(s, H2)
    assert (k.numerator, k.denominator, k.value) == (2, 4, 50.0)
    assert k.status == "red"  # 50% of a 100% target, amber from 80%
    first = next(d for d in k.detail if d["code"] == "KC-01")
    assert sorted(first["channels"]) == ["a-hook", "a-tg"]
    assert first["first_published"] == parse_local("05/08/2026 08:00")
    assert all(d["code"] != "MAT-1" for d in k.detail)


def test_national_day_share_counts_organisations_by_local_date(offices):
    a, b, c = offices
    published(a, "a-tg", parse_local("01/10/2026 07:30"))
    published(b, "b-tg", parse_local("10/10/2026 23:50"))  # still 10/10 in Hà Nội
    published(c, "c-hook", parse_local("11/10/2026 00:10"))  # too late for 10/10
    with session_scope() as s:
        k = kpi.national_days(s, H2)
    days = {d["slug"]: d for d in k.detail}
    assert set(days) == {"ngay-dmst", "ngay-cds"}  # 18/5 is not in H2
    assert (days["ngay-dmst"]["published"], days["ngay-dmst"]["organisations"]) == (1, 3)
    assert days["ngay-cds"]["published"] == 1
    assert days["ngay-cds"]["missing"] == ["Đơn vị so-khcn", "Đơn vị so-yte"]
    assert k.value == round((33.3 + 33.3) / 2, 1)


def test_posts_per_org_month_against_a_configurable_target(offices, clock):
    a, b, _ = offices
    for day in range(1, 9):
        published(a, "a-tg", parse_local(f"{day:02d}/07/2026 08:00"))
    for day in range(1, 7):
        published(b, "b-tg", parse_local(f"{day:02d}/08/2026 08:00"))
    today = date(2026, 8, 20)  # two months of H2 have begun
    with session_scope() as s:
        k = kpi.posts_per_org_month(s, H2, today=today)
        # (8 + 6 + 0) posts / (3 organisations x 2 months)
        assert k.value == round(14 / 6, 1) and k.target == 8.0 and k.status == "red"
        per = {d["org"]: d for d in k.detail}
        assert per["Đơn vị so-khcn"]["per_month"] == 4.0
        kpi.set_target(s, a.actor("admin"), "posts_per_org_month", 2.5)  # admin only
    with session_scope() as s:
        k = kpi.posts_per_org_month(s, H2, today=today)
        assert k.target == 2.5 and k.status == "amber"  # 2.3 >= 0.8 x 2.5
        with pytest.raises(InvalidInput):
            kpi.set_target(s, ADMIN, "posts_per_org_month", -1)
        with pytest.raises(InvalidInput):
            kpi.set_target(s, ADMIN, "likes", 3)


@pytest.mark.parametrize(
    ("value", "target", "expected"),
    [
        (100, 100, "green"),
        (120, 100, "green"),
        (80, 100, "amber"),
        (79.9, 100, "red"),
        (0, 8, "red"),
        (6.4, 8, "amber"),
    ],
)
def test_traffic_light(value, target, expected):
    assert kpi.status_of(value, target, 0.8) == expected


@pytest.mark.parametrize("text", ["2026-H3", "26-H1", "2026/H1", "", "năm 2026"])
def test_bad_periods_are_refused(text):
    with pytest.raises(InvalidInput):
        parse_period(text)


def test_periods():
    p = parse_period("2026-h1")
    assert (p.start, p.end, p.code) == (date(2026, 1, 1), date(2026, 6, 30), "2026-H1")
    assert p.start_utc == datetime(2025, 12, 31, 17, tzinfo=UTC)
    assert len(p.months()) == 6


def test_growth_sums_each_deliverys_latest_figures_at_each_collection(offices):
    a, b, _ = offices
    d1 = published(a, "a-tg", parse_local("10/10/2026 08:00"))
    d2 = published(b, "b-tg", parse_local("10/10/2026 08:00"))
    t0 = datetime(2026, 10, 11, tzinfo=UTC)
    snapshot(d1.id, t0, reactions=5)
    snapshot(d2.id, t0 + timedelta(hours=1), reactions=2)
    snapshot(d1.id, t0 + timedelta(hours=2), reactions=9)
    with session_scope() as s:
        points = stats.growth(s, ADMIN, _flt())
    assert [(p["collected_at"] - t0, p["reactions"], p["views"]) for p in points] == [
        (timedelta(0), 5, None),
        (timedelta(hours=1), 7, None),
        (timedelta(hours=2), 11, None),
    ]


def test_a_post_on_two_channels_counts_once_except_per_channel(offices):
    a, _, _ = offices
    sent = parse_local("10/10/2026 08:00")
    first = published(a, "a-tg", sent)
    also_on(a, first.post_id, "a-hook", sent)
    with session_scope() as s:
        tot = stats.totals(s, ADMIN, _flt())
        assert (tot["posts"], tot["deliveries"]) == (1, 2)
        assert [r["posts"] for r in stats.breakdown(s, ADMIN, _flt(), "org")] == [1]
        assert sorted(r["posts"] for r in stats.breakdown(s, ADMIN, _flt(), "channel")) == [1, 1]
        assert stats.totals(s, ADMIN, _flt(kind="webhook"))["posts"] == 1


def test_top_posts_sum_the_deliveries_inside_the_period_and_break_ties_by_post(offices):
    a, b, c = offices
    t = datetime(2027, 1, 2, tzinfo=UTC)
    p1 = published(a, "a-tg", parse_local("10/10/2026 08:00"), title="Hai kênh")
    p1b = also_on(a, p1.post_id, "a-hook", parse_local("10/10/2026 08:05"))
    snapshot(p1.id, t, reactions=10)
    snapshot(p1b.id, t, reactions=5, comments=1)  # 16 over two channels
    p2 = published(b, "b-tg", parse_local("12/08/2026 09:00"))
    snapshot(p2.id, t, reactions=16)  # 16 too: the lower post id ranks first
    p3 = published(c, "c-hook", parse_local("01/09/2026 09:00"))
    snapshot(p3.id, t, reactions=20, views=500, clicks=2)  # 22 (views are not engagement)
    # Straddles the period: only the delivery sent inside H2 counts (3, not 103).
    p4 = published(a, "a-tg", parse_local("30/06/2026 23:00"))
    p4b = also_on(a, p4.post_id, "a-hook", parse_local("01/07/2026 00:30"))
    snapshot(p4.id, t, reactions=100)
    snapshot(p4b.id, t, reactions=3)
    p5 = published(b, "b-tg", parse_local("13/08/2026 09:00"))  # never collected: 0
    with session_scope() as s:
        top = stats.top_posts(s, ADMIN, _flt(), limit=3)
        assert [(r["post_id"], r["engagement"]) for r in top] == [
            (p3.post_id, 22),
            (p1.post_id, 16),
            (p2.post_id, 16),
        ]
        assert (top[1]["deliveries"], top[1]["reactions"], top[1]["comments"]) == (2, 15, 1)
        assert top[1]["title"] == "Hai kênh" and top[1]["org"] == "Đơn vị so-khcn"
        assert top[1]["sent_at"] == parse_local("10/10/2026 08:00")
        assert top[0]["views"] == 500 and top[2]["views"] is None  # Telegram: not zero
        everything = stats.top_posts(s, ADMIN, _flt(), limit=10)
        assert [(r["post_id"], r["engagement"]) for r in everything[3:]] == [
            (p4.post_id, 3),
            (p5.post_id, 0),
        ]
        assert everything[3]["deliveries"] == 1
        assert everything[3]["sent_at"] == parse_local("01/07/2026 00:30")
        own = stats.top_posts(s, a.actor("manager"), _flt(), limit=10)  # own organisation
        assert [r["post_id"] for r in own] == [p1.post_id, p4.post_id]
        assert stats.top_posts(s, ADMIN, _flt(org_id=c.org.id, kind="telegram")) == []
