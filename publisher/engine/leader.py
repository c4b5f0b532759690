"""Leadership of the one scheduler process: a lease row in the database.

APScheduler's job store must never be shared by several schedulers (its FAQ), so exactly one
process runs the scheduler: the holder of the ``SchedulerLease`` row named ``scheduler``. It
renews the lease every ``ttl / 3``; a standby process tries to take it on the same beat and
succeeds once the holder has stopped renewing for ``ttl`` (it died or lost the database).
Times come from the injected clock, so tests expire a lease by moving the clock.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import timedelta

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import col

from publisher.engine.txn import write_scope
from publisher.models import SchedulerLease
from publisher.timeutil import utcnow

log = logging.getLogger(__name__)
NAME = "scheduler"


class LeaderLease:
    """One contender for the lease ``name``. Not thread-safe: call from one thread."""

    def __init__(self, owner: str, *, ttl: float = 15.0, name: str = NAME) -> None:
        self.owner = owner
        self.ttl = ttl
        self.name = name
        self.is_leader = False
        #: How many times :meth:`tick` ran (tests wait for ticks instead of sleeping).
        self.ticks = 0

    def tick(self, dead: Collection[str] = ()) -> bool:
        """Acquire or renew; returns whether we hold the lease now. ``dead``: workers known to
        be gone (heartbeat missed); a lease one of them holds is taken at once, not after its
        ``ttl``. Database errors count as "not leader" (a scheduler that cannot reach the
        database must not keep running)."""
        try:
            held = self._try(dead)
        except (OperationalError, IntegrityError) as exc:
            log.warning("lease %s: %s", self.name, exc)
            held = False
        if held != self.is_leader:
            log.info("%s %s leadership of %s", self.owner, "took" if held else "lost", self.name)
        self.is_leader = held
        self.ticks += 1
        return held

    def _try(self, dead: Collection[str] = ()) -> bool:
        now = utcnow()
        until = now + timedelta(seconds=self.ttl)
        with write_scope() as session:
            # Conditional UPDATE: ours, or expired. Atomic on both backends.
            result = session.execute(
                update(SchedulerLease)
                .where(
                    col(SchedulerLease.name) == self.name,
                    or_(
                        col(SchedulerLease.owner) == self.owner,
                        col(SchedulerLease.lease_until) < now,
                        col(SchedulerLease.owner).in_([d for d in dead if d != self.owner]),
                    ),
                )
                .values(owner=self.owner, lease_until=until)
            )
            if getattr(result, "rowcount", 0):
                row = session.get(SchedulerLease, self.name)
                if row is not None and row.owner == self.owner and self.is_leader is False:
                    row.acquired_at = now
                    session.add(row)
                return True
            if session.get(SchedulerLease, self.name) is not None:
                return False
            session.add(
                SchedulerLease(name=self.name, owner=self.owner, lease_until=until, acquired_at=now)
            )
        return True  # the insert committed (a concurrent insert raises IntegrityError)

    def release(self) -> None:
        """Give the lease up at once (clean shutdown: the standby need not wait ``ttl``)."""
        if not self.is_leader:
            return
        try:
            with write_scope() as session:
                session.execute(
                    update(SchedulerLease)
                    .where(
                        col(SchedulerLease.name) == self.name,
                        col(SchedulerLease.owner) == self.owner,
                    )
                    .values(lease_until=utcnow() - timedelta(seconds=1))
                )
        except OperationalError as exc:
            log.warning("could not release lease %s: %s", self.name, exc)
        self.is_leader = False
