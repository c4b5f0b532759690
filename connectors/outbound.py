"""One outbound guard for every URL the server calls on a user's word.

Webhook receivers, the Graph API base (``graph_url``, ``PUBLISHER_FACEBOOK_GRAPH_URL``), the
Bot API base (``api_base_url``) and every future caller (Zalo hosts, TTS providers, feeds)
use this module, so they share one set of rules (:mod:`connectors.netguard`): http(s) only;
no loopback, private, link-local, carrier-NAT, multicast, reserved or unspecified address,
for any address the name resolves to; ``PUBLISHER_ALLOW_PRIVATE_TARGETS=1`` (older name
``PUBLISHER_ALLOW_PRIVATE_WEBHOOKS=1``) opens the private network (the sandbox), and
``PUBLISHER_OUTBOUND_ALLOWLIST`` (older name ``PUBLISHER_WEBHOOK_ALLOWLIST``) opens exact
``host:port`` targets.

Two moments:

* when a URL is saved — :func:`url_problem` (offline: scheme, literal addresses, internal
  names; DNS may differ later, so it is not asked here);
* when it is called — a client from :func:`httpx_client`, :func:`httpx_async_transport` or
  :func:`requests_session`, which resolve each name once when a connection is opened, judge
  every address and connect only to a judged one (DNS rebinding and redirects into the
  private network are refused at that point); :func:`check` judges a URL by hand (before
  each hop of a redirect a caller follows itself).

Errors: :class:`BlockedTargetError` (a forbidden target), :class:`connectors.errors.ConfigError`
(not http(s), no host, bad port) and :class:`connectors.errors.TransientError` (the name
does not resolve) — all :class:`connectors.errors.ConnectorError`.
"""

from __future__ import annotations

import ssl
from typing import Literal

import httpx
import requests

from connectors import guarded_http, guarded_requests, netguard
from connectors.errors import ConfigError
from connectors.netguard import BlockedTargetError

__all__ = [
    "BlockedTargetError",
    "check",
    "httpx_async_transport",
    "httpx_client",
    "requests_session",
    "url_problem",
]


def check(url: str, *, resolve: bool = True) -> None:
    """Refuse ``url`` unless it is http(s) to an allowed target (resolving the name unless
    ``resolve=False``). Raises BlockedTargetError, ConfigError or TransientError."""
    netguard.check_url(url, resolve=resolve)


def url_problem(url: str) -> Literal["private", "scheme"] | None:
    """Why ``url`` may not be saved as a target, without asking DNS: ``"scheme"`` (not an
    http(s) URL with a host and a valid port), ``"private"`` (a literal private address or an
    internal name such as ``localhost``), or ``None``. Raises nothing."""
    try:
        netguard.check_url(url, resolve=False)
    except BlockedTargetError:
        return "private"
    except ConfigError:
        return "scheme"
    return None


def httpx_client(*, timeout: float, ssl_context: ssl.SSLContext) -> httpx.Client:
    """A guarded ``httpx.Client`` (no redirects followed by itself, no cookies, no proxy)."""
    return guarded_http.client(timeout=timeout, ssl_context=ssl_context)


def httpx_async_transport(
    *, ssl_context: ssl.SSLContext, limits: httpx.Limits | None = None
) -> httpx.AsyncHTTPTransport:
    """A guarded transport for an ``httpx.AsyncClient`` (pass it as ``transport=``)."""
    return guarded_http.GuardedAsyncTransport(ssl_context=ssl_context, limits=limits)


def requests_session() -> requests.Session:
    """A guarded ``requests.Session`` (http and https only; redirects judged per hop)."""
    return guarded_requests.session()
