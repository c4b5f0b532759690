"""Engagement collection against the sandbox emulators (real client libraries, real HTTP)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from connectors.base import ChannelConfig, OutgoingPost
from connectors.facebook import FacebookConnector
from connectors.telegram import TelegramConnector
from publisher.db import session_scope
from publisher.models import EngagementLatest, EngagementSnapshot, InboundEvent
from publisher.services.insight import engagement
from publisher.services.publishing import channels as channels_svc
from tests.factories import make_office
from tests.stats.conftest import fb_spec, hook_spec, published, tg_spec


@pytest.fixture
def office(db, clock, sandbox, monkeypatch):
    monkeypatch.setenv("PUBLISHER_ALLOW_PRIVATE_WEBHOOKS", "1")
    return make_office(
        channels={
            "fb": fb_spec(sandbox.url),
            "tg": tg_spec(sandbox.url),
            "hook": hook_spec(sandbox.url),
        }
    )


def _publish(office, name: str, text: str = "Bài viết thử nghiệm") -> str:
    with session_scope() as s:
        channel = channels_svc.get_channel(s, office.actor("admin"), name)
        connector = channels_svc.make_connector(channel)
    return connector.publish(OutgoingPost(text=text, idempotency_key=name)).external_id


def _snapshots(delivery_id: int) -> list[EngagementSnapshot]:
    with session_scope() as s:
        return list(
            s.exec(select(EngagementSnapshot).where(EngagementSnapshot.delivery_id == delivery_id))
        )


def test_facebook_counters_and_views_are_collected_and_stored(office, sb, clock):
    external = _publish(office, "fb")
    sb.set_metrics(external, reactions=41, comments=7, shares=3, views=900)
    d = published(office, "fb", clock.now() - timedelta(hours=2), external_id=external)
    result = engagement.collect_all()
    assert result.snapshots == 1 and not result.failed_channels
    (snap,) = _snapshots(d.id)
    assert (snap.reactions, snap.comments, snap.shares, snap.views) == (41, 7, 3, 900)
    assert snap.clicks is None and "clicks" in snap.unavailable
    assert "views" not in snap.unavailable


def test_a_retired_metric_rejected_by_the_emulator_does_not_break_collection(office, sb, clock):
    external = _publish(office, "fb")
    sb.set_metrics(external, reactions=5, comments=1, shares=0)
    d = published(office, "fb", clock.now() - timedelta(hours=1), external_id=external)
    # The emulator answers error 100 to the insights call (as Graph does for a retired
    # metric such as post_impressions); the object fields still come through.
    sb.add_fault(
        "facebook",
        "error",
        code=100,
        method="insights",
        message="(#100) The value must be a valid insights metric",
    )
    result = engagement.collect_all()
    assert not result.failed_channels
    (snap,) = _snapshots(d.id)
    assert snap.reactions == 5 and snap.views is None and "views" in snap.unavailable


def test_the_emulator_rejects_post_impressions_by_name(sandbox, monkeypatch):
    monkeypatch.setenv("PUBLISHER_ALLOW_PRIVATE_TARGETS", "1")  # the sandbox is on loopback
    connector = FacebookConnector(
        ChannelConfig(
            "facebook",
            "fb",
            {"page_id": "1001", "graph_url": sandbox.url + "/"},
            {"access_token": "sandbox-fb-1001"},
        )
    )
    graph = connector.graph()
    external = connector.publish(OutgoingPost(text="x")).external_id
    import facebook

    with pytest.raises(facebook.GraphAPIError) as info:
        graph.get_connections(external, "insights", metric="post_impressions")
    assert info.value.code == 100


def test_one_failing_channel_does_not_stop_the_others(office, sb, clock):
    fb_external = _publish(office, "fb")
    sb.set_metrics(fb_external, reactions=9)
    good = published(office, "fb", clock.now() - timedelta(hours=1), external_id=fb_external)
    tg = published(office, "tg", clock.now() - timedelta(hours=1), external_id="@sandbox_news:7")
    sb.add_fault("telegram", "error", status=401)
    result = engagement.collect_all()
    assert [c.channel for c in result.failed_channels] == ["tg"]
    assert _snapshots(good.id)[0].reactions == 9
    assert _snapshots(tg.id) == []


def test_telegram_reactions_come_from_reaction_count_updates_and_views_stay_null(
    office, sandbox, clock
):
    external = (
        TelegramConnector(
            ChannelConfig(
                "telegram",
                "tg",
                {"chat_id": "@sandbox_news", "api_base_url": sandbox.url},
                {"bot_token": "4242:sandbox-test"},
            )
        )
        .publish(OutgoingPost(text="Xin chào"))
        .external_id
    )
    message_id = int(external.rsplit(":", 1)[1])
    d = published(office, "tg", clock.now() - timedelta(hours=1), external_id=external)
    import httpx

    httpx.post(
        f"{sandbox.url}/_sandbox/telegram/reactions",
        json={"chat_id": "@sandbox_news", "message_id": message_id, "reactions": {"👍": 4, "❤": 2}},
    )
    engagement.collect_all()
    (snap,) = _snapshots(d.id)
    assert snap.reactions == 6
    assert snap.views is None and "views" in snap.unavailable
    # A newer update replaces the count; the offset confirmed the first one.
    httpx.post(
        f"{sandbox.url}/_sandbox/telegram/reactions",
        json={"chat_id": "@sandbox_news", "message_id": message_id, "reactions": {"👍": 10}},
    )
    clock.advance(minutes=30)
    engagement.collect_all()
    with session_scope() as s:
        assert s.get(EngagementLatest, d.id).reactions == 10


def test_webhook_counters_come_from_inbound_events(office, clock):
    d = published(office, "hook", clock.now() - timedelta(hours=1))
    with session_scope() as s:
        for i, kind in enumerate(["reaction", "reaction", "seen", "follow"]):
            s.add(
                InboundEvent(
                    event_id=f"e{i}",
                    channel_id=d.channel_id,
                    delivery_id=d.id,
                    kind=kind,
                    occurred_at=clock.now(),
                )
            )
    engagement.collect_all()
    (snap,) = _snapshots(d.id)
    assert (snap.reactions, snap.views) == (2, 1)


def test_snapshots_are_idempotent_per_delivery_and_time(office, sb, clock):
    external = _publish(office, "fb")
    sb.set_metrics(external, reactions=3)
    d = published(office, "fb", clock.now() - timedelta(hours=1), external_id=external)
    engagement.collect_all()
    sb.set_metrics(external, reactions=8)
    second = engagement.collect_all()  # same instant: nothing added, nothing overwritten
    assert second.snapshots == 0
    assert [s.reactions for s in _snapshots(d.id)] == [3]
    clock.advance(hours=1)
    engagement.collect_all()
    assert sorted(s.reactions for s in _snapshots(d.id)) == [3, 8]
    with session_scope() as s:
        latest = s.get(EngagementLatest, d.id)
        assert latest.reactions == 8 and latest.collected_at == clock.now()


def test_an_older_snapshot_never_replaces_the_latest(office, clock):
    from tests.stats.conftest import snapshot

    d = published(office, "hook", clock.now() - timedelta(days=1))
    snapshot(d.id, datetime(2026, 10, 1, tzinfo=UTC), reactions=10)
    snapshot(d.id, datetime(2026, 9, 30, tzinfo=UTC), reactions=4)
    with session_scope() as s:
        assert s.get(EngagementLatest, d.id).reactions == 10
