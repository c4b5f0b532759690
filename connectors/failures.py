"""The one door from a client library's exception to our error: classified, then scrubbed.

Every connector catches the exceptions of its client library (requests/urllib3 inside
facebook-sdk, httpx inside python-telegram-bot, httpx for webhooks) only through
:func:`translate`. It

1. maps the exception onto :mod:`connectors.errors` with the platform's table (the
   ``classify`` function given by the connector);
2. turns any failure that happened before the request could reach the platform (name
   resolution, refused or unreachable connection, TLS handshake, connect timeout) into a
   :class:`~connectors.errors.TransientError` — never an auth, permanent or config error,
   whatever a table says: a DNS failure says nothing about the credentials;
3. scrubs the message of every credential the channel holds (exact values, their URL-,
   JSON- and HTML-encoded forms, and the secret part of a Telegram token) and of anything
   shaped like one (:func:`scrub_text`), before the error is printed, stored, audited or
   alerted. Errors are scrubbed where they are made; the log formatter's redaction is a
   second net, not the first.

The original exception is not chained (``raise ... from None``): its text (a URL with
``access_token=``, a Bot API path with the token) would otherwise reach every traceback.
The error keeps the original exception's type name in ``cause_type`` for diagnosis.
"""

from __future__ import annotations

import html
import json
import re
import socket
import ssl
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import quote, quote_plus

import httpcore
import httpx
import requests
import urllib3.exceptions

from connectors.errors import (
    AmbiguousError,
    AuthError,
    ConfigError,
    ConnectorError,
    PermanentError,
    TransientError,
)

SCRUBBED = "[redacted]"
#: Shorter credential values are too likely to occur by chance in ordinary text; they are
#: still covered by the shape patterns below (``token=...``, ``/bot.../``).
MIN_SECRET_LENGTH = 6

#: Token shapes removed whatever the channel holds (a token of another channel, a token a
#: server echoes back, a credential never registered anywhere).
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Bot API paths: /bot<id>:<secret>/method and /file/bot<id>:<secret>/path (":" maybe
    # URL-encoded), wherever the URL appears.
    (re.compile(r"((?:/|%2F)bot)\d+(?::|%3A)[A-Za-z0-9_%-]+", re.IGNORECASE), r"\1" + SCRUBBED),
    # Bare Telegram tokens (real ones have 35 characters after the colon).
    (re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{20,}"), SCRUBBED),
    # Query parameters and form fields: access_token=, token=, bot_token=, client_secret=,
    # appsecret_proof=, secret_key=, secret=, password=, api_key= (also "%3D"-encoded).
    (
        re.compile(
            r"((?:[a-z_-]*token|[a-z_-]*secret|secret_key|appsecret_proof|password|passwd"
            r"|api_key)(?:=|%3D))[^&\s\"'<>;,)]+",
            re.IGNORECASE,
        ),
        r"\1" + SCRUBBED,
    ),
    # Headers and mapping entries: "Authorization: Bearer x", {'access_token': 'x'},
    # "secret_key": "x", X-Api-Key: x.
    (
        re.compile(
            r"((?:authorization|proxy-authorization|x-api-key|[a-z_]*token|[a-z_]*secret"
            r"|secret_key|appsecret_proof|password)['\"]?\s*[:=]\s*['\"]?)"
            r"(?:(?:bearer|basic|token|bot|oauth)\s+)?[^\s'\",}&;)]+",
            re.IGNORECASE,
        ),
        r"\1" + SCRUBBED,
    ),
    # user:password@host in URLs.
    (
        re.compile(r"(\b[a-z][a-z0-9+.-]*://[^/\s:@]+:)[^@\s/]+@", re.IGNORECASE),
        r"\1" + SCRUBBED + "@",
    ),
)


def secret_forms(value: str) -> set[str]:
    """The ways ``value`` can appear in an error text: as is, URL-encoded (path, query,
    form), JSON- and HTML-escaped; for a Telegram token also its secret part alone."""
    forms: set[str] = set()
    parts = [value]
    if ":" in value and value.split(":", 1)[0].isdigit():
        parts.append(value.split(":", 1)[1])  # the bot id alone is not a secret
    for part in parts:
        if len(part) < MIN_SECRET_LENGTH:
            continue
        forms.update(
            {
                part,
                quote(part, safe=""),
                quote(part),
                quote_plus(part),
                json.dumps(part)[1:-1],
                html.escape(part),
            }
        )
    return forms


class Scrubber:
    """Removes a fixed set of credentials and every token shape from texts. Immutable."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        forms: set[str] = set()
        for value in secrets:
            if isinstance(value, str) and value:
                forms |= secret_forms(value)
        ordered = sorted(forms, key=len, reverse=True)  # longest first: no partial leftovers
        self._exact = (
            re.compile("|".join(re.escape(f) for f in ordered), re.IGNORECASE) if ordered else None
        )

    def __call__(self, text: str) -> str:
        if self._exact is not None:
            text = self._exact.sub(SCRUBBED, text)
        for pattern, repl in _PATTERNS:
            text = pattern.sub(repl, text)
        return text


def scrub_text(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` without the given credentials and without anything shaped like a token."""
    return Scrubber(secrets)(text)


def scrub_error(error: ConnectorError, scrubber: Scrubber) -> ConnectorError:
    """Scrub ``error``'s message (and a duplicate's URL) in place; returns it."""
    error.message = scrubber(error.message)
    if error.code:
        error.code = scrubber(error.code)
    error.args = (error.message,)
    url = getattr(error, "url", None)
    if isinstance(url, str):
        error.url = scrubber(url)  # type: ignore[attr-defined]
    return error


# -- network failures ---------------------------------------------------------------------------
def _chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and everything it wraps: causes, contexts, urllib3's ``reason`` and the
    exceptions requests keeps in ``args``. Bounded, cycle-safe."""
    seen: set[int] = set()
    todo = [exc]
    while todo and len(seen) < 32:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        linked = [current.__cause__, current.__context__, getattr(current, "reason", None)]
        linked += [a for a in getattr(current, "args", ()) if isinstance(a, BaseException)]
        todo.extend(e for e in linked if isinstance(e, BaseException))


#: OpenSSL reasons that only a failed handshake gives (nothing was sent yet). Other TLS
#: errors (an EOF, a bad record) can happen after the request went out.
HANDSHAKE_REASONS = frozenset(
    {
        "WRONG_VERSION_NUMBER",
        "CERTIFICATE_VERIFY_FAILED",
        "UNSUPPORTED_PROTOCOL",
        "UNKNOWN_PROTOCOL",
        "NO_PROTOCOLS_AVAILABLE",
        "HTTP_REQUEST",
        "TLSV1_ALERT_PROTOCOL_VERSION",
        "TLSV1_ALERT_UNKNOWN_CA",
        "TLSV1_ALERT_INTERNAL_ERROR",
        "TLSV1_ALERT_ACCESS_DENIED",
        "TLSV1_UNRECOGNIZED_NAME",
        "TLSV1_ALERT_DECODE_ERROR",
        "SSLV3_ALERT_HANDSHAKE_FAILURE",
        "SSLV3_ALERT_BAD_CERTIFICATE",
        "SSLV3_ALERT_CERTIFICATE_UNKNOWN",
        "SSLV3_ALERT_ILLEGAL_PARAMETER",
    }
)
#: Labels of failures before sending, most telling first.
_PRIORITY = ("dns", "tls", "refused", "connect_timeout", "connect")


def _label(exc: BaseException) -> str | None:
    if isinstance(exc, socket.gaierror | urllib3.exceptions.NameResolutionError):
        return "dns"
    if isinstance(exc, ssl.SSLCertVerificationError) or (
        isinstance(exc, ssl.SSLError) and exc.reason in HANDSHAKE_REASONS
    ):
        return "tls"
    if isinstance(exc, ConnectionRefusedError):
        return "refused"
    if isinstance(
        exc,
        urllib3.exceptions.ConnectTimeoutError
        | requests.ConnectTimeout
        | httpx.ConnectTimeout
        | httpx.PoolTimeout
        | httpcore.ConnectTimeout
        | httpcore.PoolTimeout,
    ):
        return "connect_timeout"
    if isinstance(
        exc, urllib3.exceptions.NewConnectionError | httpx.ConnectError | httpcore.ConnectError
    ):
        return "connect"
    return None


def network_failure(exc: BaseException) -> str | None:
    """``"dns"``, ``"tls"``, ``"refused"``, ``"connect_timeout"`` or ``"connect"`` when
    ``exc`` (or anything it wraps) shows the request never reached the server; else None."""
    labels = {label for item in _chain(exc) if (label := _label(item))}
    return next((label for label in _PRIORITY if label in labels), None)


#: What a failure before sending is called in messages.
_NETWORK_WORDS = {
    "dns": "name resolution failed",
    "tls": "TLS handshake failed",
    "refused": "connection refused",
    "connect": "cannot connect",
    "connect_timeout": "connect timeout",
}


def translate(
    exc: BaseException,
    classify: Callable[[BaseException], ConnectorError],
    secrets: Iterable[str] = (),
) -> ConnectorError:
    """``exc`` (from a client library, or a :class:`ConnectorError`) as our error, with the
    channel's ``secrets`` and every token shape scrubbed from its text. Raises nothing.

    Raise the result ``from None``: the original exception's text is not scrubbed.
    """
    try:
        error = classify(exc)
    except Exception:  # a table must not turn one failure into another
        error = AmbiguousError(f"unexpected failure: {type(exc).__name__}", code="unexpected")
    network = None if isinstance(error, TransientError) else network_failure(exc)
    if network is not None and isinstance(error, AuthError | PermanentError | ConfigError):
        # Nothing reached the platform: this says nothing about credentials or content.
        error = TransientError(f"{_NETWORK_WORDS[network]}: {error.message}", code=network)
    elif network == "tls" and isinstance(error, AmbiguousError):
        # A failed handshake sent nothing (requests reports it like a dropped connection).
        error = TransientError(f"{_NETWORK_WORDS[network]}: {error.message}", code=network)
    if error is not exc:
        error.cause_type = type(exc).__name__  # type: ignore[attr-defined]
    return scrub_error(error, Scrubber(secrets))
