"""Bulkheads and circuit breakers: a stalled platform or receiver never delays the others.

Each executor process keeps, in memory (channel affinity makes it exact, as for the rate
buckets in :mod:`publisher.engine.ratelimit`):

* **Bulkheads.** A claimed delivery holds a slot from its claim until its outcome is handed
  over. One channel holds at most its connector's ``max_concurrency`` slots; one platform
  (connector kind) at most ``share`` of the executor's threads. :meth:`Guard.blocked` names
  the channels and platforms whose bulkhead is full; the claim leaves their rows out of its
  query, so nothing is claimed that would wait for a slot, and their rows do not fill the
  claim's scan window either.
* **Circuit breakers**, one per channel (endpoint). ``threshold`` consecutive failures that
  say the endpoint is unwell (timeouts, connection errors, 5xx, ambiguous answers, garbage)
  open it: the channel's deliveries are no longer claimed (they stay ``pending``, not failed)
  for ``cooldown`` seconds, doubled on every failed probe up to ``max_cooldown``. Then one
  delivery goes out as a probe (half open); its success closes the breaker, its failure opens
  it again. Opening raises an alert (``alert.channel_breaker_open``); a refusal about the post
  itself (a policy block, bad credentials, 429) says the endpoint answered and counts as a
  success here.

Times are monotonic seconds passed in by the caller (an injected clock in tests).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

log = logging.getLogger(__name__)

#: Consecutive failures that open a channel's breaker.
THRESHOLD = 2
#: First open period (seconds); doubled after each failed probe, up to MAX_COOLDOWN.
COOLDOWN = 15.0
MAX_COOLDOWN = 300.0
#: Share of an executor's threads one platform may hold.
PLATFORM_SHARE = 0.5


class State(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass
class Breaker:
    """The breaker of one channel."""

    state: State = State.CLOSED
    failures: int = 0
    opened_at: float = 0.0
    cooldown: float = COOLDOWN
    probing: bool = False


@dataclass(frozen=True)
class Opened:
    """A breaker that has just opened (for the alert)."""

    channel_id: int
    failures: int
    cooldown: float


@dataclass
class Guard:
    """Bulkheads and breakers of one executor process (thread-safe)."""

    threads: int
    share: float = PLATFORM_SHARE
    threshold: int = THRESHOLD
    cooldown: float = COOLDOWN
    max_cooldown: float = MAX_COOLDOWN
    clock: Callable[[], float] = time.monotonic
    #: Called (outside the lock) with each breaker that opens: the worker raises the alert.
    on_open: Callable[[Opened], None] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _by_channel: Counter[int] = field(default_factory=Counter)
    _by_kind: Counter[str] = field(default_factory=Counter)
    _kinds: dict[int, str] = field(default_factory=dict)
    _breakers: dict[int, Breaker] = field(default_factory=dict)

    @property
    def platform_limit(self) -> int:
        return max(1, int(self.threads * self.share))

    # -- bulkheads ----------------------------------------------------------------------------
    def admit(self, channel_id: int, kind: str, limit: int) -> bool:
        """Take a slot for one delivery of ``channel_id`` if its bulkheads and breaker allow
        it. ``limit`` is the channel's ``max_concurrency``. A half-open breaker admits one
        delivery, its probe."""
        with self._lock:
            breaker = self._breaker_now(channel_id)
            if breaker is not None and breaker.state == State.OPEN:
                return False
            if breaker is not None and breaker.state == State.HALF_OPEN:
                if breaker.probing:
                    return False
                breaker.probing = True
            elif (
                self._by_channel[channel_id] >= max(1, limit)
                or self._by_kind[kind] >= self.platform_limit
            ):
                return False
            self._by_channel[channel_id] += 1
            self._by_kind[kind] += 1
            self._kinds[channel_id] = kind
            return True

    def release(self, channel_id: int) -> None:
        """Give back the slot taken by :meth:`admit` (the delivery's outcome is handed on).
        A probe that ends without a verdict (deferred by the rate limit, lease lost, media
        not fitted) lets the next delivery probe instead."""
        with self._lock:
            breaker = self._breakers.get(channel_id)
            if breaker is not None and breaker.state == State.HALF_OPEN:
                breaker.probing = False
            kind = self._kinds.get(channel_id)
            # Entries at zero are dropped: blocked() walks only channels with work in flight.
            if self._by_channel[channel_id] > 1:
                self._by_channel[channel_id] -= 1
            else:
                self._by_channel.pop(channel_id, None)
            if kind is not None and self._by_kind[kind] > 0:
                self._by_kind[kind] -= 1

    def blocked(self, limits: dict[str, int]) -> tuple[set[int], set[str]]:
        """What cannot take a delivery now: (channels whose breaker is open or probing, or
        whose own bulkhead is full; platforms whose share is used up). ``limits``: kind ->
        the connector's ``max_concurrency``."""
        with self._lock:
            kinds = {k for k, n in self._by_kind.items() if n >= self.platform_limit}
            channels: set[int] = set()
            for channel_id, n in self._by_channel.items():
                if n >= max(1, limits.get(self._kinds.get(channel_id, ""), 1)):
                    channels.add(channel_id)
            for channel_id in list(self._breakers):
                breaker = self._breaker_now(channel_id)
                if breaker is not None and (breaker.state == State.OPEN or breaker.probing):
                    channels.add(channel_id)
            return channels, kinds

    def inflight(self, channel_id: int) -> int:
        with self._lock:
            return self._by_channel.get(channel_id, 0)

    # -- breakers -----------------------------------------------------------------------------
    def _breaker_now(self, channel_id: int) -> Breaker | None:
        """The channel's breaker, moved from open to half open once its cooldown is over."""
        breaker = self._breakers.get(channel_id)
        if breaker is None:
            return None
        if breaker.state == State.OPEN and self.clock() - breaker.opened_at >= breaker.cooldown:
            breaker.state = State.HALF_OPEN
            breaker.probing = False
        return breaker

    def state(self, channel_id: int) -> State:
        with self._lock:
            breaker = self._breaker_now(channel_id)
            return breaker.state if breaker is not None else State.CLOSED

    def succeeded(self, channel_id: int) -> None:
        """The endpoint answered (also with a refusal that is about the post, not about it)."""
        with self._lock:
            breaker = self._breakers.pop(channel_id, None)
        if breaker is not None and breaker.state != State.CLOSED:
            log.info("channel %s: breaker closed", channel_id)

    def failed(self, channel_id: int) -> Opened | None:
        """The endpoint timed out, dropped the connection, answered 5xx or garbage. Returns
        the opening when this failure opened the breaker (the caller raises the alert)."""
        opened: Opened | None = None
        with self._lock:
            breaker = self._breakers.setdefault(channel_id, Breaker(cooldown=self.cooldown))
            breaker.failures += 1
            now = self.clock()
            if breaker.state == State.HALF_OPEN:
                breaker.cooldown = min(self.max_cooldown, breaker.cooldown * 2)
                breaker.state, breaker.opened_at, breaker.probing = State.OPEN, now, False
            elif breaker.state == State.CLOSED and breaker.failures >= self.threshold:
                breaker.state, breaker.opened_at = State.OPEN, now
                opened = Opened(channel_id, breaker.failures, breaker.cooldown)
        if opened is not None:
            log.warning(
                "channel %s: breaker open after %s failures (%.0f s)",
                channel_id,
                opened.failures,
                opened.cooldown,
            )
            if self.on_open is not None:
                try:
                    self.on_open(opened)
                except Exception:
                    log.exception("channel %s: breaker alert not written", channel_id)
        return opened

    def snapshot(self) -> dict[int, str]:
        """Channels whose breaker is not closed, with their state (health, metrics)."""
        with self._lock:
            out: dict[int, str] = {}
            for channel_id in list(self._breakers):
                breaker = self._breaker_now(channel_id)
                if breaker is not None and breaker.state != State.CLOSED:
                    out[channel_id] = str(breaker.state)
            return out
