"""Worker heartbeats: who is alive, in which role, and the executors' channel shards."""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import col, select

from publisher.db import session_scope
from publisher.engine.claim import Shard
from publisher.engine.txn import write_scope
from publisher.models import WorkerHeartbeat
from publisher.timeutil import utcnow

#: A worker not seen for this long is considered gone: its shard is redistributed and the
#: deliveries it held ``sending`` are settled by the lease sweep (not when their lease ends).
STALE_SECONDS = 10.0
#: ``seen_at`` written for a worker known dead (same host, process gone): stale at once.
DEAD_AT = datetime(2000, 1, 1, tzinfo=UTC)


def pid_alive(pid: int) -> bool:
    """Does a process with this id exist on this machine? (A reused id reads as alive: the
    caller then waits for the heartbeat to go stale, the cautious way.)"""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def beat(worker_id: str, role: str, *, executes: bool = True) -> None:
    """Upsert this worker's row. ``executes`` False marks a process that claims nothing."""
    now = utcnow()
    stored_role = role if executes else f"{role}-noexec"
    with write_scope() as session:
        row = session.get(WorkerHeartbeat, worker_id)
        if row is None:
            row = WorkerHeartbeat(
                worker_id=worker_id,
                role=stored_role,
                host=socket.gethostname()[:120],
                pid=os.getpid(),
                started_at=now,
                seen_at=now,
            )
        row.role = stored_role
        row.seen_at = now
        session.add(row)


def remove(worker_id: str) -> None:
    with write_scope() as session:
        session.execute(delete(WorkerHeartbeat).where(col(WorkerHeartbeat.worker_id) == worker_id))


def shard_of(worker_id: str, *, stale_seconds: float = STALE_SECONDS) -> Shard:
    """This executor's shard among the live executors (sorted by id). A worker not yet
    registered claims everything (it beats before its first claim)."""
    cutoff = utcnow() - timedelta(seconds=stale_seconds)
    with session_scope(readonly=True) as session:
        rows = session.exec(
            select(WorkerHeartbeat.worker_id, WorkerHeartbeat.role).where(
                col(WorkerHeartbeat.seen_at) >= cutoff
            )
        ).all()
    live = sorted(w for w, role in rows if not role.endswith("-noexec"))
    if worker_id not in live:
        return Shard()
    return Shard(live.index(worker_id), len(live))


def reap(worker_id: str) -> list[str]:
    """Mark as dead, at once, the workers of this host whose process no longer exists (a
    worker killed and restarted on the same machine): their heartbeat's ``seen_at`` is set
    far in the past, so their shard and their ``sending`` deliveries are free now instead of
    after :data:`STALE_SECONDS` or the lease. Returns the ids marked."""
    host = socket.gethostname()[:120]
    me = os.getpid()
    with session_scope(readonly=True) as session:
        rows = session.exec(
            select(WorkerHeartbeat.worker_id, WorkerHeartbeat.pid).where(
                col(WorkerHeartbeat.host) == host,
                col(WorkerHeartbeat.worker_id) != worker_id,
                col(WorkerHeartbeat.seen_at) > DEAD_AT,
            )
        ).all()
    dead = [w for w, pid in rows if pid != me and not pid_alive(pid)]
    if dead:
        with write_scope() as session:
            session.execute(
                update(WorkerHeartbeat)
                .where(col(WorkerHeartbeat.worker_id).in_(dead))
                .values(seen_at=DEAD_AT)
            )
    return dead


def dead_owners(*, stale_seconds: float = STALE_SECONDS) -> list[str]:
    """Workers whose heartbeat is missed (not seen for ``stale_seconds``) or marked dead."""
    cutoff = utcnow() - timedelta(seconds=stale_seconds)
    with session_scope(readonly=True) as session:
        return list(
            session.exec(
                select(WorkerHeartbeat.worker_id).where(col(WorkerHeartbeat.seen_at) < cutoff)
            )
        )
