"""The engine's batched bookkeeping: claim snapshots, multi-row transitions, cached configs."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, update
from sqlmodel import col, select

from connectors.base import PublishResult
from connectors.sandbox.client import SandboxClient
from publisher.db import session_scope
from publisher.engine.claim import ChannelSpecs, claim
from publisher.engine.executor import ExecContext, execute
from publisher.engine.outgoing import PrepareCache
from publisher.engine.ratelimit import RateLimiter
from publisher.engine.recorder import Recorder
from publisher.errors import Conflict
from publisher.models import AuditEvent, Delivery
from publisher.services.accounts.actor import Actor
from publisher.services.publishing import channels as channels_svc
from publisher.services.publishing import deliveries as deliveries_svc
from tests.engine.conftest import OWNER, delivery, post_status, schedule

GRACE = 6 * 3600
LEASE = 120


def take(limit: int = 100, owner: str = OWNER) -> list[Delivery]:
    return claim(
        owner,
        RateLimiter(),
        ChannelSpecs(ttl=0),
        limit=limit,
        lease_seconds=LEASE,
        grace_seconds=GRACE,
    )


def audit_rows(delivery_id: int) -> list[AuditEvent]:
    with session_scope(readonly=True) as s:
        return list(
            s.exec(
                select(AuditEvent)
                .where(AuditEvent.object_type == "delivery", AuditEvent.object_id == delivery_id)
                .order_by(col(AuditEvent.id))
            )
        )


def audit_count() -> int:
    with session_scope(readonly=True) as s:
        return int(s.exec(select(func.count()).select_from(AuditEvent)).one())


def test_claim_returns_the_rows_as_committed_and_audits_each_move(office: Any, clock: Any) -> None:
    post_id, ids = schedule("Ngày hội đổi mới sáng tạo", ["fb", "tg", "hook"])
    claimed = take()
    assert sorted(d.id for d in claimed if d.id is not None) == sorted(ids)
    for snapshot in claimed:
        assert snapshot.id is not None
        stored = delivery(snapshot.id)
        for field in ("status", "lease_owner", "lease_until", "attempts", "first_attempt_at"):
            assert getattr(snapshot, field) == getattr(stored, field), field
        assert stored.status == "sending" and stored.attempts == 1
        [event] = audit_rows(snapshot.id)
        assert event.action == "delivery.sending"
        assert event.actor_label == f"worker:{OWNER}"
        assert event.org_id == office.org.id
        assert event.before == {"status": "pending"} and event.after["attempts"] == 1
    assert post_status(post_id) == "publishing"


def test_batched_successes_settle_the_post_once_every_delivery_is_sent(
    office: Any, clock: Any
) -> None:
    post_id, _ = schedule("Tin chuyển đổi số", ["fb", "tg", "hook"])
    first, second, third = take()
    recorder = Recorder(OWNER)
    _write(recorder, [first, second])
    assert post_status(post_id) == "publishing"  # one delivery still sending
    _write(recorder, [third])
    assert post_status(post_id) == "published"
    for d in (first, second, third):
        assert d.id is not None
        stored = delivery(d.id)
        assert stored.status == "sent" and stored.external_id == f"ext-{d.id}"
        assert stored.lease_owner is None and stored.sent_at == clock.now()
        actions = [(e.action, e.after.get("reason")) for e in audit_rows(d.id)]
        assert actions == [("delivery.sending", None), ("delivery.sent", "published")]


def _write(recorder: Recorder, claimed: list[Delivery]) -> None:
    from publisher.engine.recorder import Sent

    recorder._write_batch(
        [Sent(d.id, PublishResult(external_id=f"ext-{d.id}")) for d in claimed if d.id]
    )


def test_a_batch_refuses_rows_changed_since_they_were_read_and_writes_nothing(
    office: Any, clock: Any
) -> None:
    """A stale snapshot (the lease sweep took the row meanwhile) must not overwrite it."""
    post_id, _ = schedule("Tin bị tranh chấp", ["tg", "hook"])
    stale, fresh = take()
    with session_scope() as s:
        s.execute(
            update(Delivery)
            .where(col(Delivery.id) == stale.id)
            .values(status="pending", lease_owner=None, lease_until=None)
        )
    before = audit_count()
    with pytest.raises(Conflict), session_scope() as s:
        deliveries_svc.transition_many(
            s,
            [(d, "sent", {"lease_owner": None, "lease_until": None}) for d in (stale, fresh)],
            f"worker:{OWNER}",
        )
    assert stale.id is not None and fresh.id is not None
    assert delivery(stale.id).status == "pending"
    assert delivery(fresh.id).status == "sending"  # rolled back with the rest
    assert audit_count() == before
    assert post_status(post_id) == "publishing"


def test_a_snapshot_whose_lease_ran_low_is_checked_against_the_database(
    office: Any, clock: Any, sb: SandboxClient
) -> None:
    _, [d_id] = schedule("Tin trễ", ["hook"])
    [snapshot] = take()
    cache = PrepareCache()
    with session_scope(readonly=True) as s:
        cache.warm(s, [snapshot])
    ctx = ExecContext(OWNER, RateLimiter(), LEASE, 2.0, cache=cache)
    clock.advance(LEASE * 0.6)  # less than half the lease left: the row is read again
    with session_scope() as s:  # ... and another worker's sweep had taken it
        s.execute(
            update(Delivery).where(col(Delivery.id) == d_id).values(lease_owner="someone-else")
        )
    assert execute(d_id, ctx, snapshot) == "lost"
    assert sb.published() == []


def test_a_fresh_snapshot_is_published_once_from_the_cache(
    office: Any, clock: Any, sb: SandboxClient
) -> None:
    _, [d_id] = schedule("Tin từ bộ nhớ đệm", ["hook"])
    [snapshot] = take()
    cache = PrepareCache()
    with session_scope(readonly=True) as s:
        cache.warm(s, [snapshot])
    ctx = ExecContext(OWNER, RateLimiter(), LEASE, 2.0, cache=cache)
    assert execute(d_id, ctx, snapshot) == "sent"
    assert [r["text"] for r in sb.published("webhook")] == ["Tin từ bộ nhớ đệm"]
    assert delivery(d_id).status == "sent"


def test_cached_connector_configs_follow_a_credentials_change(office: Any, clock: Any) -> None:
    cache = PrepareCache(ttl=0)  # the channel row is re-read every time
    channel_id = office.channels["tg"].id
    with session_scope(readonly=True) as s:
        old = cache.connector(cache.channel(s, channel_id), timeout=2.0)
        again = cache.connector(cache.channel(s, channel_id), timeout=2.0)
    assert again.config is old.config  # decrypted once
    with session_scope() as s:
        channels_svc.update_channel(
            s, Actor.system("test"), channel_id, credentials={"bot_token": "4343:rotated"}
        )
    with session_scope(readonly=True) as s:
        new = cache.connector(cache.channel(s, channel_id), timeout=2.0)
    assert old.config.credentials["bot_token"] != "4343:rotated"
    assert new.config.credentials["bot_token"] == "4343:rotated"
