"""One shared TLS context for the httpx-based connectors.

httpx builds a new SSL context (loading the CA bundle, tens of milliseconds) for every
client; connectors create a client per call, so under load that cost dominated a loopback
delivery. SSL contexts are safe to share between threads and clients.
"""

from __future__ import annotations

import ssl
from functools import cache


@cache
def client_context() -> ssl.SSLContext:
    """The default verifying client context, created once. Raises :class:`ssl.SSLError` if
    the system CA bundle cannot be loaded."""
    try:
        import certifi

        return ssl.create_default_context(cafile=certifi.where())
    except ImportError:  # pragma: no cover - certifi comes with httpx
        return ssl.create_default_context()
