"""The worker: APScheduler wake-ups at the due time, leader lease and standby takeover,
recurring expansion, the in-process API."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlmodel import select

from connectors.sandbox.client import SandboxClient
from publisher.db import session_scope
from publisher.engine.leader import LeaderLease
from publisher.engine.recurring import expand
from publisher.engine.scheduler import Intervals
from publisher.engine.worker import Worker
from publisher.models import Delivery, WorkerHeartbeat
from tests.connectors.conftest import connections_to
from tests.engine.conftest import delivery, later, schedule

FAST = Intervals(rearm=0.2, lease_sweep=0.5)


def wait_for(cond: Callable[[], bool], timeout: float = 15.0) -> bool:
    """Poll a condition (real time passes only for threads to run, never for due times)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.02)
    return cond()


def test_scheduler_arms_its_wake_up_at_the_next_due_delivery(office: Any, clock: Any) -> None:
    worker = Worker(threads=2, intervals=FAST, tick_interval=0.1, poll_interval=30)
    try:
        worker.start()
        assert worker.is_leader
        assert worker.scheduler.armed_for is None
        schedule("Tin", ["hook"], due_at=later(45))
        assert wait_for(lambda: worker.scheduler.armed_for is not None)
        assert worker.scheduler.armed_for == clock.now() + timedelta(seconds=45)
        wake_at = worker.scheduler.next_wake()
        assert wake_at is not None
        # Armed 45 s ahead on the wall clock, not at the next minute or poll.
        remaining = wake_at.timestamp() - time.time()
        assert 40 < remaining <= 45
    finally:
        worker.stop()


def test_worker_publishes_when_the_clock_reaches_the_due_time(
    office: Any, clock: Any, sb: SandboxClient
) -> None:
    worker = Worker(threads=2, intervals=FAST, tick_interval=0.1, poll_interval=0.2)
    try:
        worker.start()
        _post_id, ids = schedule(
            "Chúc mừng Ngày KH&CN 18/5", ["fb", "tg", "hook"], due_at=later(120)
        )
        assert not wait_for(lambda: bool(sb.published()), timeout=1.0)
        assert all(delivery(i).status == "pending" for i in ids)
        clock.advance(120)
        worker.wake()
        assert wait_for(lambda: all(delivery(i).status == "sent" for i in ids))
        assert len(sb.published()) == 3
    finally:
        worker.stop()
    with session_scope(readonly=True) as s:
        assert s.exec(select(WorkerHeartbeat)).all() == []  # clean stop deregisters


def test_a_stopped_worker_leaves_no_client_connection_or_thread_behind(
    office: Any, clock: Any, sb: SandboxClient
) -> None:
    base = connections_to(sb.url)  # other tests' kept connections, if any
    worker = Worker(threads=2, intervals=FAST, tick_interval=0.1, poll_interval=0.2)
    try:
        worker.start()
        for text in ("Tin một", "Tin hai"):
            _post_id, ids = schedule(text, ["fb", "tg", "hook"])
            worker.wake()
            assert wait_for(lambda ids=ids: all(delivery(i).status == "sent" for i in ids))
            clock.advance(5)  # past the channels' rate limits
        kept, open_before = worker.clients.size(), connections_to(sb.url) - base
    finally:
        worker.stop()
    assert kept >= 3  # every platform's client was kept by an executor thread
    assert open_before >= 1  # with its connection alive
    assert worker.clients.size() == 0
    assert connections_to(sb.url) - base <= 0
    assert not [t for t in threading.enumerate() if t.name.startswith("executor")]


def test_standby_takes_over_when_the_leader_dies(
    office: Any, clock: Any, sb: SandboxClient
) -> None:
    first = Worker(threads=1, worker_id="w-first", intervals=FAST, tick_interval=0.05, lease_ttl=15)
    second = Worker(
        threads=1, worker_id="w-second", intervals=FAST, tick_interval=0.05, lease_ttl=15
    )
    try:
        first.start()
        second.start()
        assert first.is_leader and not second.is_leader
        assert second.role == "standby"
        # a few ticks: the standby keeps waiting while the leader renews
        assert wait_for(lambda: second.lease.ticks >= 3 and first.lease.ticks >= 3)
        assert first.is_leader and not second.is_leader
        first.kill()  # no release: as if kill -9
        clock.advance(10)
        seen = second.lease.ticks
        assert wait_for(lambda: second.lease.ticks >= seen + 3)
        assert not second.is_leader  # the lease has not expired yet
        clock.advance(6)
        assert wait_for(lambda: second.is_leader)
        # The new leader's scheduler works: a delivery due now is published.
        _, [d_id] = schedule("Sau khi chuyển giao", ["hook"])
        second.wake()
        assert wait_for(lambda: delivery(d_id).status == "sent")
    finally:
        second.stop()


def test_a_clean_stop_hands_over_at_once(office: Any, clock: Any) -> None:
    a = LeaderLease("a", ttl=15)
    b = LeaderLease("b", ttl=15)
    assert a.tick() and not b.tick()
    a.release()
    assert b.tick() and not a.tick()


def test_weekly_posts_expand_without_duplicates(office: Any, clock: Any) -> None:
    post_id, _ = schedule("Bản tin tuần", ["hook"], due_at=later(60), recurrence="weekly")
    assert expand("w") == 3  # weeks 1-3: week 4 is 60 s beyond the 28-day horizon
    assert expand("w") == 0  # idempotent
    with session_scope(readonly=True) as s:
        rows = list(
            s.exec(select(Delivery).where(Delivery.post_id == post_id).order_by(Delivery.due_at))
        )  # type: ignore[arg-type]
    assert len(rows) == 4 and len({r.occurrence for r in rows}) == 4
    gaps = {(b.due_at - a.due_at) for a, b in itertools.pairwise(rows)}
    assert gaps == {timedelta(weeks=1)}
    clock.advance(days=7)
    assert expand("w") == 1  # the horizon moved one week


def test_yearly_campaign_post_repeats_on_the_same_local_day_and_time(
    office: Any, clock: Any
) -> None:
    from publisher.timeutil import parse_local, to_local

    post_id, _ = schedule(
        "Ngày Chuyển đổi số 10/10",
        ["tg"],
        due_at=parse_local("10/10/2026 08:00"),
        recurrence="yearly",
    )
    assert expand("w") == 1
    with session_scope(readonly=True) as s:
        rows = list(s.exec(select(Delivery).where(Delivery.post_id == post_id)))
    local = sorted(to_local(r.due_at).strftime("%d/%m/%Y %H:%M") for r in rows)
    assert local == ["10/10/2026 08:00", "10/10/2027 08:00"]
