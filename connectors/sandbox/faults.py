"""Fault injection: rules matched per request, applied before or after recording."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from typing import Any

ACTIONS = ("error", "latency", "timeout", "drop")
PLATFORMS = ("facebook", "telegram", "webhook", "zalo", "grassroots", "tts", "email", "*")


@dataclass
class Fault:
    """One rule.

    ``action``: ``error`` (answer with ``code``/``status``), ``latency`` (wait ``seconds``
    then answer normally), ``timeout`` (hold the answer ``seconds``; ``when="before"`` means
    the post is not accepted, ``"after"`` that it is accepted and recorded first) or ``drop``
    (close the socket without an answer; by default after recording). ``times=None`` applies
    to every matching request; otherwise the rule is used up after ``times`` matches.
    ``account`` is a page id, a chat id (a bot's numeric id for ``getUpdates``: one bot's
    polling fails, the others' goes on) or a hook name; ``method`` a Graph edge (``feed``,
    ``photos``, ``videos``, ``object``, ``insights``, ``me``), a Bot API method
    (``sendMessage``...) or ``hook``; ``http_method`` (``POST``, ``GET``) narrows it further,
    e.g. a page whose posts hang while its feed can still be read.

    An ``error`` whose ``message`` contains ``{request}`` echoes the request there (method,
    full URL with its query, ``Authorization`` header, credential fields of the body), like a
    careless gateway or debug page; with ``plain`` the answer is that text as ``text/html``
    instead of the platform's JSON error.
    """

    platform: str
    action: str
    account: str | None = None
    method: str | None = None
    when: str | None = None
    code: int | None = None
    status: int | None = None
    retry_after: float | None = None
    seconds: float = 0.0
    message: str | None = None
    plain: bool = False
    times: int | None = 1
    http_method: str | None = None
    id: int = 0
    hits: int = 0

    def __post_init__(self) -> None:
        if self.platform not in PLATFORMS:
            raise ValueError(f"platform must be one of {PLATFORMS}")
        if self.action not in ACTIONS:
            raise ValueError(f"action must be one of {ACTIONS}")
        if self.when is None:
            self.when = "after" if self.action == "drop" else "before"
        if self.when not in ("before", "after"):
            raise ValueError("when must be 'before' or 'after'")
        if self.action == "timeout" and not self.seconds:
            self.seconds = 30.0
        if self.account is not None:
            self.account = str(self.account)
        if self.http_method is not None:
            self.http_method = str(self.http_method).upper()

    def matches(
        self, platform: str, account: str | None, method: str, http_method: str | None = None
    ) -> bool:
        return (
            self.platform in ("*", platform)
            and (self.account is None or self.account == account)
            and (self.method is None or self.method == method)
            and (self.http_method is None or self.http_method == http_method)
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class FaultBook:
    """Thread-safe list of rules; the first matching rule wins."""

    faults: list[Fault] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _next: int = 1

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            fault.id = self._next
            self._next += 1
            self.faults.append(fault)
        return fault

    def take(
        self, platform: str, account: str | None, method: str, http_method: str | None = None
    ) -> Fault | None:
        """The first matching rule, counting the hit (and dropping it when used up)."""
        if not self.faults:  # fast path: no lock when no faults are set (benchmark)
            return None
        with self._lock:
            for fault in self.faults:
                if fault.matches(platform, account, method, http_method):
                    fault.hits += 1
                    if fault.times is not None and fault.hits >= fault.times:
                        self.faults.remove(fault)
                    return fault
        return None

    def pending(
        self, platform: str, account: str | None, method: str, http_method: str | None = None
    ) -> bool:
        """Whether a rule matches, without counting a hit (a long poll answers at once)."""
        if not self.faults:
            return False
        with self._lock:
            return any(f.matches(platform, account, method, http_method) for f in self.faults)

    def remove(self, fault_id: int) -> bool:
        with self._lock:
            before = len(self.faults)
            self.faults = [f for f in self.faults if f.id != fault_id]
            return len(self.faults) != before

    def clear(self) -> None:
        with self._lock:
            self.faults = []

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [f.to_dict() for f in self.faults]
