"""Statistics that live from the first minute: tracked clicks counted by the minute job,
«Thu thập ngay» limited to the units the actor reads, with progress."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from publisher.db import session_scope
from publisher.errors import PermissionDenied
from publisher.models import Delivery, DeliveryStatus, Post, PostStatus, PostVariant, TrackedLink
from publisher.services.insight import engagement, stats
from publisher.timeutil import utcnow
from tests.conftest import DB
from tests.factories import make_office, webhook_channel


def _sent_post(office_channel_id: int, org_id: int) -> int:
    with session_scope() as s:
        when = utcnow() - timedelta(hours=2)
        post = Post(org_id=org_id, status=PostStatus.PUBLISHED, text="x", due_at=when)
        s.add(post)
        s.flush()
        s.add(PostVariant(post_id=post.id or 0, channel_id=office_channel_id))
        d = Delivery(
            post_id=post.id or 0, channel_id=office_channel_id, due_at=when,
            next_attempt_at=when, status=DeliveryStatus.SENT, idempotency_key="k-1",
            external_id="e-1", sent_at=when,
        )  # fmt: skip
        s.add(d)
        s.flush()
        engagement.sync_facts(s, [d.id or 0])
        s.add(TrackedLink(code="abc", target="https://example.org", delivery_id=d.id, clicks=0))
        return d.id or 0


def test_tracked_clicks_count_within_the_minute_job(sqlite_db: DB, clock: object) -> None:
    office = make_office(channels={"hook": webhook_channel()})
    _sent_post(office.channels["hook"].id or 0, office.org.id or 0)
    manager = office.actor("manager")
    with session_scope() as s:
        assert stats.totals(s, manager, stats.StatsFilter())["clicks"] is None
        s.exec(select(TrackedLink)).one().clicks = 2
    with session_scope() as s:
        assert engagement.sync_clicks(s) == 1
    with session_scope() as s:
        assert stats.totals(s, manager, stats.StatsFilter())["clicks"] == 2
        assert engagement.sync_clicks(s) == 0  # nothing new: nothing rewritten


def test_collect_now_reports_progress_over_the_actors_channels(
    sqlite_db: DB, clock: object
) -> None:
    office = make_office(channels={"hook": webhook_channel()})
    other = make_office("phuong", channels={"hook2": webhook_channel("https://h.example.org/2")})
    _sent_post(office.channels["hook"].id or 0, office.org.id or 0)
    seen: list[tuple[int, int, str]] = []
    result = engagement.collect_now(office.actor("manager"), progress=lambda *a: seen.append(a))
    assert [c.channel for c in result.channels] == ["hook"]
    assert seen == [(0, 1, "hook"), (1, 1, "")]
    assert other.org.id != office.org.id
    with pytest.raises(PermissionDenied):
        engagement.collect_now(office.actor("officer"))
