"""Per-citizen rate limits: a token bucket per (channel, user) in a bounded LRU.

Written here rather than reusing the api's limiter (``publisher/api/ratelimit.py``) because
the bot must also know whether it already told a citizen to slow down (one notice per flood,
not one per dropped message), and the api imports the bots (its webhook route): the bots may
not import the api back.
"""

from __future__ import annotations

import threading

from cachetools import LRUCache

#: Citizens remembered at once (about 200 bytes each); the least recent is forgotten first.
MAX_USERS = 10_000
ALLOW, NOTICE, DROP = "allow", "notice", "drop"


class UserBuckets:
    """``per_minute`` messages a minute per citizen, ``burst`` at once. Thread-safe."""

    def __init__(self, per_minute: float, burst: int, *, max_users: int = MAX_USERS) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(max(1, burst))
        # key -> [tokens, last time, told to slow down in this flood]
        self._buckets: LRUCache[str, list[float]] = LRUCache(maxsize=max_users)
        self._lock = threading.Lock()

    def hit(self, key: str, now: float) -> str:
        """:data:`ALLOW` the message, :data:`NOTICE` (drop it, say "slow down" once) or
        :data:`DROP` it silently. ``now`` is in seconds from any monotonic origin."""
        with self._lock:
            tokens, last, told = self._buckets.get(key) or [self.burst, now, 0.0]
            tokens = min(self.burst, tokens + max(0.0, now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = [tokens - 1.0, now, 0.0]
                return ALLOW
            self._buckets[key] = [tokens, now, 1.0]
            return DROP if told else NOTICE
