"""Graph API failures -> :mod:`connectors.errors`, in one table (tested row by row).

Sources: the Graph API error-handling guide (codes) and how facebook-sdk/requests surface
transport failures. HTTP status is only used where Graph sends no error code.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import facebook
import requests
import urllib3.exceptions

from connectors.errors import (
    AmbiguousError,
    AuthError,
    ConnectorError,
    DuplicateError,
    PermanentError,
    RateLimitedError,
    TransientError,
)
from connectors.retry import parse_retry_after

#: Seconds to wait after a throttling error that says nothing about when to come back.
DEFAULT_RETRY_AFTER = 60.0

#: Graph error code -> error class. Codes 200-299 (permissions) are handled as a range.
GRAPH_CODES: dict[int, type[ConnectorError]] = {
    1: AmbiguousError,  # "unknown error", possibly temporary: the post may exist
    2: AmbiguousError,  # "service temporarily unavailable"
    4: RateLimitedError,  # application request limit
    17: RateLimitedError,  # user request limit
    32: RateLimitedError,  # page request limit
    341: RateLimitedError,  # application limit reached
    613: RateLimitedError,  # calls exceed the rate limit
    80001: RateLimitedError,  # page Business Use Case limit
    10: AuthError,  # permission denied
    102: AuthError,  # session key invalid
    190: AuthError,  # access token expired / invalid
    368: PermanentError,  # temporarily blocked for policy violations
    506: DuplicateError,  # duplicate post
    100: PermanentError,  # invalid parameter
}
PERMISSION_CODES = range(200, 300)


class HttpStatusError(Exception):
    """A non-JSON (or 5xx) HTTP response from the Graph endpoint."""

    def __init__(self, status: int, body: str, headers: Mapping[str, str]) -> None:
        super().__init__(f"HTTP {status}: {body}")
        self.status = status
        self.headers = dict(headers)


def error_class(code: int | None, http_status: int | None = None) -> type[ConnectorError]:
    """The error class for a Graph error ``code`` (or, without one, an HTTP status)."""
    if code is not None:
        if code in GRAPH_CODES:
            return GRAPH_CODES[code]
        if code in PERMISSION_CODES:
            return AuthError
    if http_status is not None:
        if http_status == 429:
            return RateLimitedError
        if http_status in (401, 403):
            return AuthError
        if http_status >= 500:
            return AmbiguousError
    return PermanentError


def classify(exc: BaseException) -> ConnectorError:
    """Map an exception raised while talking to Graph onto the taxonomy. Raises nothing."""
    if isinstance(exc, ConnectorError):
        return exc
    if isinstance(exc, facebook.GraphAPIError):
        return _from_graph_error(exc)
    if isinstance(exc, HttpStatusError):
        cls = error_class(None, exc.status)
        return _build(cls, str(exc), f"http:{exc.status}", exc.headers)
    if isinstance(exc, requests.ConnectTimeout):
        return TransientError(f"connect timeout: {exc}", code="connect_timeout")
    if isinstance(exc, requests.Timeout):
        return AmbiguousError(f"no answer in time: {exc}", code="timeout")
    if isinstance(exc, requests.ConnectionError):
        if _never_connected(exc):
            return TransientError(f"cannot connect: {exc}", code="connect")
        return AmbiguousError(f"connection dropped: {exc}", code="dropped")
    if isinstance(exc, requests.RequestException | ValueError | KeyError):
        # Truncated body, invalid JSON, missing id: the request was sent, outcome unknown.
        return AmbiguousError(f"unreadable response: {exc!r}", code="response")
    if isinstance(exc, OSError):
        return PermanentError(f"cannot read media: {exc}", code="media")
    return AmbiguousError(f"unexpected failure: {exc!r}", code="unexpected")


def _never_connected(exc: requests.ConnectionError) -> bool:
    reason: Any = exc.args[0] if exc.args else None
    if isinstance(reason, urllib3.exceptions.MaxRetryError):
        reason = reason.reason
    return isinstance(
        reason,
        urllib3.exceptions.NewConnectionError
        | urllib3.exceptions.NameResolutionError
        | urllib3.exceptions.ConnectTimeoutError
        | ConnectionRefusedError,
    )


def _from_graph_error(exc: facebook.GraphAPIError) -> ConnectorError:
    result = exc.result if isinstance(exc.result, dict) else {}
    raw_error = result.get("error")
    error: dict[str, Any] = raw_error if isinstance(raw_error, dict) else {}
    code = exc.code if isinstance(exc.code, int) else _int(error.get("code"))
    subcode = _int(error.get("error_subcode"))
    status = getattr(exc, "http_status", None)
    headers: Mapping[str, str] = getattr(exc, "headers", None) or {}
    cls = error_class(code, status)
    label = f"fb:{code}" + (f"/{subcode}" if subcode else "")
    return _build(cls, f"Graph error {code}: {exc.message}", label, headers)


def _build(
    cls: type[ConnectorError], message: str, code: str, headers: Mapping[str, str]
) -> ConnectorError:
    if cls is RateLimitedError:
        return RateLimitedError(message, retry_after=retry_after(headers), code=code)
    return cls(message, code=code)


def retry_after(headers: Mapping[str, str]) -> float:
    """Seconds to wait, from ``Retry-After`` or the Business Use Case usage header."""
    lower = {k.lower(): v for k, v in headers.items()}
    value = parse_retry_after(lower.get("retry-after"))
    if value is not None:
        return value
    usage = lower.get("x-business-use-case-usage")
    if usage:
        try:
            minutes = [
                float(entry.get("estimated_time_to_regain_access") or 0)
                for entries in json.loads(usage).values()
                for entry in entries
            ]
        except (ValueError, AttributeError, TypeError):
            minutes = []
        if minutes and max(minutes) > 0:
            return max(minutes) * 60.0
    return DEFAULT_RETRY_AFTER


def _int(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload,no-any-return]
    except (TypeError, ValueError):
        return None
