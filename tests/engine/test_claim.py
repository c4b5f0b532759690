"""Claiming: due times, leases, rate limits, and exactly one claim under concurrency."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from connectors.sandbox import SandboxHandle
from publisher.db import session_scope
from publisher.engine import claim as claim_mod
from publisher.engine.claim import ChannelSpecs, Shard, claim_due, next_due
from publisher.engine.ratelimit import RateLimiter, TokenBucket
from publisher.models import Delivery
from publisher.services.publishing.channels import UNPACED
from tests.engine.conftest import OWNER, delivery, hook_spec, later, schedule, tg_spec
from tests.factories import make_office, migrate_down_and_up

GRACE = 6 * 3600


def claim(
    limiter: RateLimiter | None = None,
    limit: int = 100,
    owner: str = OWNER,
    shard: Shard | None = None,
) -> list[int]:
    return claim_due(
        owner,
        limiter or RateLimiter(),
        ChannelSpecs(ttl=0),
        limit=limit,
        lease_seconds=120,
        grace_seconds=GRACE,
        shard=shard,
    )


def test_claim_takes_only_due_rows_and_commits_a_lease(office: Any, clock: Any) -> None:
    _, [early] = schedule("Sớm", ["hook"], due_at=later(10))
    _, [late] = schedule("Muộn", ["tg"], due_at=later(20))
    assert next_due(grace_seconds=GRACE) == clock.now() + timedelta(seconds=10)
    assert claim() == []
    clock.advance(10)
    assert claim() == [early]
    d = delivery(early)
    assert d.status == "sending" and d.lease_owner == OWNER and d.attempts == 1
    assert d.lease_until == clock.now() + timedelta(seconds=120)
    assert d.first_attempt_at == clock.now()
    assert next_due(grace_seconds=GRACE) == clock.now() + timedelta(seconds=10)
    clock.advance(10)
    assert claim() == [late]


def test_a_burst_on_one_telegram_chat_is_spaced_one_per_second(office: Any, clock: Any) -> None:
    ids = [schedule(f"Tin {i}", ["tg"])[1][0] for i in range(3)]
    limiter = RateLimiter()
    assert claim(limiter) == [ids[0]]
    # The throttled rows moved to when the chat's bucket has a token again.
    assert delivery(ids[1]).next_attempt_at == clock.now() + timedelta(seconds=1)
    assert claim(limiter) == []
    clock.advance(1)
    assert claim(limiter) == [ids[1]]
    clock.advance(1)
    assert claim(limiter) == [ids[2]]


def test_the_slowest_platforms_rows_are_taken_first_and_again_when_due(
    office: Any, clock: Any
) -> None:
    """A burst ends with its slowest channel: among due rows, a Telegram chat's (one post a
    second) go first, then a Facebook page's (three at once), then the webhooks', whatever
    their ids; a chat's deferred row, due again, goes before older webhook rows."""
    hooks = [schedule(f"Cổng {i}", ["hook"])[1][0] for i in range(3)]
    [page] = schedule("Trang", ["fb"])[1]
    chat = [schedule(f"Kênh {i}", ["tg"])[1][0] for i in range(2)]
    limiter = RateLimiter()
    assert claim(limiter, limit=2) == [chat[0], page]
    assert delivery(chat[1]).next_attempt_at == clock.now() + timedelta(seconds=1)
    assert claim(limiter, limit=1) == [hooks[0]]
    clock.advance(1)
    # Due a second after the two webhook rows left waiting, and taken before them.
    assert claim(limiter, limit=1) == [chat[1]]
    assert claim(limiter) == [hooks[1], hooks[2]]


def test_a_large_backlog_still_gives_the_slowest_platform_its_rows_first(
    office: Any, clock: Any
) -> None:
    """Each pace is its own index range: with many more rows due than a claim scans, the
    chat's rows (created last) still go first, and its deferred row, due again, goes before
    the webhook backlog left."""
    hooks = [schedule(f"Cổng {i}", ["hook"])[1][0] for i in range(40)]
    chat = [schedule(f"Kênh {i}", ["tg"])[1][0] for i in range(2)]
    limiter = RateLimiter()
    assert claim(limiter, limit=2) == [chat[0], hooks[0]]
    clock.advance(1)
    assert claim(limiter, limit=2) == [chat[1], hooks[1]]
    with session_scope() as s:
        paces = {d.id: d.pace for d in s.exec(select(Delivery))}
    assert paces[chat[0]] == 0 and paces[hooks[0]] == UNPACED


def test_token_bucket_rate_burst_and_pause() -> None:
    bucket = TokenBucket(rate=2.0, burst=3)
    now = 1000.0
    for _ in range(3):
        assert bucket.ready_at(now) == now
        bucket.take()
    assert bucket.ready_at(now) == pytest.approx(now + 0.5)
    bucket.pause(now + 10)
    assert bucket.ready_at(now + 1) == now + 10


def test_telegram_bot_limit_is_shared_by_its_chats_and_divided_among_executors() -> None:
    from connectors.telegram import TelegramConnector
    from publisher.engine.ratelimit import spec_for

    spec = spec_for("telegram", TelegramConnector, credentials={"bot_token": "42:x"})
    assert spec.group == "tg:42" and spec.rate == 1.0
    limiter = RateLimiter(share=3)  # 30/s per bot over 3 executors: 10/s here
    taken = sum(limiter.try_acquire(chat, spec, 0.0) is None for chat in range(100))
    assert taken == 10


def test_shards_split_channels_between_executors(
    db: Any, clock: Any, sandbox: SandboxHandle
) -> None:
    make_office("xa", channels={f"h{i}": hook_spec(sandbox.url, f"h{i}") for i in range(4)})
    schedule("Tin", [f"h{i}" for i in range(4)])
    a = claim(shard=Shard(0, 2), owner="a")
    b = claim(shard=Shard(1, 2), owner="b")
    assert len(a) == 2 and len(b) == 2 and not set(a) & set(b)
    with session_scope(readonly=True) as s:
        owners = {d.id: d.channel_id % 2 for d in s.exec(select(Delivery))}
    assert {owners[i] for i in a} == {0} and {owners[i] for i in b} == {1}


def test_concurrent_executors_claim_each_delivery_exactly_once(
    db: Any, clock: Any, sandbox: SandboxHandle
) -> None:
    """Eight threads, each its own executor, race for 120 deliveries (on PostgreSQL: SKIP
    LOCKED across connections; on SQLite: the single writer)."""
    names = [f"c{i}" for i in range(40)]
    make_office("tinh", channels={n: hook_spec(sandbox.url, n) for n in names})
    for i in range(3):
        schedule(f"Bài {i}", names)
    results: dict[str, list[int]] = {}
    barrier = threading.Barrier(8)

    def executor(owner: str) -> None:
        limiter = RateLimiter()  # separate processes would not share buckets either
        mine: list[int] = []
        barrier.wait()
        for _ in range(400):
            got = claim(limiter, limit=5, owner=owner)
            mine.extend(got)
            if not got and pending() == 0:
                break
        results[owner] = mine

    threads = [threading.Thread(target=executor, args=(f"w{i}",)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    counts = Counter(i for ids in results.values() for i in ids)
    assert all(n == 1 for n in counts.values()), "a delivery was claimed twice"
    with session_scope(readonly=True) as s:
        rows = list(s.exec(select(Delivery)))
    sending = [d for d in rows if d.status == "sending"]
    assert {d.id for d in sending} == set(counts)
    assert all(
        d.lease_owner == next(o for o, ids in results.items() if d.id in ids) for d in sending
    )
    # 40 webhook channels, burst 20 each: every delivery was claimable without waiting.
    assert len(counts) == 120


def pending() -> int:
    with session_scope(readonly=True) as s:
        return len(list(s.exec(select(Delivery.id).where(Delivery.status == "pending"))))


def test_claim_skips_deliveries_past_the_grace(office: Any, clock: Any) -> None:
    _, [d_id] = schedule("Tin", ["tg"])
    clock.advance(GRACE + 1)
    assert claim() == []
    assert delivery(d_id).status == "pending"  # the missed sweep decides, not the claim


def test_telegram_spec_uses_channel_override(db: Any, clock: Any, sandbox: SandboxHandle) -> None:
    office = make_office("o", channels={"tg": tg_spec(sandbox.url)})
    with session_scope() as s:
        from publisher.models import Channel

        ch = s.get(Channel, office.channels["tg"].id)
        assert ch is not None
        ch.rate_per_second = 5.0
        s.add(ch)
    spec, enabled = ChannelSpecs(ttl=0).get(office.channels["tg"].id)
    assert spec.rate == 5.0 and enabled


def test_the_migration_gives_existing_deliveries_their_platforms_pace(
    db: Any, office: Any, clock: Any
) -> None:
    [chat] = schedule("Kênh", ["tg"])[1]
    [page] = schedule("Trang", ["fb"])[1]
    [hook] = schedule("Cổng", ["hook"])[1]
    migrate_down_and_up(db.engine, "0019_faq_bot")
    assert [delivery(i).pace for i in (chat, page, hook)] == [0, 1, UNPACED]


def test_a_platforms_first_channel_added_after_the_specs_loaded_is_claimed_within_a_second(
    db: Any, clock: Any, sandbox: SandboxHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A claim scans only the paces of the platforms that had channels at the last reload of
    its (cached) specs, and the others once a second: a province's first Telegram chat,
    added since, is not left waiting for the next reload."""
    monkeypatch.setattr(claim_mod, "BEYOND_EVERY_S", 3600.0)
    make_office("xa", channels={"hook": hook_spec(sandbox.url)})
    specs = ChannelSpecs(ttl=3600)

    def take() -> list[int]:
        return claim_due(
            OWNER, RateLimiter(), specs, limit=10, lease_seconds=120, grace_seconds=GRACE
        )

    [hook] = schedule("Cổng", ["hook"])[1]
    assert take() == [hook]  # loads the specs: webhooks only; the other paces looked at
    make_office("phuong", channels={"tg": tg_spec(sandbox.url)})
    [chat] = schedule("Kênh", ["tg"])[1]
    assert take() == []  # not looked for again yet
    monkeypatch.setattr(claim_mod, "BEYOND_EVERY_S", 0.0)
    assert take() == [chat]
