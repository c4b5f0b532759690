"""Claim + execute against the sandbox emulators with the real client libraries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from connectors.sandbox.client import SandboxClient
from publisher.db import session_scope
from publisher.engine.claim import ChannelSpecs
from publisher.engine.executor import ExecContext
from publisher.models import Channel, ChannelHealth
from publisher.services.accounts import audit
from tests.engine.conftest import delivery, later, open_alerts, post_status, run_once, schedule


def test_it_publishes_each_channel_once_when_due(
    office: Any, clock: Any, sb: SandboxClient, ctx: ExecContext, specs: ChannelSpecs
) -> None:
    post_id, ids = schedule(
        "Ngày Chuyển đổi số quốc gia 10/10", ["fb", "tg", "hook"], due_at=later(30)
    )
    assert run_once(ctx, specs) == {}  # not due yet: nothing claimed, nothing sent
    assert sb.published() == []
    clock.advance(30)
    assert sorted(run_once(ctx, specs).values()) == ["sent", "sent", "sent"]
    published = sb.published()
    assert sorted(r["platform"] for r in published) == ["facebook", "telegram", "webhook"]
    assert all(r["text"] == "Ngày Chuyển đổi số quốc gia 10/10" for r in published)
    for i in ids:
        d = delivery(i)
        assert d.status == "sent" and d.external_id and d.attempts == 1
        actions = [e.action for e in audit_history(i)]
        assert actions == ["delivery.sending", "delivery.sent"]
    assert post_status(post_id) == "published"
    assert run_once(ctx, specs) == {}  # never twice
    assert len(sb.published()) == 3


def audit_history(delivery_id: int) -> list[Any]:
    with session_scope(readonly=True) as s:
        return audit.history(s, "delivery", delivery_id)


def test_rate_limited_answer_waits_exactly_retry_after(
    office: Any, clock: Any, sb: SandboxClient, ctx: ExecContext, specs: ChannelSpecs
) -> None:
    _, [d_id] = schedule("Tin KH&CN", ["tg"])
    sb.add_fault("telegram", "error", status=429, retry_after=7, method="sendMessage")
    now = clock.now()
    assert run_once(ctx, specs) == {d_id: "pending"}
    d = delivery(d_id)
    assert d.error_kind == "rate_limited"
    assert d.next_attempt_at == now + timedelta(seconds=7)
    clock.advance(6.9)
    assert run_once(ctx, specs) == {}  # never earlier
    clock.advance(0.1)
    assert run_once(ctx, specs) == {d_id: "sent"}
    assert len(sb.published("telegram")) == 1


def test_transient_failure_backs_off_then_succeeds(
    office: Any, clock: Any, ctx: ExecContext, specs: ChannelSpecs, sb: SandboxClient, sandbox: Any
) -> None:
    # A webhook at a port nobody listens on: connection refused = certainly not delivered.
    with session_scope() as s:
        ch = s.get(Channel, office.channels["hook"].id)
        assert ch is not None
        ch.settings = {**ch.settings, "url": "http://127.0.0.1:9/hooks/office"}
        s.add(ch)
    _, [d_id] = schedule("Tin", ["hook"])
    now = clock.now()
    assert run_once(ctx, specs) == {d_id: "pending"}
    d = delivery(d_id)
    assert d.error_kind == "transient"
    wait = (d.next_attempt_at - now).total_seconds()
    assert 4.0 <= wait <= 6.0  # first backoff step 5 s +-20 %
    with session_scope() as s:
        ch = s.get(Channel, office.channels["hook"].id)
        assert ch is not None
        ch.settings = {**ch.settings, "url": f"{sandbox.url}/hooks/office"}
        s.add(ch)
    clock.advance(wait)
    assert run_once(ctx, specs) == {d_id: "sent"}
    assert delivery(d_id).attempts == 2
    assert len(sb.published("webhook")) == 1


def test_permanent_error_fails_without_retry(
    office: Any, clock: Any, sb: SandboxClient, ctx: ExecContext, specs: ChannelSpecs
) -> None:
    post_id, [d_id] = schedule("Bài bị từ chối", ["fb"])
    sb.add_fault("facebook", "error", code=368, method="feed")
    assert run_once(ctx, specs) == {d_id: "failed"}
    clock.advance(3600)
    assert run_once(ctx, specs) == {}
    assert delivery(d_id).error_kind == "permanent"
    assert len([r for r in sb.records("facebook") if r["method"] == "feed"]) == 1
    assert [a.message_key for a in open_alerts("delivery_failed")] == ["alert.delivery_failed"]
    assert post_status(post_id) == "failed"


def test_auth_error_flags_the_channel_and_is_not_retried(
    office: Any, clock: Any, sb: SandboxClient, ctx: ExecContext, specs: ChannelSpecs
) -> None:
    _, [d_id] = schedule("Tin", ["tg"])
    sb.add_fault("telegram", "error", status=401, method="sendMessage")
    assert run_once(ctx, specs) == {d_id: "failed"}
    clock.advance(3600)
    assert run_once(ctx, specs) == {}
    with session_scope(readonly=True) as s:
        ch = s.get(Channel, office.channels["tg"].id)
        assert ch is not None and ch.health == ChannelHealth.FLAGGED
    assert {a.kind for a in open_alerts()} == {"auth", "delivery_failed"}


def test_ambiguous_webhook_is_retried_with_the_same_key_and_delivered_once(
    office: Any, clock: Any, sb: SandboxClient, ctx: ExecContext, specs: ChannelSpecs
) -> None:
    _, [d_id] = schedule("Tin", ["hook"])
    sb.add_fault("webhook", "drop", when="after")  # accepted, then the connection dies
    assert run_once(ctx, specs) == {d_id: "pending"}
    assert delivery(d_id).error_kind == "ambiguous"
    clock.advance(60)
    assert run_once(ctx, specs) == {d_id: "sent"}
    records = sb.records("webhook")
    assert len(records) == 2 and records[0]["idempotency_key"] == records[1]["idempotency_key"]
    assert len(sb.published("webhook")) == 1  # the receiver de-duplicated the second


def test_ambiguous_facebook_is_reconciled_from_the_page_feed(
    office: Any, clock: Any, sb: SandboxClient, ctx: ExecContext, specs: ChannelSpecs
) -> None:
    _, [d_id] = schedule("Ngày hội Đổi mới sáng tạo", ["fb"])
    sb.add_fault("facebook", "drop", when="after", method="feed")
    assert run_once(ctx, specs) == {d_id: "sent"}
    d = delivery(d_id)
    assert d.error_kind == "reconciled" and d.external_id
    assert len(sb.published("facebook")) == 1


def test_ambiguous_facebook_not_found_is_sent_again(
    office: Any, clock: Any, sb: SandboxClient, ctx: ExecContext, specs: ChannelSpecs
) -> None:
    _, [d_id] = schedule("Tin", ["fb"])
    sb.add_fault("facebook", "drop", when="before", method="feed")  # never accepted
    assert run_once(ctx, specs) == {d_id: "pending"}
    clock.advance(60)
    assert run_once(ctx, specs) == {d_id: "sent"}
    assert len(sb.published("facebook")) == 1


def test_ambiguous_telegram_becomes_unconfirmed_with_an_alert(
    office: Any, clock: Any, sb: SandboxClient, ctx: ExecContext, specs: ChannelSpecs
) -> None:
    _, [d_id] = schedule("Tin", ["tg"])
    sb.add_fault("telegram", "drop", when="after", method="sendMessage")
    assert run_once(ctx, specs) == {d_id: "unconfirmed"}
    clock.advance(3600)
    assert run_once(ctx, specs) == {}
    assert [a.message_key for a in open_alerts("unconfirmed")] == ["alert.delivery_unconfirmed"]
    assert len(sb.published("telegram")) == 1  # published once; never blindly again
