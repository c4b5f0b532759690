"""The worker process: scheduler (when leader) + executor threads + heartbeats.

In-process API (the one-command demo and tests use it)::

    worker = Worker(threads=4)
    worker.start()        # returns at once; threads run in the background
    ...
    worker.stop()         # clean: finishes in-flight deliveries, releases the lease

``publisher worker`` wraps it (:mod:`publisher.cli.worker`) with SIGTERM/SIGINT handling.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from sqlalchemy import func, or_
from sqlalchemy.exc import OperationalError
from sqlmodel import col, select

from connectors.clients import ClientCache
from publisher.bots.pool import BotPool
from publisher.config import get_settings
from publisher.db import session_scope
from publisher.engine import heartbeat, outcome
from publisher.engine.bulkhead import Guard
from publisher.engine.calls import CallPool
from publisher.engine.claim import ChannelSpecs, ScanHint, Shard, claim, next_due
from publisher.engine.executor import ExecContext, execute
from publisher.engine.leader import LeaderLease
from publisher.engine.marker import Marker
from publisher.engine.outgoing import PrepareCache
from publisher.engine.ratelimit import RateLimiter
from publisher.engine.recorder import Recorder
from publisher.engine.renders import RenderExecutor
from publisher.engine.scheduler import EngineScheduler, Intervals
from publisher.engine.txn import KeptConnection
from publisher.models import Delivery, DeliveryStatus
from publisher.timeutil import utcnow

log = logging.getLogger(__name__)
D = DeliveryStatus
MAX_THREADS = 64
#: Claim deliveries due within this many seconds (published at their due time, not before):
#: posts falling due one after another are claimed in batches, not one transaction each.
CLAIM_LOOKAHEAD_S = 0.3


def new_worker_id() -> str:
    return f"{socket.gethostname()[:60]}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


def warm_up() -> None:
    """Import the connectors and their client libraries now, not on the first due delivery
    (python-telegram-bot, facebook-sdk and httpx take about a second to import cold, which
    would all be lateness of the first posts)."""
    from connectors import registry

    registry.warm_up()


class Worker:
    """One worker process's engine. Thread-safe start/stop; not restartable after stop."""

    def __init__(
        self,
        *,
        threads: int = 4,
        executor_only: bool = False,
        worker_id: str | None = None,
        poll_interval: float = 1.0,
        lease_ttl: float = 15.0,
        tick_interval: float | None = None,
        heartbeat_interval: float = 2.0,
        intervals: Intervals | None = None,
        timeout: float | None = None,
        render_slots: int | None = None,
        guard: Guard | None = None,
        faq_bots: bool = True,
        call_processes: int = 0,
    ) -> None:
        settings = get_settings()
        self.threads = max(1, min(MAX_THREADS, threads))
        #: Deliveries claimed at once, each with its own thread: twice ``threads`` (claims
        #: come in batches of at least ``threads``), so nothing claimed waits for a thread and
        #: a platform's share of the slots is a share of running calls.
        self.slots = 2 * self.threads
        self.executor_only = executor_only
        self.worker_id = worker_id or new_worker_id()
        self.poll_interval = poll_interval
        self.heartbeat_interval = heartbeat_interval
        self.lease_seconds = float(settings.lease_seconds)
        self.grace = float(settings.missed_grace_seconds)
        # Connector timeout well under the lease: a live worker never loses its lease.
        self.timeout = timeout or max(1.0, min(30.0, self.lease_seconds / 3))
        self.lease = LeaderLease(self.worker_id, ttl=lease_ttl)
        self.tick_interval = tick_interval or lease_ttl / 3
        self.limiter = RateLimiter()
        self.specs = ChannelSpecs()
        self.scheduler = EngineScheduler(
            self.worker_id,
            self.wake,
            lease_seconds=self.lease_seconds,
            timeout=self.timeout,
            intervals=intervals,
        )
        self.recorder = Recorder(self.worker_id)
        self.marker = Marker(self.worker_id)
        # Bulkheads per channel and platform, a breaker per channel (publisher.engine.bulkhead).
        self.guard = guard or Guard(self.slots, share=settings.platform_share)
        if self.guard.on_open is None:
            self.guard.on_open = outcome.record_breaker_open
        self._last_beat = time.monotonic()
        # HTTP clients and event loops kept per executor thread; closed in _halt.
        self.clients = ClientCache()
        # Platform calls in child processes (publisher.engine.calls): the other cores.
        self.calls = CallPool(call_processes, self.slots) if call_processes > 0 else None
        self.ctx = ExecContext(
            self.worker_id,
            self.limiter,
            self.lease_seconds,
            self.timeout,
            cache=PrepareCache(),
            recorder=self.recorder,
            clients=self.clients,
            guard=self.guard,
            alive=self._alive,
            marker=self.marker,
            calls=self.calls,
        )
        self.shard = Shard()
        # Render threads of their own (publishing slots stay free); 0 disables them.
        slots = settings.render_slots if render_slots is None else render_slots
        self.renders = (
            RenderExecutor(self.worker_id, slots=slots, on_done=self.wake) if slots > 0 else None
        )
        # The FAQ bots of the channels that have them on (publisher/bots/pool.py): run by the
        # scheduler's leader only, as Telegram allows one getUpdates poller per bot.
        self.bots = BotPool(should_run=self._runs_bots) if faq_bots else None
        self.results: Counter[str] = Counter()
        self._pool = ThreadPoolExecutor(self.slots, thread_name_prefix="executor")
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._slot = threading.Event()
        self._lock = threading.Lock()
        self._inflight = 0
        self._threads: list[threading.Thread] = []
        self._started = False

    # -- life cycle -------------------------------------------------------------------------
    @property
    def role(self) -> str:
        if self.executor_only:
            return "executor"
        return "scheduler" if self.lease.is_leader else "standby"

    @property
    def is_leader(self) -> bool:
        return self.lease.is_leader and self.scheduler.running

    @property
    def inflight(self) -> int:
        return self._inflight

    def start(self) -> Worker:
        """Register, try to lead, start the claimer and housekeeping threads."""
        if self._started:
            return self
        self._started = True
        # Only what the first claim needs comes before it: the dead workers of this host, our
        # heartbeat (our shard) and the writer threads. A restarted worker resumes
        # publishing while it loads the rest (connector libraries, the scheduler, renders).
        # A worker of this host that died (kill -9, then this restart) frees its shard, its
        # scheduler lease and its ``sending`` deliveries now, not after its lease.
        try:
            dead = heartbeat.reap(self.worker_id)
        except OperationalError as exc:
            log.warning("could not look for dead workers: %s", exc)
            dead = []
        if dead:
            log.warning("workers gone without stopping: %s", ", ".join(dead))
        _retry_busy(lambda: heartbeat.beat(self.worker_id, self.role))
        self._last_beat = time.monotonic()
        self.shard = heartbeat.shard_of(self.worker_id)
        self.limiter.set_share(self.shard.count)
        self.recorder.start()
        self.marker.start()
        if self.calls is not None:
            self.calls.start()  # calls run here until the child is ready
        # Claim at once: becoming the leader runs the missed and lease sweeps first (a dead
        # worker's deliveries are looked up on their platforms), which must not hold back
        # the deliveries that are simply due.
        self._spawn("claimer", self._claim_loop)
        self._spawn("heartbeat", self._beat_loop)
        from publisher.engine import notify

        notify.install_from_env()
        warm_up()
        if not self.executor_only:
            _retry_busy(self._lead_tick)
        if self.renders is not None:
            self.renders.start()
        self._spawn("housekeeping", self._housekeeping)
        if self.bots is not None:
            self.bots.start()
        log.info("worker %s started as %s with %s threads", self.worker_id, self.role, self.threads)
        return self

    def _spawn(self, name: str, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, name=f"{name}-{self.worker_id}", daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self, timeout: float = 60.0) -> None:
        """Stop claiming, finish in-flight deliveries, release the lease and heartbeat."""
        self._halt(timeout)
        self.scheduler.stop()
        self.lease.release()
        try:
            heartbeat.remove(self.worker_id)
        except OperationalError as exc:
            log.warning("could not remove heartbeat: %s", exc)

    def kill(self) -> None:
        """Stop the threads *without* releasing anything, as if the process died (tests)."""
        self._halt(10.0)
        self.scheduler.stop()
        self.lease.is_leader = False

    def _runs_bots(self) -> bool:
        return not self.executor_only and self.lease.is_leader and not self._stop.is_set()

    def _halt(self, timeout: float) -> None:
        self._stop.set()
        self._wake.set()
        self._slot.set()
        if self.bots is not None:
            self.bots.stop(min(timeout, 15.0))
        for thread in self._threads:
            thread.join(timeout)
        self._pool.shutdown(wait=True)
        if self.calls is not None:
            self.calls.close()
        # Every executor thread has finished: no kept client is in use any more.
        self.clients.close()
        self.marker.stop(timeout)
        self.recorder.stop(timeout)
        if self.renders is not None:
            self.renders.stop(timeout)

    def wake(self) -> None:
        """Claim now (called by the scheduler's wake job and after local changes)."""
        self._wake.set()

    # -- housekeeping: heartbeat, leadership, shard -----------------------------------------
    def _beat_loop(self) -> None:
        """The heartbeat on a thread of its own: leadership ticks (which run the leader's
        start-up sweeps, with platform lookups) must never delay it, or others would take
        this live worker for dead."""
        while not self._stop.wait(self.heartbeat_interval):
            try:
                heartbeat.beat(self.worker_id, self.role)
                self._last_beat = time.monotonic()
                shard = heartbeat.shard_of(self.worker_id)
                if shard != self.shard:
                    log.info("worker %s shard %s", self.worker_id, shard)
                    self.shard = shard
                    self.limiter.set_share(shard.count)
            except Exception:
                log.exception("heartbeat failed")

    def _housekeeping(self) -> None:
        """Leadership: take or renew the scheduler lease, start or stop the scheduler."""
        if self.executor_only:
            return
        while not self._stop.wait(self.tick_interval):
            try:
                self._lead_tick()
            except Exception:
                log.exception("housekeeping failed")

    def _alive(self) -> bool:
        """Our heartbeat is fresh enough that nobody takes our deliveries as a dead worker's:
        an executor thread starts no platform call otherwise (a fence; the lease sweep then
        settles the delivery as ambiguous, never twice)."""
        margin = 2 * self.heartbeat_interval
        return time.monotonic() - self._last_beat < heartbeat.STALE_SECONDS - margin

    def _lead_tick(self) -> None:
        try:
            dead = heartbeat.dead_owners()
        except OperationalError:
            dead = []
        leader = self.lease.tick(dead)
        if leader and not self.scheduler.running:
            self.scheduler.start()
            self.wake()
        elif not leader and self.scheduler.running:
            self.scheduler.stop()

    # -- claiming ---------------------------------------------------------------------------
    def _claim_loop(self) -> None:
        kept = KeptConnection()  # this thread's own, for its claims
        try:
            self._claims(kept)
        finally:
            kept.close()

    def _claims(self, kept: KeptConnection) -> None:
        while not self._stop.is_set():
            # Claim up to ``slots`` (twice the threads), each delivery on its own pool thread
            # at once: nothing claimed waits in a queue, so a hanging platform holds only the
            # slots of its bulkhead. The next claim waits until at least ``threads`` slots are
            # free: claims come in batches, not one transaction per finished delivery (the
            # fixed cost of a claim transaction is most of its CPU).
            free = self.slots - self._inflight
            if free < self.threads:
                self._slot.wait(0.5)
                self._slot.clear()
                continue
            hint = ScanHint()
            try:
                claimed = claim(
                    self.worker_id,
                    self.limiter,
                    self.specs,
                    limit=free,
                    lease_seconds=self.lease_seconds,
                    grace_seconds=self.grace,
                    shard=self.shard,
                    lookahead=CLAIM_LOOKAHEAD_S,
                    guard=self.guard,
                    hint=hint,
                    kept=kept,
                )
            except Exception:
                log.exception("claim failed")
                claimed = []
                self._stop.wait(1.0)
            ids = [d.id for d in claimed if d.id is not None]
            if ids and self.ctx.cache is not None:
                try:
                    with session_scope(readonly=True) as session:
                        self.ctx.cache.warm(session, claimed)
                except Exception:
                    log.exception("cache warm-up failed")  # executors read per delivery
            for delivery in claimed:
                assert delivery.id is not None
                with self._lock:
                    self._inflight += 1
                self._pool.submit(self._run, delivery.id, delivery)
            if ids and len(ids) == free:
                continue
            self._wait_for_work(hint.earliest_left)

    def _wait_for_work(self, known_due: datetime | None = None) -> None:
        """Wait for a freed slot, a wake-up, or the next due row. ``known_due`` (from a
        claim whose scan window was full) bounds that row without a query: a burst's
        partial claims then cost no :func:`next_due` each."""
        timeout = self.poll_interval
        if known_due is not None:
            ahead = (known_due - utcnow()).total_seconds() - CLAIM_LOOKAHEAD_S / 2
            self._wake.wait(min(timeout, max(0.005, ahead)))
            self._wake.clear()
            return
        try:
            # Channels whose bulkhead is full or breaker open do not count: their rows would
            # make the claimer spin on work it may not start.
            _, limits = self.specs.kinds()
            channels, kinds = self.guard.blocked(limits)
            due = next_due(
                grace_seconds=self.grace, shard=self.shard, excluded=channels, full_kinds=kinds
            )
        except Exception:
            due = None
        if due is not None:
            ahead = (due - utcnow()).total_seconds() - CLAIM_LOOKAHEAD_S / 2
            timeout = min(timeout, max(0.005, ahead))
        self._wake.wait(timeout)
        self._wake.clear()

    def _run(self, delivery_id: int, claimed: Delivery | None = None) -> None:
        try:
            state = execute(delivery_id, self.ctx, claimed)
            self.results[state] += 1
        except Exception:
            # Left ``sending`` with our lease: the lease sweep settles it (never a silent loss).
            log.exception("delivery %s: execution failed", delivery_id)
            self.results["error"] += 1
        finally:
            if claimed is not None:
                self.guard.release(claimed.channel_id)
            with self._lock:
                self._inflight -= 1
            self._slot.set()
            self._wake.set()

    # -- until idle -------------------------------------------------------------------------
    def idle(self, window: float = 60.0) -> bool:
        """Nothing in flight here or anywhere, nothing due or retrying within ``window``, and
        (when this worker renders) no render job left to run."""
        if self._inflight or self.recorder.outstanding:
            return False
        now = utcnow()
        with session_scope(readonly=True) as session:
            sending = session.exec(
                select(func.count()).select_from(Delivery).where(col(Delivery.status) == D.SENDING)
            ).one()
            if sending:
                return False
            soon = session.exec(
                select(func.count())
                .select_from(Delivery)
                .where(
                    col(Delivery.status) == D.PENDING,
                    col(Delivery.next_attempt_at) <= now + timedelta(seconds=window),
                    # Past the grace and never tried: the leader's missed sweep owns them.
                    or_(
                        col(Delivery.attempts) > 0,
                        col(Delivery.due_at) >= now - timedelta(seconds=self.grace),
                    ),
                )
            ).one()
        if soon:
            return False
        # Renders count only where this worker renders (else nothing here would drain them).
        return self.renders is None or self.renders.idle()

    def run_until_idle(self, window: float = 60.0, max_seconds: float | None = None) -> bool:
        """Start, work until :meth:`idle` twice in a row, stop. Returns False on timeout."""
        self.start()
        deadline = time.monotonic() + max_seconds if max_seconds else None
        streak = 0
        try:
            while True:
                if self._stop.wait(0.2):
                    return True
                streak = streak + 1 if self.idle(window) else 0
                if streak >= 2:
                    return True
                if deadline is not None and time.monotonic() > deadline:
                    return False
        finally:
            self.stop()


def _retry_busy(step: Callable[[], object], attempts: int = 5, pause: float = 2.0) -> None:
    """Run a start-up write, retrying while the database is busy.

    A worker started while SQLite is held by a burst of other writers must wait its turn,
    not exit ("database is locked" after the busy timeout); later failures surface as usual.
    """
    for attempt in range(attempts):
        try:
            step()
            return
        except OperationalError:
            if attempt == attempts - 1:
                raise
            log.warning("database busy at start-up; retrying in %.0f s", pause)
            time.sleep(pause)
