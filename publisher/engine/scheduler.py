"""The leader's clock: APScheduler 3.11 wakes the executors at the next due delivery and runs
the periodic jobs.

Not a once-a-minute cron: a ``DateTrigger`` job (``wake``) is re-armed at the earliest
``next_attempt_at`` of a pending delivery after every change this process sees, and a cheap
``rearm`` job re-reads it every few seconds to catch changes made by other processes (a post
approved in the UI). Executors also compute their own next wake-up, as a safety net.

The job store is APScheduler's in-memory store owned by this one process (the leader; see
:mod:`publisher.engine.leader`); the jobs are re-created whenever a process becomes leader.
Durable state (what is due, what is in flight) lives in the deliveries table, not in the job
store, so nothing is lost with it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from publisher.config import get_settings
from publisher.engine import claim, heartbeat, missed, reconcile, recurring
from publisher.timeutil import local_tz, utcnow

if TYPE_CHECKING:
    from apscheduler.schedulers.background import BackgroundScheduler
# APScheduler is imported when the scheduler starts, not with this module: a worker's first
# claim does not wait for it.

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Intervals:
    """Seconds between runs of each periodic job."""

    rearm: float = 2.0
    #: Cheap (one indexed query when nothing is orphaned); frequent so that the deliveries
    #: of a dead worker leave ``sending`` seconds after its heartbeat is missed.
    lease_sweep: float = 2.0
    missed_sweep: float = 60.0
    recurring: float = 3600.0
    token_check: float = 12 * 3600.0
    #: Rotating tokens (Zalo OA: 25 h access tokens) refreshed ahead of their end.
    token_refresh: float = 1800.0
    metrics: float = 1800.0
    stats_sync: float = 60.0
    report_reminder: float = 3600.0
    #: The notification outbox (and Telegram account links): within seconds of the event.
    notify: float = 5.0


class EngineScheduler:
    """The APScheduler instance of the leader process."""

    def __init__(
        self,
        owner: str,
        wake: Callable[[], None],
        *,
        lease_seconds: float,
        timeout: float,
        intervals: Intervals | None = None,
    ) -> None:
        self.owner = owner
        self.wake = wake
        self.lease_seconds = lease_seconds
        self.timeout = timeout
        self.intervals = intervals or Intervals()
        self.grace = float(get_settings().missed_grace_seconds)
        self._scheduler: BackgroundScheduler | None = None
        self.armed_for: datetime | None = None

    @property
    def running(self) -> bool:
        return self._scheduler is not None and self._scheduler.running

    def start(self) -> None:
        """Start APScheduler and the periodic jobs; runs the missed and lease sweeps first."""
        self.sweep_missed()
        self.sweep_leases()
        self.expand_recurring()
        from apscheduler.schedulers.background import BackgroundScheduler
        from apscheduler.triggers.interval import IntervalTrigger

        tz = local_tz()
        sched = BackgroundScheduler(
            timezone=tz,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 30},
        )
        iv = self.intervals
        jobs: list[tuple[str, Callable[[], object], float]] = [
            ("rearm", self.rearm, iv.rearm),
            ("lease-sweep", self.sweep_leases, iv.lease_sweep),
            ("missed-sweep", self.sweep_missed, iv.missed_sweep),
            ("recurring", self.expand_recurring, iv.recurring),
            ("token-check", self.check_tokens, iv.token_check),
            ("token-refresh", self.refresh_tokens, iv.token_refresh),
            ("metrics", self.collect_metrics, iv.metrics),
            ("stats-sync", self.sync_stats, iv.stats_sync),
            ("report-reminder", self.remind_reports, iv.report_reminder),
            ("notify", self.notify, iv.notify),
        ]
        for job_id, fn, seconds in jobs:
            sched.add_job(
                self._guard(job_id, fn), IntervalTrigger(seconds=seconds), id=job_id, name=job_id
            )
        sched.start()
        self._scheduler = sched
        self.rearm()

    def stop(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
        self.armed_for = None

    def _guard(self, name: str, fn: Callable[[], object]) -> Callable[[], None]:
        def run() -> None:
            try:
                fn()
            except Exception:  # a failing periodic job must not kill the scheduler
                log.exception("periodic job %s failed", name)

        return run

    # -- the wake-up ------------------------------------------------------------------------
    def rearm(self) -> datetime | None:
        """(Re-)arm the ``wake`` job at the next due delivery; returns that due time."""
        due = claim.next_due(grace_seconds=self.grace)
        sched = self._scheduler
        if due is None or sched is None:
            self.armed_for = due
            return due
        if due == self.armed_for and sched.get_job("wake") is not None:
            return due
        # The injected clock may differ from the wall clock (tests); APScheduler runs on the
        # wall clock, so arm it after the same delay.
        delay = max(0.0, (due - utcnow()).total_seconds())
        run_at = datetime.now(local_tz()) + timedelta(seconds=delay)
        from apscheduler.triggers.date import DateTrigger

        sched.add_job(
            self._fire,
            DateTrigger(run_date=run_at),
            id="wake",
            name="wake",
            replace_existing=True,
            misfire_grace_time=None,
        )
        self.armed_for = due
        return due

    def _fire(self) -> None:
        self.armed_for = None
        self.wake()

    def next_wake(self) -> datetime | None:
        """When the ``wake`` job will run (wall clock), for tests and ``status``."""
        sched = self._scheduler
        job = sched.get_job("wake") if sched is not None else None
        return job.next_run_time if job is not None else None

    # -- periodic jobs ----------------------------------------------------------------------
    def sweep_leases(self) -> int:
        dead = heartbeat.dead_owners()
        n = reconcile.sweep_expired(
            self.owner, lease_seconds=self.lease_seconds, timeout=self.timeout, dead=dead
        )
        if n:
            self.wake()
        return n

    def sweep_missed(self) -> int:
        return missed.sweep_missed(self.owner, grace_seconds=self.grace)

    def expand_recurring(self) -> int:
        n = recurring.expand(self.owner)
        if n:
            self.rearm()
        return n

    def check_tokens(self) -> int:
        """Ask every enabled channel's platform whether its credentials still work."""
        from sqlmodel import select

        from publisher.db import session_scope
        from publisher.models import Channel
        from publisher.services.accounts.actor import Actor
        from publisher.services.publishing import channels as channels_svc

        actor = Actor.system(f"worker:{self.owner}")
        with session_scope(readonly=True) as session:
            ids = [c.id for c in session.exec(select(Channel).where(Channel.enabled == True))]  # noqa: E712
        for channel_id in ids:
            assert channel_id is not None
            try:
                with session_scope() as session:
                    channels_svc.test_channel(session, actor, channel_id)
            except Exception:
                log.exception("token check of channel %s failed", channel_id)
        with session_scope() as session:
            channels_svc.alert_token_ends(session)  # tokens that lapse within days
        return len(ids)

    def refresh_tokens(self) -> int:
        """Refresh rotating access tokens that end soon; alert before refresh tokens end."""
        from publisher.services.publishing import channels as channels_svc
        from publisher.services.publishing import zalo_tokens

        return zalo_tokens.refresh_due(channels_svc.make_connector, timeout=self.timeout)

    def collect_metrics(self) -> object:
        """Engagement collection (``services.engagement.collect_all``; opens its own sessions)."""
        from publisher.services.insight import audience, engagement

        result = engagement.collect_all()
        audience.collect(timeout=self.timeout)  # followers of channels that say (Zalo OA)
        return result

    def remind_reports(self) -> object:
        """Raise the "semi-annual report due" alert in the 10 days before 15/6 and 15/12
        (idempotent: one open alert per half-year)."""
        from publisher.db import session_scope
        from publisher.services.insight import collection
        from publisher.services.insight.reports.reminder import report_reminder

        # Requests the coordinator opened: units not yet submitted are reminded daily from
        # three days before the deadline (and told they are late after it).
        with session_scope() as session:
            collection.remind_due(session)
        return report_reminder()

    def notify(self) -> object:
        """Send due notifications and link Telegram accounts (never raises for a message)."""
        from publisher.engine import notify_outbox

        senders = notify_outbox.Senders.from_settings()
        notify_outbox.poll_links(senders)
        return notify_outbox.send_due(senders)

    def sync_stats(self) -> object:
        """Give newly sent deliveries their statistics row, so a manager sees them within a
        minute without waiting for the next collection (kept off the publishing path)."""
        from publisher.db import session_scope
        from publisher.services.insight import engagement

        with session_scope() as session:
            added = engagement.sync_facts(session)
            # Tracked clicks too: counted within a minute, not at the next collection.
            engagement.sync_clicks(session)
            return added
