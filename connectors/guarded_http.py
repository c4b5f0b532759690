"""An httpx client that connects only to addresses the SSRF guard has judged.

httpx resolves a URL's host itself when it opens a connection, so checking the URL first
(:func:`connectors.netguard.check_url`) leaves a gap: a DNS server can answer a public
address to the check and 127.0.0.1 to the connection (DNS rebinding). Here the connection
is opened by :class:`GuardedBackend`, an httpcore network backend whose ``connect_tcp``
resolves the name once through :func:`connectors.netguard.connect_addresses`, which judges
every address, and connects to one of those addresses. The URL keeps its host name, so the
``Host`` header and TLS (SNI and certificate verification) still use the name.

Environment proxies (``HTTP(S)_PROXY``) are not used: a proxy would resolve the name again.
Cookies are neither stored nor sent: one client serves every webhook channel of an engine
thread (:mod:`connectors.clients`), and a receiver's cookie must not reach the next one.

:class:`GuardedAsyncBackend` and :class:`GuardedAsyncTransport` are the same for
``httpx.AsyncClient`` (python-telegram-bot's ``HTTPXRequest``).
"""

from __future__ import annotations

import ssl
import typing
from http.cookiejar import CookieJar

import anyio.to_thread
import httpcore
import httpx

from connectors import netguard
from connectors.clients import NO_COOKIES


class GuardedBackend(httpcore.SyncBackend):
    """Opens TCP connections to judged addresses only.

    ``connect_tcp`` raises :class:`connectors.netguard.BlockedTargetError` when any address
    of the name is forbidden and :class:`connectors.errors.TransientError` when the name does
    not resolve (both pass through httpx unchanged); connection failures are httpcore's
    ``ConnectError``/``ConnectTimeout`` for the last address tried, as with the stock backend.
    """

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = netguard.connect_addresses(host, port)
        options = list(socket_options or ())
        failure: Exception | None = None
        for address in addresses:
            try:
                # An address literal: socket.create_connection does no DNS lookup of its own.
                return super().connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc  # try the next address, like socket.create_connection
        assert failure is not None  # connect_addresses never returns an empty list
        raise failure


class GuardedTransport(httpx.HTTPTransport):
    """``httpx.HTTPTransport`` whose connection pool uses :class:`GuardedBackend`.

    httpx 0.28 has no public way to pass a network backend, so the pool the base class built
    is replaced by an equivalent one; the constructor fails loudly if httpx changes shape.
    """

    def __init__(self, *, ssl_context: ssl.SSLContext) -> None:
        super().__init__(verify=ssl_context, trust_env=False)
        if not isinstance(getattr(self, "_pool", None), httpcore.ConnectionPool):
            raise RuntimeError("httpx.HTTPTransport changed: cannot install the SSRF guard")
        limits = httpx.Limits()  # the same defaults the base class used
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(),
        )


class GuardedAsyncBackend(httpcore.AnyIOBackend):
    """:class:`GuardedBackend` for async clients: the name is resolved and judged (in a
    worker thread, so that a slow DNS answer does not block the event loop) and the
    connection opened to a judged address."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await anyio.to_thread.run_sync(netguard.connect_addresses, host, port)
        options = list(socket_options or ())
        failure: Exception | None = None
        for address in addresses:
            try:
                return await super().connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None  # connect_addresses never returns an empty list
        raise failure


class GuardedAsyncTransport(httpx.AsyncHTTPTransport):
    """``httpx.AsyncHTTPTransport`` whose connection pool uses :class:`GuardedAsyncBackend`
    (HTTP/1.1; ``limits`` as httpx takes them). Like :class:`GuardedTransport`, it fails
    loudly if httpx changes shape. The pool may be closed and used again (an
    ``HTTPXRequest`` shut down and initialised again builds a new client around it)."""

    def __init__(self, *, ssl_context: ssl.SSLContext, limits: httpx.Limits | None = None) -> None:
        super().__init__(verify=ssl_context, trust_env=False)
        if not isinstance(getattr(self, "_pool", None), httpcore.AsyncConnectionPool):
            raise RuntimeError("httpx.AsyncHTTPTransport changed: cannot install the SSRF guard")
        limits = limits or httpx.Limits()
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedAsyncBackend(),
        )


def client(*, timeout: float, ssl_context: ssl.SSLContext) -> httpx.Client:
    """A client that never follows redirects by itself, connects only to judged addresses
    and keeps no cookies. Raises nothing."""
    return httpx.Client(
        transport=GuardedTransport(ssl_context=ssl_context),
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
        cookies=CookieJar(NO_COOKIES),
    )
