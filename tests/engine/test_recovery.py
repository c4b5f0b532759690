"""Crash recovery: expired leases go through reconcile; deliveries missed while down."""

from __future__ import annotations

from typing import Any

from connectors.sandbox.client import SandboxClient
from publisher.engine.claim import ChannelSpecs, claim_due
from publisher.engine.executor import ExecContext, execute
from publisher.engine.marker import write_marks
from publisher.engine.missed import sweep_missed
from publisher.engine.reconcile import sweep_expired
from tests.engine.conftest import delivery, open_alerts, schedule

GRACE = 6 * 3600
LEASE = 120


def claim(owner: str) -> list[int]:
    from publisher.engine.ratelimit import RateLimiter

    return claim_due(
        owner,
        RateLimiter(),
        ChannelSpecs(ttl=0),
        limit=10,
        lease_seconds=LEASE,
        grace_seconds=GRACE,
    )


def test_expired_leases_are_reconciled_per_platform(
    office: Any, clock: Any, sb: SandboxClient
) -> None:
    """A worker claimed three deliveries and died; only Facebook's actually went out."""
    schedule("Bài trước sự cố", ["fb", "tg", "hook"])
    dead = claim("dead-worker")
    assert len(dead) == 3
    by_channel = {delivery(i).channel_id: i for i in dead}
    fb_id = by_channel[office.channels["fb"].id]
    tg_id = by_channel[office.channels["tg"].id]
    hook_id = by_channel[office.channels["hook"].id]
    # Telegram and the webhook were in their calls (pre-call marks committed) when it died.
    write_marks([tg_id, hook_id], "dead-worker")
    # The dead worker had published on Facebook before being killed.
    dead_ctx = ExecContext(
        "dead-worker",
        __import__("publisher.engine.ratelimit", fromlist=["RateLimiter"]).RateLimiter(),
        LEASE,
        2.0,
    )
    assert execute(fb_id, dead_ctx) == "sent"
    # ... but its commit was lost: put the row back as the crash left it.
    _reset_to_sending(fb_id, "dead-worker")
    assert sweep_expired("sweeper", lease_seconds=LEASE, timeout=2.0) == 0  # lease still valid
    clock.advance(LEASE + 1)
    assert sweep_expired("sweeper", lease_seconds=LEASE, timeout=2.0) == 3
    assert delivery(fb_id).status == "sent"  # found in the page feed: not posted twice
    assert delivery(fb_id).error_kind == "reconciled"
    assert delivery(tg_id).status == "unconfirmed"  # Telegram cannot be asked
    assert delivery(hook_id).status == "pending"  # safe to resend with the same key
    assert [a.object_id for a in open_alerts("unconfirmed")] == [tg_id]
    ctx = ExecContext("sweeper", dead_ctx.limiter, LEASE, 2.0)
    assert [execute(i, ctx) for i in claim("sweeper")] == ["sent"]
    assert len(sb.published("facebook")) == 1
    assert len(sb.published("webhook")) == 1
    assert sb.published("telegram") == []


def _reset_to_sending(delivery_id: int, owner: str) -> None:
    from publisher.db import session_scope
    from publisher.models import Delivery

    with session_scope() as s:
        d = s.get(Delivery, delivery_id)
        assert d is not None
        d.status, d.lease_owner, d.external_id, d.error_kind = "sending", owner, None, None
        from datetime import timedelta

        from publisher.timeutil import utcnow

        d.lease_until = utcnow() + timedelta(seconds=LEASE)
        s.add(d)


def test_missed_within_grace_is_published_beyond_grace_is_marked_missed(
    office: Any, clock: Any, sb: SandboxClient, ctx: ExecContext
) -> None:
    _, [old] = schedule("Bài cũ", ["hook"])
    clock.advance(4 * 3600)
    _, [recent] = schedule("Bài mới hơn", ["tg"])
    clock.advance(2 * 3600 + 60)  # no worker ran: old is 6 h 1 min late, recent 2 h 1 min
    assert sweep_missed("w", grace_seconds=GRACE) == 1
    assert delivery(old).status == "missed"
    [alert] = open_alerts("missed")
    assert alert.object_id == old and alert.message_key == "alert.delivery_missed"
    assert [execute(i, ctx) for i in claim(ctx.owner)] == ["sent"]
    assert delivery(recent).status == "sent"
    assert [r["platform"] for r in sb.published()] == ["telegram"]
    assert sweep_missed("w", grace_seconds=GRACE) == 0
