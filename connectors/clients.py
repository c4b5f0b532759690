"""Network clients kept across publishes: one set per thread, closed together.

Built per call, a client cost more CPU than the publish it carried: requests and httpx read
every environment variable for proxy settings, python-telegram-bot built an
``httpx.AsyncClient`` and ``asyncio.run`` an event loop, and each call opened a new TCP
connection. A :class:`ClientCache` keeps, for each thread that uses it, the clients made
through :meth:`ClientCache.get` and one event loop (:meth:`ClientCache.loop`), so the next
publish from that thread reuses them and their keep-alive connections.

What is cached never holds a channel's credentials: connectors key clients by what the
client is built from (server URL, timeouts) and send tokens and signatures with each request,
so a channel whose credentials change uses the new ones on its next publish and nothing needs
invalidating. Clients are per thread, so nothing here is shared between threads except the
registry :meth:`ClientCache.close` walks.

Without a cache (``clients=None``) connectors build a client per call and close it, as
one-off callers (command line, statistics, tests) expect.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from http.cookiejar import DefaultCookiePolicy
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Cookie policy of every connector client: no cookie is stored or sent. Clients are shared
#: by the channels a thread publishes to, and no platform API here needs cookies.
NO_COOKIES = DefaultCookiePolicy(allowed_domains=[])


class _ThreadClients:
    """One thread's clients (least recently used first) and event loop."""

    def __init__(self, thread: str) -> None:
        self.thread = thread
        self.clients: OrderedDict[Hashable, tuple[Any, Callable[[Any], None]]] = OrderedDict()
        self.loop: asyncio.AbstractEventLoop | None = None

    def close(self) -> None:
        while self.clients:
            _key, (client, closer) = self.clients.popitem()
            _close_quietly(client, closer, self.thread)
        loop, self.loop = self.loop, None
        if loop is None or loop.is_closed():
            return
        if loop.is_running():  # only if close() was called too early; never expected
            log.warning("event loop of thread %s still running: not closed", self.thread)
            return
        try:
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()


def _close_quietly(client: Any, closer: Callable[[Any], None], thread: str) -> None:
    try:
        closer(client)
    except Exception as exc:  # a client that fails to close must not stop the others
        # Type names only: a message could quote a URL, and a Bot API URL holds the token.
        log.warning(
            "closing a %s of thread %s failed: %s",
            type(client).__name__,
            thread,
            type(exc).__name__,
        )


class ClientCache:
    """Clients and an event loop per thread, reused across calls; :meth:`close` ends them.

    ``per_thread`` bounds the clients one thread keeps; the least recently used one is
    closed when a new one would exceed it. Thread-safe: each thread only sees its own clients.
    """

    def __init__(self, *, per_thread: int = 16) -> None:
        self.per_thread = max(1, per_thread)
        self._lock = threading.Lock()
        self._local = threading.local()
        self._threads: list[_ThreadClients] = []

    def _mine(self) -> _ThreadClients:
        mine: _ThreadClients | None = getattr(self._local, "clients", None)
        if mine is None:
            mine = _ThreadClients(threading.current_thread().name)
            self._local.clients = mine
            with self._lock:
                self._threads.append(mine)
        return mine

    def get(self, key: Hashable, make: Callable[[], T], close: Callable[[T], None]) -> T:
        """This thread's client for ``key``, made by ``make()`` the first time.

        ``close(client)`` is called when the client is evicted or the cache closed, from the
        thread that evicts it or calls :meth:`close`. Raises whatever ``make`` raises.
        """
        mine = self._mine()
        hit = mine.clients.get(key)
        if hit is not None:
            mine.clients.move_to_end(key)
            client: T = hit[0]
            return client
        client = make()
        mine.clients[key] = (client, close)
        while len(mine.clients) > self.per_thread:
            _old, (old, closer) = mine.clients.popitem(last=False)
            _close_quietly(old, closer, mine.thread)
        return client

    def loop(self) -> asyncio.AbstractEventLoop:
        """This thread's event loop (made on first use; run it with ``run_until_complete``).

        Async clients are bound to the loop they first ran on, so a thread's async clients
        and its loop live and die together. Raises nothing.
        """
        mine = self._mine()
        if mine.loop is None or mine.loop.is_closed():
            mine.loop = asyncio.new_event_loop()
        return mine.loop

    def size(self) -> int:
        """Clients held, over all threads (for tests and logs)."""
        with self._lock:
            return sum(len(t.clients) for t in self._threads)

    def close(self) -> None:
        """Close every client and event loop of every thread.

        Call it once the threads using the cache are done (the worker does, after its
        executor threads have finished): a client in use would be closed under its caller.
        The cache stays usable; later calls make new clients. Raises nothing.
        """
        with self._lock:
            threads, self._threads = self._threads, []
            self._local = threading.local()
        for clients in threads:
            try:
                clients.close()
            except Exception as exc:
                log.warning(
                    "closing the event loop of thread %s failed: %s",
                    clients.thread,
                    type(exc).__name__,
                )
