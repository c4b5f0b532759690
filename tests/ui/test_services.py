"""The services behind the pages: calendar, compose checks, review desk, sandbox, demo seed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import func, select

from connectors.sandbox import run_in_thread
from publisher.db import session_scope
from publisher.errors import InvalidInput, PermissionDenied, PublisherError
from publisher.models import Channel, Delivery, MediaAsset, Post, PostStatus, User
from publisher.services.operations import demo, sandbox
from publisher.services.operations.setup import initialise
from publisher.services.publishing import calendar as cal
from publisher.services.publishing import drafts as composer
from publisher.services.publishing import review
from publisher.timeutil import parse_local
from tests.factories import make_office, telegram_channel, webhook_channel
from tests.ui.conftest import compose


@pytest.fixture
def two_offices(db, clock):
    a = make_office("so-khcn", channels={"tg": telegram_channel(), "hook": webhook_channel()})
    b = make_office("so-tttt", channels={"tg-b": telegram_channel("@tttt_news")})
    return a, b


def test_the_month_groups_posts_by_local_day_and_marks_national_days(two_offices):
    a, b = two_offices
    # 00:30 on 10/10 in Hà Nội is 17:30 on 09/10 in UTC: it belongs to the 10th.
    early = compose(a, due_at=parse_local("10/10/2026 00:30"), text="Sớm")
    late = compose(a, due_at=parse_local("31/10/2026 23:45"), text="Muộn")
    compose(b, text="Của đơn vị khác")
    start, end = cal.month_bounds(2026, 10)
    assert (start, end) == (date(2026, 9, 28), date(2026, 11, 1))
    with session_scope(readonly=True) as s:
        p = cal.period(s, a.actor("officer"), start, end)
    assert [e.post_id for e in p.entries[date(2026, 10, 10)]] == [early]
    assert [e.post_id for e in p.entries[date(2026, 10, 31)]] == [late]
    assert p.total == 2  # the other organisation's post is not there
    assert sorted(p.entries[date(2026, 10, 10)][0].channels) == ["hook", "tg"]
    assert [m.slug for m in p.markers[date(2026, 10, 10)]] == ["ngay-cds"]
    assert [m.slug for m in p.markers[date(2026, 10, 1)]] == ["ngay-dmst"]


def test_calendar_filters_by_channel_and_status(two_offices):
    a, _ = two_offices
    with session_scope() as s:
        tg_id = s.exec(select(Channel.id).where(Channel.name == "tg")).one()
    only_hook = compose(a, channels=["hook"], text="Chỉ webhook")
    both = compose(a, submit=True)
    start, end = cal.month_bounds(2026, 10)
    with session_scope(readonly=True) as s:
        by_channel = cal.period(
            s, a.actor("editor"), start, end, cal.CalendarFilter(channel_id=tg_id)
        )
        in_review = cal.period(
            s, a.actor("editor"), start, end, cal.CalendarFilter(status="in_review")
        )
    ids = [e.post_id for es in by_channel.entries.values() for e in es]
    assert both in ids and only_hook not in ids
    assert [e.post_id for es in in_review.entries.values() for e in es] == [both]


def test_calendar_refuses_bad_ranges_and_statuses(two_offices):
    a, _ = two_offices
    with session_scope(readonly=True) as s, pytest.raises(InvalidInput):
        cal.period(s, a.actor("officer"), date(2026, 10, 1), date(2026, 9, 1))
    with session_scope(readonly=True) as s, pytest.raises(InvalidInput):
        cal.period(s, a.actor("officer"), date(2026, 1, 1), date(2026, 12, 31))
    with session_scope(readonly=True) as s, pytest.raises(InvalidInput):
        cal.period(
            s,
            a.actor("officer"),
            date(2026, 10, 1),
            date(2026, 10, 2),
            cal.CalendarFilter(status="bogus"),
        )
    with pytest.raises(InvalidInput):
        cal.month_bounds(2026, 13)


def test_check_draft_reports_each_channels_problems_in_the_users_language(two_offices):
    a, _ = two_offices
    with session_scope(readonly=True) as s:
        tg = s.exec(select(Channel).where(Channel.name == "tg")).one()
        ok = composer.check_draft(s, a.actor("officer"), [tg.id], "Ngắn gọn")
        too_long = composer.check_draft(s, a.actor("officer"), [tg.id], "x" * 5000)
        assert composer.limits(tg).text_max == 4096
        assert composer.text_length(tg, "😀") == 2  # Telegram counts UTF-16 units
    assert ok == []
    assert len(too_long) == 1 and "4096" in too_long[0]


def test_check_draft_refuses_another_organisations_channel(two_offices):
    a, _ = two_offices
    with session_scope(readonly=True) as s:
        theirs = s.exec(select(Channel).where(Channel.name == "tg-b")).one()
        with pytest.raises(PublisherError):
            composer.check_draft(s, a.actor("officer"), [theirs.id], "text")


def test_payload_preview_is_the_connectors_body(two_offices):
    _ = two_offices
    with session_scope(readonly=True) as s:
        hook = s.exec(select(Channel).where(Channel.name == "hook")).one()
        body = composer.payload_preview(s, hook, "Xin chào", [], campaign="ngay-cds")
    assert '"text": "Xin chào"' in body and '"channel": "hook"' in body
    assert '"campaign": "ngay-cds"' in body


def test_review_queue_is_per_organisation_and_needs_the_editor_role(two_offices):
    a, b = two_offices
    mine = compose(a, submit=True)
    compose(a)  # a draft is not waiting
    compose(b, submit=True)
    with session_scope(readonly=True) as s:
        queue = review.queue(s, a.actor("editor"))
        with pytest.raises(PermissionDenied):
            review.queue(s, a.actor("officer"))
        outcomes = review.my_posts(s, a.actor("officer"))
    assert [i.post.id for i in queue] == [mine]
    assert {c.name for c, _ in queue[0].variants} == {"tg", "hook"}
    assert mine in [i.post.id for i in outcomes]


def test_approve_and_publish_now_moves_the_time_and_schedules_deliveries(two_offices, clock):
    a, _ = two_offices
    post_id = compose(a, submit=True)
    with session_scope() as s:
        post = review.approve(s, a.actor("editor"), post_id, publish_now=True)
        assert post.status == PostStatus.SCHEDULED
        assert post.due_at == clock.now()
        due = s.exec(select(Delivery.due_at).where(Delivery.post_id == post_id)).all()
    assert due == [clock.now(), clock.now()]


def test_sandbox_records_come_from_the_emulator(db, tmp_path, clock):
    office = make_office("so-khcn")
    with session_scope(readonly=True) as s, pytest.raises(PublisherError) as missing:
        sandbox.received(s, office.actor("officer"))
    assert missing.value.key == "error.sandbox_missing"
    with run_in_thread(data_dir=tmp_path / "sb") as handle:
        import httpx

        httpx.post(f"{handle.url}/hooks/demo", json={"text": "Xin chào hộp cát"}, timeout=5)
        with session_scope() as s:
            sandbox.set_url(s, handle.url)
        with session_scope(readonly=True) as s:
            rows = sandbox.received(s, office.actor("officer"))
    assert [r["text"] for r in rows] == ["Xin chào hộp cát"]
    with session_scope(readonly=True) as s, pytest.raises(PublisherError) as down:
        sandbox.received(s, office.actor("officer"))
    assert down.value.key == "error.sandbox_unreachable"


def _counts() -> tuple[int, ...]:
    with session_scope(readonly=True) as s:
        return tuple(
            s.exec(select(func.count()).select_from(m)).one()
            for m in (User, Channel, Post, MediaAsset)
        )


def test_demo_seed_is_idempotent_and_follows_the_sandbox(db, clock, monkeypatch):
    monkeypatch.setenv("PUBLISHER_ALLOW_PRIVATE_WEBHOOKS", "1")
    init = initialise(engine=db.engine)
    with session_scope() as s:
        first = demo.seed(s, init.org_slug, "http://127.0.0.1:8765")
    office = {"canbo", "bientap", "lanhdao"}
    province = {"dieuphoi", "lanhdao.phuong", "lanhdao.congthuong"}  # the seeded past's
    assert {u for u, _, p in first.credentials if p} == office | province
    assert first.channels_created == 5 and first.plan_created > 0
    before = _counts()
    with session_scope() as s:
        again = demo.seed(s, init.org_slug, "http://127.0.0.1:9999")
    assert all(p is None for _, _, p in again.credentials)
    assert again.channels_created == 0 and again.plan_created == 0
    assert _counts() == before
    with session_scope(readonly=True) as s:
        urls = {c.kind: c.settings for c in s.exec(select(Channel))}
        waiting = s.exec(select(Post).where(Post.status == PostStatus.IN_REVIEW)).all()
        assert sandbox.get_url(s) == "http://127.0.0.1:9999"
    assert urls["telegram"]["api_base_url"] == "http://127.0.0.1:9999"
    assert urls["webhook"]["url"].startswith("http://127.0.0.1:9999/hooks/")
    assert urls["zalo_oa"]["openapi_url"] == "http://127.0.0.1:9999/zalo/openapi"
    # The sample post and the national day's plan wait for the editor; the plan's media is
    # queued for the worker (cards, the day's clip, the recap card).
    assert len(waiting) == 1 + first.plan_created
    assert first.renders_queued == first.plan_created + 1 and again.renders_queued == 0
    with session_scope() as s:
        reset = demo.seed(s, init.org_slug, "http://127.0.0.1:9999", reset_passwords=True)
    assert all(p for _, _, p in reset.credentials)
    assert _counts() == before
    # The editor's Telegram is linked and their email set in the demo: each post waiting for
    # review is queued for them once on each (the sandbox page lists the outbox).
    from publisher.models import Notification

    with session_scope(readonly=True) as s:
        editor = s.exec(select(User).where(User.username == "bientap")).one()
        told = s.exec(
            select(Notification).where(
                Notification.user_id == editor.id, Notification.event == "review_requested"
            )
        ).all()
    by_channel = {c: sum(1 for n in told if n.channel == c) for c in ("telegram", "email")}
    assert by_channel == {"telegram": len(waiting), "email": len(waiting)}
    assert len(told) == 2 * len(waiting)


def test_upcoming_plan_times_are_local_mornings(db, clock, monkeypatch):
    monkeypatch.setenv("PUBLISHER_ALLOW_PRIVATE_WEBHOOKS", "1")
    init = initialise(engine=db.engine)
    with session_scope() as s:
        demo.seed(s, init.org_slug, "http://127.0.0.1:8765")
    with session_scope(readonly=True) as s:
        plan = s.exec(select(Post).where(Post.plan_key.like("plan:%"))).all()  # type: ignore[union-attr]
    from publisher.timeutil import to_local

    assert plan and all(to_local(p.due_at).hour in (7, 8, 9) for p in plan)
    assert all(p.due_at > clock.now() - timedelta(seconds=1) for p in plan)


def test_a_month_cell_describes_a_few_posts_and_counts_them_all(two_offices):
    a, _ = two_offices
    ids = [
        compose(a, text=f"Bài {i}", due_at=parse_local(f"15/10/2026 0{i}:00")) for i in range(1, 7)
    ]
    start, end = cal.month_bounds(2026, 10)
    with session_scope(readonly=True) as s:
        p = cal.period(s, a.actor("officer"), start, end, per_day=4)
    day = date(2026, 10, 15)
    assert [e.post_id for e in p.entries[day]] == ids[:4]  # the earliest, in time order
    assert p.day_counts[day] == {"draft": 6}
    assert p.total == 6 and all(e.channels for e in p.entries[day])


def test_demo_week_posts_fall_in_office_hours_and_the_sample_has_its_own_card(
    db, clock, monkeypatch
):
    """QA: seeded at night (00:45 local), this week's posts fell at 02:45, 04:45 and 06:45;
    the registration call carried a national day's countdown card."""
    from datetime import UTC, datetime

    from publisher.timeutil import to_local

    monkeypatch.setenv("PUBLISHER_ALLOW_PRIVATE_WEBHOOKS", "1")
    clock.set(datetime(2026, 12, 6, 17, 45, tzinfo=UTC))  # 00:45 on 7/12 in Hồ Chí Minh
    init = initialise(engine=db.engine)
    with session_scope() as s:
        demo.seed(s, init.org_slug, "http://127.0.0.1:8765")
    with session_scope(readonly=True) as s:
        week = s.exec(select(Post).where(Post.plan_key.like("demo:bulletin-%"))).all()  # type: ignore[union-attr]
        sample = s.exec(select(Post).where(Post.plan_key == "demo:sample-review")).one()
        from publisher.models import PostMedia

        link = s.exec(select(PostMedia).where(PostMedia.post_id == sample.id)).one()
        card = s.get(MediaAsset, link.asset_id)
        assert card is not None
        recipe, tags = card.recipe or {}, list(card.tags)
    times = sorted(to_local(p.due_at).strftime("%H:%M") for p in week)
    assert len(week) == 3 and all("07:30" <= hm <= "20:00" for hm in times), times
    assert all(p.due_at > clock.now() for p in week)
    assert recipe.get("template") == "event" and "countdown" not in str(recipe), recipe
    assert "đăng ký" in str(recipe.get("fields", {}).get("title", "")).lower(), recipe
    assert demo.SAMPLE_CARD_TAG in tags


def test_week_slots_keep_to_the_channels_posting_hours(db, clock):
    from datetime import UTC, datetime

    from publisher.timeutil import to_local

    ch = Channel(kind="webhook", name="x", org_id=1, posting_hours={"start": "14:00",
                 "end": "18:00", "days": [0, 1, 2, 3, 4]})  # fmt: skip
    slots = demo.week_slots(datetime(2026, 12, 5, 3, tzinfo=UTC), [ch], 3)  # Saturday 10:00
    local = [to_local(s) for s in slots]
    assert [(d.strftime("%d/%m %H:%M")) for d in local] == [
        "07/12 14:00", "07/12 16:30", "08/12 14:00"
    ]  # fmt: skip
