"""Bulkheads and circuit breakers: a stalled receiver holds only its share of the executor,
its breaker opens (its posts wait, not failed), and one probe tries it again."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from connectors.clients import ClientCache
from connectors.sandbox.blackhole import Blackhole
from connectors.sandbox.client import SandboxClient
from publisher.engine import outcome
from publisher.engine.bulkhead import Guard, State
from publisher.engine.claim import ChannelSpecs, claim
from publisher.engine.executor import ExecContext, execute
from publisher.engine.ratelimit import RateLimiter
from tests.engine.conftest import OWNER, delivery, fb_spec, hook_spec, open_alerts, schedule
from tests.factories import make_office

GRACE = 6 * 3600


class Ticks:
    """A monotonic clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# -- the guard alone -------------------------------------------------------------------------
def test_bulkheads_limit_channel_and_platform() -> None:
    guard = Guard(threads=4, share=0.5, clock=Ticks())
    assert guard.platform_limit == 2
    assert guard.admit(1, "webhook", 1)
    assert not guard.admit(1, "webhook", 1)  # the channel's own bulkhead is full
    assert guard.admit(2, "webhook", 1)
    assert not guard.admit(3, "webhook", 1)  # the platform's share is used up
    assert guard.admit(4, "facebook", 1)  # another platform still gets its slots
    assert guard.blocked({"webhook": 1, "facebook": 2}) == ({1, 2}, {"webhook"})
    guard.release(2)
    assert guard.admit(3, "webhook", 1)


def test_breaker_opens_probes_and_closes() -> None:
    ticks = Ticks()
    opened: list[Any] = []
    guard = Guard(threads=8, threshold=2, cooldown=10, clock=ticks, on_open=opened.append)
    assert guard.failed(7) is None  # one failure: still closed
    assert guard.state(7) == State.CLOSED
    assert guard.failed(7) is not None
    assert guard.state(7) == State.OPEN and [o.channel_id for o in opened] == [7]
    assert not guard.admit(7, "facebook", 2)
    assert guard.blocked({"facebook": 2}) == ({7}, set())
    ticks.now += 10
    assert guard.state(7) == State.HALF_OPEN
    assert guard.admit(7, "facebook", 2)  # the probe
    assert not guard.admit(7, "facebook", 2)  # only one probe at a time
    guard.failed(7)  # the probe failed: open again, twice as long
    guard.release(7)
    ticks.now += 10
    assert guard.state(7) == State.OPEN
    ticks.now += 10
    assert guard.admit(7, "facebook", 2)
    guard.succeeded(7)
    guard.release(7)
    assert guard.state(7) == State.CLOSED
    assert len(opened) == 1  # re-opening after a failed probe raises no second alert


def test_probe_without_verdict_lets_another_probe() -> None:
    ticks = Ticks()
    guard = Guard(threads=8, threshold=1, cooldown=5, clock=ticks)
    guard.failed(3)
    ticks.now += 5
    assert guard.admit(3, "telegram", 1)
    guard.release(3)  # e.g. deferred by the rate limit: no outcome
    assert guard.admit(3, "telegram", 1)


# -- with the real connectors ----------------------------------------------------------------
@pytest.fixture
def hole() -> Iterator[Blackhole]:
    with Blackhole() as h:
        yield h


@pytest.fixture
def stalled_office(db: Any, clock: Any, sandbox: Any, hole: Blackhole) -> Any:
    """Two webhook receivers: ``hook`` answers, ``hole`` accepts TCP and never reads."""
    stalled = {
        "kind": "webhook",
        "settings": {"url": f"{hole.url}/hook", "signature": "hmac"},
        "credentials": {"secret": "sandbox-secret"},
    }
    return make_office(
        "so-khcn",
        channels={"hook": hook_spec(sandbox.url), "hole": stalled, "fb": fb_spec(sandbox.url)},
    )


@pytest.fixture
def guarded() -> Iterator[tuple[ExecContext, Ticks]]:
    ticks = Ticks()
    clients = ClientCache()
    guard = Guard(
        threads=8,
        share=0.5,
        threshold=2,
        cooldown=30,
        clock=ticks,
        on_open=outcome.record_breaker_open,  # as the worker has it
    )
    # A short cap on the call so that the stalled receiver's calls end quickly.
    yield ExecContext(OWNER, RateLimiter(), 120, 1.0, clients=clients, guard=guard), ticks
    clients.close()


def _claim(ctx: ExecContext, limit: int = 16) -> list[Any]:
    return claim(
        ctx.owner,
        ctx.limiter,
        ChannelSpecs(ttl=0),
        limit=limit,
        lease_seconds=ctx.lease_seconds,
        grace_seconds=GRACE,
        guard=ctx.guard,
    )


def _run(ctx: ExecContext, claimed: list[Any]) -> dict[int, str]:
    assert ctx.guard is not None
    out: dict[int, str] = {}
    for d in claimed:
        try:
            out[d.id] = execute(d.id, ctx, d)
        finally:
            ctx.guard.release(d.channel_id)
    return out


def test_a_receiver_that_never_reads_holds_only_its_bulkhead(
    stalled_office: Any, guarded: tuple[ExecContext, Ticks], hole: Blackhole, sb: SandboxClient
) -> None:
    ctx, ticks = guarded
    assert ctx.guard is not None
    hole_id = stalled_office.channels["hole"].id
    for i in range(4):
        schedule(f"Tin xã {i}", ["hole"])
    healthy = [schedule(f"Tin sở {i}", ["hook"])[1][0] for i in range(4)]

    first = _claim(ctx)
    stalled = [d for d in first if d.channel_id == hole_id]
    # The webhook connector's bulkhead: two deliveries of one channel at a time.
    assert len(stalled) == 2
    # While the stalled receiver's two deliveries hold their slots, claiming leaves it out
    # entirely, and the healthy receiver's posts all go out.
    states = _run(ctx, [d for d in first if d.channel_id != hole_id])
    for _ in range(4):
        again = _claim(ctx)
        assert all(d.channel_id != hole_id for d in again)
        states.update(_run(ctx, again))
    assert sorted(states) == sorted(healthy)
    assert set(states.values()) == {"sent"}
    with ThreadPoolExecutor(2) as pool:
        ended = list(pool.map(lambda d: _run(ctx, [d]), stalled))
    # Accepted and never answered: ambiguous; webhooks de-duplicate, so they are retried.
    assert [next(iter(r.values())) for r in ended] == ["pending", "pending"]
    assert hole.accepted >= 2
    # Two failures in a row: the breaker is open, the receiver's posts wait (not failed).
    assert ctx.guard.state(hole_id) == State.OPEN
    alerts = open_alerts("channel_breaker")
    assert [(a.object_type, a.object_id) for a in alerts] == [("channel", hole_id)]
    assert alerts[0].message_key == "alert.channel_breaker_open"
    ticks.now += 29
    assert [d for d in _claim(ctx) if d.channel_id == hole_id] == []
    ticks.now += 1
    probe = [d for d in _claim(ctx) if d.channel_id == hole_id]
    assert len(probe) == 1  # half open: one delivery tries the receiver
    assert [delivery(i).status for i in healthy] == ["sent"] * 4
    assert len(sb.published("webhook")) == 4


@pytest.mark.parametrize(
    ("fault", "unwell"),
    [
        ({"action": "drop", "when": "before"}, True),  # connection reset, nothing accepted
        ({"action": "drop", "when": "after"}, True),  # reset after accepting
        ({"action": "timeout", "when": "after", "seconds": 3}, True),  # 200 after we gave up
        (
            {"action": "error", "status": 502, "plain": True, "message": "<html>Bad gateway"},
            True,
        ),  # garbage
        ({"action": "error", "code": 368}, False),  # a refusal of the post: the page answered
    ],
)
def test_platform_faults_end_in_their_state_and_feed_the_breaker(
    stalled_office: Any,
    guarded: tuple[ExecContext, Ticks],
    sb: SandboxClient,
    fault: dict[str, Any],
    unwell: bool,
) -> None:
    ctx, _ = guarded
    assert ctx.guard is not None
    fb_id = stalled_office.channels["fb"].id
    sb.add_fault("facebook", times=None, http_method="POST", **fault)
    ids = [schedule(f"Bài có sự cố {i}", ["fb"])[1][0] for i in range(2)]
    claimed = _claim(ctx)
    assert sorted(d.id for d in claimed) == sorted(ids)
    states = _run(ctx, claimed)
    assert ctx.guard.state(fb_id) == (State.OPEN if unwell else State.CLOSED)
    published = sb.published("facebook")
    if fault["action"] == "error" and not unwell:
        assert set(states.values()) == {"failed"}
        assert published == []
    elif fault.get("when") == "after":
        # Accepted by the page: the feed lookup finds each, once.
        assert set(states.values()) == {"sent"}
        assert sorted(delivery(i).error_kind or "" for i in ids) == ["reconciled"] * 2
        assert len(published) == 2
    else:
        # Certainly not on the page (looked up): pending, to be sent again later.
        assert set(states.values()) == {"pending"}
        assert published == []
    assert (open_alerts("channel_breaker") != []) == unwell
