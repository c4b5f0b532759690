"""Token buckets applied when claiming, so a burst drains without 429 storms.

Two levels: one bucket per channel (``Channel.rate_per_second`` or the connector's
``rate_per_second``/``rate_burst``) and one per platform group: the account several channels
share, named by the connector's ``rate_group(config)`` and limited to its
``group_rate_per_second`` (a Telegram bot across its chats).

Sharing across executor processes: buckets live in each process's memory, and exactness
comes from *channel affinity* instead of shared state. Each executor process claims only the
channels whose ``id % n == i`` (``n`` live executors from the heartbeat table, ``i`` its rank;
see :mod:`publisher.engine.claim`), so one channel's bucket is only ever used by one process
and per-channel limits hold exactly. A platform group (a bot) spans channels owned by several
processes, so its rate is divided by ``n``: conservative, never above the platform's limit.
While membership changes (a process starts or dies) two processes may own a channel for up to
one heartbeat interval; the platform's own 429 + retry_after (honoured exactly) covers that.
A rate-limited answer also pauses the channel's bucket until retry_after has passed.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from connectors.base import ChannelConfig, Connector


@dataclass(frozen=True)
class RateSpec:
    """Limits of one channel: its own bucket and, optionally, a shared platform group."""

    rate: float
    burst: float
    group: str | None = None
    group_rate: float = 0.0
    group_burst: float = 0.0


def spec_for(
    kind: str,
    connector_cls: type[Connector],
    *,
    override: float | None = None,
    credentials: dict[str, str] | None = None,
    settings: dict[str, object] | None = None,
) -> RateSpec:
    """The rate spec of a channel of ``kind``. ``credentials`` are needed only when the
    connector has a shared limit (``group_rate_per_second``). Raises nothing."""
    rate = override if override and override > 0 else connector_cls.rate_per_second
    burst = float(max(1, connector_cls.rate_burst))
    group: str | None = None
    group_rate = 0.0
    if connector_cls.group_rate_per_second > 0 and credentials:
        config = ChannelConfig(kind, "", settings or {}, credentials)
        group = connector_cls.rate_group(config)
        if group:
            group_rate = connector_cls.group_rate_per_second
    return RateSpec(rate, burst, group, group_rate, group_rate)


class TokenBucket:
    """``rate`` tokens per second up to ``burst``; times are POSIX seconds (injected clock)."""

    __slots__ = ("burst", "paused_until", "rate", "tokens", "updated")

    def __init__(self, rate: float, burst: float) -> None:
        self.rate = max(rate, 1e-6)
        self.burst = max(burst, 1.0)
        self.tokens = self.burst
        self.updated: float | None = None
        self.paused_until = 0.0

    def _refill(self, now: float) -> None:
        if self.updated is not None and now > self.updated:
            self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        if self.updated is None or now > self.updated:
            self.updated = now

    def ready_at(self, now: float) -> float:
        """The earliest time a token is available (``now`` if one is)."""
        self._refill(now)
        at = now if self.tokens >= 1.0 else now + (1.0 - self.tokens) / self.rate
        return max(at, self.paused_until)

    def take(self) -> None:
        self.tokens -= 1.0

    def pause(self, until: float) -> None:
        self.paused_until = max(self.paused_until, until)
        self.tokens = min(self.tokens, 0.0)


class RateLimiter:
    """Per-channel and per-group buckets of one executor process (thread-safe)."""

    def __init__(self, share: int = 1) -> None:
        self._lock = threading.Lock()
        self._channels: dict[int, TokenBucket] = {}
        self._groups: dict[str, TokenBucket] = {}
        self._specs: dict[int, RateSpec] = {}
        self.share = max(1, share)

    def set_share(self, share: int) -> None:
        """Number of executor processes sharing platform groups (rescales group buckets)."""
        share = max(1, share)
        with self._lock:
            if share != self.share:
                self.share = share
                self._groups.clear()

    def _buckets(self, channel_id: int, spec: RateSpec) -> tuple[TokenBucket, TokenBucket | None]:
        known = self._specs.get(channel_id)
        bucket = self._channels.get(channel_id)
        if bucket is None or known != spec:
            paused = bucket.paused_until if bucket is not None else 0.0
            bucket = self._channels[channel_id] = TokenBucket(spec.rate, spec.burst)
            bucket.paused_until = paused
            self._specs[channel_id] = spec
        group = None
        if spec.group:
            group = self._groups.get(spec.group)
            if group is None:
                rate = spec.group_rate / self.share
                group = self._groups[spec.group] = TokenBucket(
                    rate, max(1.0, spec.group_burst / self.share)
                )
        return bucket, group

    def try_acquire(self, channel_id: int, spec: RateSpec, now: float) -> float | None:
        """Take a token for one message: ``None`` if taken, else the earliest time to retry."""
        with self._lock:
            bucket, group = self._buckets(channel_id, spec)
            at = bucket.ready_at(now)
            if group is not None:
                at = max(at, group.ready_at(now))
            if at > now:
                return at
            bucket.take()
            if group is not None:
                group.take()
            return None

    def pause(self, channel_id: int, until: float) -> None:
        """The platform said "not before ``until``" for this channel."""
        with self._lock:
            bucket = self._channels.get(channel_id)
            if bucket is None:
                bucket = self._channels[channel_id] = TokenBucket(1.0, 1.0)
            bucket.pause(until)
