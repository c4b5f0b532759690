"""A ``requests`` session that connects only to addresses the SSRF guard has judged.

facebook-sdk sends everything through a ``requests.Session``; urllib3 underneath resolves
the host when it opens a connection, so a DNS answer could change between any check of the
URL and the connection (DNS rebinding), and requests follows redirects by itself. Here
:class:`GuardedAdapter` (mounted for ``http://`` and ``https://``) gives urllib3 connection
classes whose ``_new_conn`` resolves the name once through
:func:`connectors.netguard.connect_addresses`, which judges every address, and opens the
socket to one of those addresses. The request keeps its host name, so the ``Host`` header,
SNI and certificate verification still use the name. Every request the session sends, the
hops of a redirect included, goes through the adapter, so a redirect into the private
network is refused when its connection is opened.

A proxy the operator configured (``HTTP(S)_PROXY``, read by the caller into
``session.proxies``) is trusted and connected to as usual; the proxy resolves the target
name itself, so a proxied request's URL is judged by resolving it just before it is sent
(a rebinding between that check and the proxy's own lookup is the proxy's to refuse).

:class:`connectors.netguard.BlockedTargetError` and :class:`connectors.errors.TransientError`
(a name that does not resolve) pass through urllib3 and requests unchanged.
"""

from __future__ import annotations

import socket
from typing import Any

import requests
import requests.adapters
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util import connection

from connectors import netguard


def _guarded_new_conn(conn: HTTPConnection) -> socket.socket:
    """``HTTPConnection._new_conn`` of urllib3 2.x, to judged addresses only."""
    addresses = netguard.connect_addresses(conn.host, conn.port)
    failure: OSError | None = None
    for address in addresses:
        try:
            # An address literal: no DNS lookup of its own.
            return connection.create_connection(
                (address, conn.port),
                conn.timeout,
                source_address=conn.source_address,
                socket_options=conn.socket_options,
            )
        except TimeoutError as exc:
            raise ConnectTimeoutError(
                conn, f"Connection to {conn.host} timed out. (connect timeout={conn.timeout})"
            ) from exc
        except OSError as exc:
            failure = exc  # try the next address, like socket.create_connection
    assert failure is not None  # connect_addresses never returns an empty list
    raise NewConnectionError(conn, f"Failed to establish a new connection: {failure}")


class GuardedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _guarded_new_conn(self)


class GuardedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        return _guarded_new_conn(self)


class GuardedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class GuardedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


class GuardedAdapter(requests.adapters.HTTPAdapter):
    """An ``HTTPAdapter`` whose direct connections go to judged addresses only."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        if not isinstance(getattr(self.poolmanager, "pool_classes_by_scheme", None), dict):
            raise RuntimeError("urllib3.PoolManager changed: cannot install the SSRF guard")
        self.poolmanager.pool_classes_by_scheme = {
            "http": GuardedHTTPConnectionPool,
            "https": GuardedHTTPSConnectionPool,
        }

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        """Judge the URL (scheme, literal addresses, internal names; by resolving it when a
        proxy carries the request), then send it. Raises what ``HTTPAdapter.send`` raises, and
        :class:`connectors.netguard.BlockedTargetError` / ``ConfigError`` /
        ``TransientError`` from the guard."""
        url = request.url or ""
        proxied = bool(requests.utils.select_proxy(url, kwargs.get("proxies") or {}))
        netguard.check_url(url, resolve=proxied)
        return super().send(request, **kwargs)


def session() -> requests.Session:
    """A ``requests.Session`` with :class:`GuardedAdapter` mounted for http and https (and no
    other scheme). Environment settings are the caller's to apply. Raises nothing."""
    guarded = requests.Session()
    guarded.adapters.clear()
    guarded.mount("https://", GuardedAdapter())
    guarded.mount("http://", GuardedAdapter())
    return guarded
