"""SSRF guard for user-supplied outgoing URLs (webhooks, Graph and Bot API base URLs, ...).

A URL typed by an office user must not let the server reach its own network: loopback,
private ranges, link-local (cloud metadata at 169.254.169.254), carrier NAT, multicast,
unspecified and reserved addresses are refused — for every address the host resolves to,
IPv4 and IPv6 alike (IPv4-mapped/compatible IPv6 is unwrapped first). Set
``PUBLISHER_ALLOW_PRIVATE_TARGETS=1`` (or its older name ``PUBLISHER_ALLOW_PRIVATE_WEBHOOKS=1``)
to allow them (the sandbox and tests run on loopback). Callers use :mod:`connectors.outbound`.

:func:`check_url` judges a URL before a request; :func:`connect_addresses` is what the
webhook client's network backend (:mod:`connectors.guarded_http`) calls when it opens a
connection: it resolves the name once, judges every address and returns the ones to connect
to, so a DNS answer that changes between the check and the connection (rebinding) is judged
too. All resolution goes through one hook (:func:`set_resolver`) that tests point at a fake
answer sequence.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from connectors.errors import ConfigError, TransientError

#: ``1`` allows private targets for every outbound URL (the first name, kept working).
ALLOW_ENV = "PUBLISHER_ALLOW_PRIVATE_WEBHOOKS"
#: The general name of :data:`ALLOW_ENV`; either one set to ``1`` opens private targets.
ALLOW_ENV_ALIAS = "PUBLISHER_ALLOW_PRIVATE_TARGETS"
#: Comma-separated ``host:port`` targets allowed even if private (an office's own intranet
#: receiver or Bot API server) without opening the whole private network.
ALLOWLIST_ENV = "PUBLISHER_WEBHOOK_ALLOWLIST"
#: The general name of :data:`ALLOWLIST_ENV`; the entries of both are allowed.
ALLOWLIST_ENV_ALIAS = "PUBLISHER_OUTBOUND_ALLOWLIST"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Iterable[str]]

_METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata", "instance-data"})


class BlockedTargetError(ConfigError):
    """The URL points at an address this server must not call."""


def private_allowed() -> bool:
    """Whether the operator allowed private targets (``PUBLISHER_ALLOW_PRIVATE_TARGETS=1`` or
    ``PUBLISHER_ALLOW_PRIVATE_WEBHOOKS=1``)."""
    return any(
        os.environ.get(name, "").strip().lower() in {"1", "true", "yes"}
        for name in (ALLOW_ENV, ALLOW_ENV_ALIAS)
    )


def allowlist() -> frozenset[str]:
    """``host:port`` entries from ``PUBLISHER_OUTBOUND_ALLOWLIST`` and
    ``PUBLISHER_WEBHOOK_ALLOWLIST`` (lower-cased)."""
    raw = ",".join(os.environ.get(name, "") for name in (ALLOWLIST_ENV, ALLOWLIST_ENV_ALIAS))
    return frozenset(e.strip().lower() for e in raw.split(",") if e.strip())


def forbidden_reason(address: str | IPAddress) -> str | None:
    """Why ``address`` may not be called, or ``None`` if it is a public address.

    Raises :class:`ValueError` if ``address`` is not an IP address.
    """
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address):
        # ::ffff:127.0.0.1 reaches 127.0.0.1: judge the embedded IPv4 address.
        embedded = ip.ipv4_mapped or _ipv4_compatible(ip) or ip.sixtofour
        if embedded is not None:
            return forbidden_reason(embedded)
    checks = (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
    )
    for reason, hit in checks:
        if hit:
            return reason
    if not ip.is_global:  # carrier-grade NAT 100.64/10, documentation ranges, ...
        return "non-global"
    return None


def _ipv4_compatible(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    # Deprecated ::a.b.c.d form; still routed by some stacks.
    if int(ip) >> 32 == 0 and int(ip) > 1:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _system_resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise TransientError(f"cannot resolve {host}: {exc}", code="dns") from exc
    return [str(info[4][0]) for info in infos]


_resolver: Resolver = _system_resolve


def set_resolver(resolver: Resolver | None) -> Resolver:
    """Use ``resolver`` for every name this module resolves (``None``: the system's
    ``getaddrinfo``) and return the previous one. Tests point it at fake DNS answers; a
    resolver raises :class:`TransientError` when the name does not resolve."""
    global _resolver
    previous = _resolver
    _resolver = resolver or _system_resolve
    return previous


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, through the current resolver. Raises
    :class:`TransientError` when the name does not resolve or has no address."""
    addresses = list(_resolver(host, port))
    if not addresses:
        raise TransientError(f"cannot resolve {host}: no address", code="dns")
    return addresses


def _literal_address(host: str) -> IPAddress | None:
    """The address a host names literally, including the forms ``inet_aton`` accepts.

    Resolvers read ``2130706433``, ``0x7f000001`` and ``127.1`` as 127.0.0.1, so they must be
    judged as addresses, not as names that happen not to resolve offline.
    """
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        return ipaddress.ip_address(socket.inet_aton(host))
    except (OSError, ValueError):
        return None


def check_url(
    url: str,
    *,
    allow_private: bool | None = None,
    allowed: frozenset[str] | None = None,
    resolve: bool = True,
    resolver: Resolver | None = None,
) -> None:
    """Refuse ``url`` unless it is http(s) to a public address.

    Raises :class:`ConfigError` for a malformed URL or wrong scheme,
    :class:`BlockedTargetError` for a forbidden target, and :class:`TransientError` when the
    host cannot be resolved (DNS failure). With ``resolve=False`` only literal addresses and
    well-known internal names are judged (offline validation). ``allowed`` (default:
    :func:`allowlist`) lists exact ``host:port`` targets that are always allowed.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ConfigError(f"URL must be http or https: {url!r}", code="url_scheme")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise ConfigError(f"URL has no host: {url!r}", code="url_host")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise ConfigError(f"URL has an invalid port: {url!r}", code="url_port") from exc
    if _opened(host, port, allow_private, allowed):
        return
    _refuse_internal_name(host)
    literal = _literal_address(host)
    if literal is not None:
        _judge(host, [str(literal)])
    elif resolve:
        _judge(host, (resolver or _resolver)(host, port))


def connect_addresses(
    host: str,
    port: int,
    *,
    allow_private: bool | None = None,
    allowed: frozenset[str] | None = None,
) -> list[str]:
    """The addresses to open a TCP connection to for ``host``:``port``, resolved once.

    Every address is judged (unless private targets are allowed or ``host:port`` is on the
    allowlist); one forbidden address refuses the whole name, as :func:`check_url` does.
    Literal hosts (including ``inet_aton`` forms) are returned as the address they name.
    Raises :class:`BlockedTargetError` for a forbidden target and :class:`TransientError`
    when the name does not resolve.
    """
    host = host.rstrip(".").lower()
    opened = _opened(host, port, allow_private, allowed)
    if not opened:
        _refuse_internal_name(host)
    literal = _literal_address(host)
    addresses = [str(literal)] if literal is not None else resolve(host, port)
    if not opened:
        _judge(host, addresses)
    return addresses


def _opened(
    host: str, port: int, allow_private: bool | None, allowed: frozenset[str] | None
) -> bool:
    if allow_private if allow_private is not None else private_allowed():
        return True
    return f"{host}:{port}" in (allowed if allowed is not None else allowlist())


def _refuse_internal_name(host: str) -> None:
    if host == "localhost" or host.endswith(".localhost") or host in _METADATA_HOSTS:
        raise BlockedTargetError(f"{host} is an internal host name", code="ssrf")


def _judge(host: str, addresses: Iterable[str]) -> None:
    for address in addresses:
        reason = forbidden_reason(address.split("%", 1)[0])  # drop IPv6 zone ids
        if reason:
            raise BlockedTargetError(
                f"{host} resolves to {address}, a {reason} address", code="ssrf"
            )
