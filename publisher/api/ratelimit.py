"""Per-source rate limits for the api: a token bucket per client address, in a bounded LRU.

Written here rather than taken from ``limits``/``slowapi`` because their in-memory storage
grows with every distinct key until a window expires (and runs its own expiry thread): keyed
by client address, an attacker with many addresses (an IPv6 prefix holds billions) grows it
freely. Here at most ``max_sources`` buckets exist; the least recently seen source is
forgotten first (at worst a forgotten source starts again with a full bucket).
"""

from __future__ import annotations

import ipaddress
import logging
import math
import threading

from cachetools import LRUCache

log = logging.getLogger(__name__)

#: Buckets kept per limiter (about 200 bytes each).
MAX_SOURCES = 10_000


def source_key(host: str | None) -> str:
    """The key of a client address: the address itself for IPv4, its /64 for IPv6 (one
    subscriber usually holds a whole /64). Raises nothing."""
    if not host:
        return "?"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host[:64]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((int(address) >> 64 << 64, 64)))
    return str(address)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def networks(spec: str) -> tuple[Network, ...]:
    """The networks of a comma-separated list of addresses or CIDR networks; an entry that is
    neither is left out (logged). Raises nothing."""
    out: list[Network] = []
    for part in (spec or "").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            out.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            log.warning("not an address or network, ignored: %r", part[:64])
    return tuple(out)


def exempt(host: str | None, nets: tuple[Network, ...]) -> bool:
    """Whether the client address ``host`` is in one of ``nets``. Raises nothing."""
    if not host or not nets:
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in net for net in nets)


class RateLimiter:
    """``rate`` requests a second per source, bursts of up to ``burst``; ``rate`` <= 0 turns
    the limiter off. Thread-safe."""

    def __init__(self, rate: float, burst: int, *, max_sources: int = MAX_SOURCES) -> None:
        self.rate = rate
        self.burst = max(1.0, float(burst))
        self._buckets: LRUCache[str, list[float]] = LRUCache(maxsize=max_sources)
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def __len__(self) -> int:
        return len(self._buckets)

    def hit(self, source: str, now: float) -> int:
        """Take one token for ``source`` at time ``now`` (seconds, any monotonic origin).

        Returns 0 when the request may go on, else the whole seconds to wait (``Retry-After``).
        """
        if not self.enabled:
            return 0
        with self._lock:
            bucket = self._buckets.get(source)
            if bucket is None:
                bucket = [self.burst, now]
            tokens = min(self.burst, bucket[0] + max(0.0, now - bucket[1]) * self.rate)
            if tokens >= 1.0:
                self._buckets[source] = [tokens - 1.0, now]
                return 0
            self._buckets[source] = [tokens, now]
            return max(1, math.ceil((1.0 - tokens) / self.rate))
