"""Webhook answers and httpx failures -> :mod:`connectors.errors`, in one table.

:func:`classify_response` maps the receiver's HTTP status (and a duplicate's body),
:func:`classify_exception` httpx's transport failures; :func:`classify` is what
:meth:`connectors.base.Connector.failure` is given. Tested row by row in
``tests/connectors/test_error_tables.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from connectors.errors import (
    AmbiguousError,
    AuthError,
    ConfigError,
    ConnectorError,
    DuplicateError,
    PermanentError,
    RateLimitedError,
    TransientError,
)
from connectors.retry import parse_retry_after

#: Wait after a 429 without a usable ``Retry-After``.
DEFAULT_RETRY_AFTER = 30.0


def classify_response(
    status: int, headers: Mapping[str, str], data: Mapping[str, Any], key: str = ""
) -> ConnectorError:
    """The webhook status table. Raises nothing; returns the error to raise."""
    detail = str(data.get("error") or data.get("message") or "")[:200]
    code = f"http:{status}"
    message = f"receiver answered {status}" + (f": {detail}" if detail else "")
    if status == 409 and _is_duplicate(data, headers):
        external = data.get("id") or data.get("message_id") or key
        return DuplicateError(message, external_id=str(external), url=data.get("url"), code=code)
    if status == 429:
        wait = parse_retry_after(headers.get("retry-after"))
        return RateLimitedError(
            message, retry_after=DEFAULT_RETRY_AFTER if wait is None else wait, code=code
        )
    if status in (401, 403):
        return AuthError(message, code=code)
    if status == 408:  # the receiver gave up reading the request: nothing was processed
        return TransientError(message, code=code)
    if 400 <= status < 500 or 300 <= status < 400:
        return PermanentError(message, code=code)
    return AmbiguousError(message, code=code)  # 5xx and anything stranger


def classify(exc: BaseException) -> ConnectorError:
    """Any failure of a webhook delivery onto the taxonomy (our own errors pass through,
    httpx's go through :func:`classify_exception`). Raises nothing."""
    if isinstance(exc, ConnectorError):
        return exc
    if isinstance(exc, httpx.HTTPError):
        return classify_exception(exc)
    return AmbiguousError(f"unexpected failure: {exc!r}", code="unexpected")


def classify_exception(exc: httpx.HTTPError) -> ConnectorError:
    """The webhook transport table. Raises nothing."""
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return TransientError(f"cannot connect: {exc}", code="connect")
    if isinstance(exc, httpx.TimeoutException):
        return AmbiguousError(f"no answer in time: {exc!r}", code="timeout")
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return ConfigError(f"bad webhook URL: {exc}", code="url")
    return AmbiguousError(f"connection failed after sending: {exc!r}", code="dropped")


def _is_duplicate(data: Mapping[str, Any], headers: Mapping[str, str]) -> bool:
    if data.get("duplicate") is True:
        return True
    if str(headers.get("idempotent-replayed", "")).lower() == "true":
        return True
    return "duplicate" in str(data.get("error") or data.get("code") or "").lower()
