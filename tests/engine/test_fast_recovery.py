"""Fast recovery: a dead worker's deliveries, shard and scheduler lease are freed once its
heartbeat is missed (or at once when its process is gone from this host), not when its
lease runs out."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from typing import Any

from connectors.sandbox.client import SandboxClient
from publisher.db import session_scope
from publisher.engine import heartbeat
from publisher.engine.claim import ChannelSpecs, claim_due
from publisher.engine.leader import LeaderLease
from publisher.engine.marker import write_marks
from publisher.engine.ratelimit import RateLimiter
from publisher.engine.reconcile import sweep_expired
from publisher.models import WorkerHeartbeat
from tests.engine.conftest import delivery, schedule

GRACE = 6 * 3600
LEASE = 120


def _claim(owner: str) -> list[int]:
    return claim_due(
        owner,
        RateLimiter(),
        ChannelSpecs(ttl=0),
        limit=10,
        lease_seconds=LEASE,
        grace_seconds=GRACE,
    )


def _gone_pid() -> int:
    """The id of a process that has exited (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_missed_heartbeat_frees_the_deliveries_long_before_the_lease(
    office: Any, clock: Any, sb: SandboxClient
) -> None:
    schedule("Bài lúc máy chết", ["hook"])
    heartbeat.beat("dead-worker", "executor")
    heartbeat.beat("sweeper", "scheduler")
    held = _claim("dead-worker")
    assert len(held) == 1
    write_marks(held, "dead-worker")  # it died during the call (the pre-call mark is there)
    # Still beating: nothing is taken.
    assert heartbeat.dead_owners() == []
    assert sweep_expired("sweeper", lease_seconds=LEASE, timeout=2.0, dead=[]) == 0
    # Its heartbeat is missed (the sweeper keeps beating); the lease has 109 s left.
    clock.advance(heartbeat.STALE_SECONDS + 1)
    heartbeat.beat("sweeper", "scheduler")
    dead = heartbeat.dead_owners()
    assert dead == ["dead-worker"]
    assert heartbeat.shard_of("sweeper") == heartbeat.Shard(0, 1)
    assert sweep_expired("sweeper", lease_seconds=LEASE, timeout=2.0, dead=dead) == 1
    # A webhook de-duplicates: back to pending at once, same idempotency key.
    d = delivery(held[0])
    assert d.status == "pending" and d.next_attempt_at <= clock.now()
    assert "heartbeat missed" in (d.last_error or "")


def test_a_live_owner_keeps_its_deliveries(office: Any, clock: Any) -> None:
    schedule("Bài đang gửi", ["hook"])
    heartbeat.beat("busy-worker", "executor")
    held = _claim("busy-worker")
    clock.advance(heartbeat.STALE_SECONDS - 1)
    assert (
        sweep_expired("sweeper", lease_seconds=LEASE, timeout=2.0, dead=heartbeat.dead_owners())
        == 0
    )
    assert delivery(held[0]).status == "sending"


def _register(worker_id: str, pid: int) -> None:
    heartbeat.beat(worker_id, "scheduler")
    with session_scope() as s:
        row = s.get(WorkerHeartbeat, worker_id)
        assert row is not None
        row.pid = pid
        s.add(row)


def test_restart_on_the_same_host_frees_everything_at_once(office: Any, clock: Any) -> None:
    """kill -9 and restart: the new worker sees the old process is gone, without waiting."""
    schedule("Bài khi bị kill -9", ["hook"])
    _register("killed", _gone_pid())
    _register("alive-elsewhere", os.getpid())  # this very process: alive
    old = LeaderLease("killed", ttl=15)
    assert old.tick()
    held = _claim("killed")
    new = LeaderLease("restarted", ttl=15)
    assert not new.tick(heartbeat.dead_owners())  # not yet known dead
    assert heartbeat.reap("restarted") == ["killed"]
    dead = heartbeat.dead_owners()
    assert dead == ["killed"]
    assert new.tick(dead)  # the scheduler lease, without waiting for its 15 s
    assert sweep_expired("restarted", lease_seconds=LEASE, timeout=2.0, dead=dead) == 1
    assert delivery(held[0]).status == "pending"
    assert heartbeat.reap("restarted") == []  # marked once


def test_reap_only_judges_processes_of_this_host(office: Any, clock: Any) -> None:
    _register("far-away", _gone_pid())
    with session_scope() as s:
        row = s.get(WorkerHeartbeat, "far-away")
        assert row is not None
        row.host = socket.gethostname()[:100] + "-other"
        s.add(row)
    assert heartbeat.reap("me") == []
    assert heartbeat.dead_owners() == []


def test_a_worker_whose_heartbeat_is_late_starts_no_call(
    office: Any, clock: Any, sb: SandboxClient
) -> None:
    """The fence: others may already take this worker for dead, so it starts no call and
    gives the delivery back instead of racing the sweep."""
    from publisher.engine.executor import ExecContext, execute

    _, ids = schedule("Bài của máy chậm nhịp", ["hook"])
    held = _claim("late-worker")
    assert held == ids
    fenced = ExecContext("late-worker", RateLimiter(), LEASE, 2.0, alive=lambda: False)
    assert execute(held[0], fenced) == "fenced"
    assert sb.published() == []
    # Nothing was sent: back to pending at once, not ambiguous, not left to the sweep.
    d = delivery(held[0])
    assert d.status == "pending" and d.lease_owner is None and d.error_kind is None
