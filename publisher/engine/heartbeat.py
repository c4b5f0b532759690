"""Worker heartbeats: who is alive, in which role, and the executors' channel shards."""

from __future__ import annotations

import os
import socket
from datetime import timedelta

from sqlalchemy import delete
from sqlmodel import col, select

from publisher.db import session_scope
from publisher.engine.claim import Shard
from publisher.engine.txn import write_scope
from publisher.models import WorkerHeartbeat
from publisher.timeutil import utcnow

#: A worker not seen for this long is considered gone (its shard is redistributed).
STALE_SECONDS = 10.0


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
