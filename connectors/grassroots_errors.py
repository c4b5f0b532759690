"""Grassroots delivery failures -> :mod:`connectors.errors`, in one table.

The upload endpoint's answers (:func:`classify_response`) follow the webhook table (a 409 or
``Idempotent-Replayed`` is the same file again); a drop folder's file-system errors
(:func:`classify_os`) are configuration when the folder is missing or not ours, transient
when the disk is full or the share is away. Tested row by row in
``tests/connectors/test_grassroots.py``.
"""

from __future__ import annotations

import errno
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from connectors.base import PublishResult
from connectors.errors import (
    AmbiguousError,
    ConfigError,
    ConnectorError,
    TransientError,
)

if TYPE_CHECKING:
    import httpx

#: errno values that mean "the folder is wrong": fix the channel, do not retry.
CONFIG_ERRNOS = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EACCES, errno.EPERM, errno.EROFS})


def classify_os(exc: OSError) -> ConnectorError:
    """The drop-folder table. Raises nothing."""
    if exc.errno in CONFIG_ERRNOS:
        return ConfigError(f"drop folder unusable: {exc.strerror}", code=f"os:{exc.errno}")
    # Disk full, share unreachable, I/O error: nothing complete was put in place.
    return TransientError(f"cannot write to the drop folder: {exc.strerror}", code="os")


def classify_response(
    status: int, headers: Mapping[str, str], data: Mapping[str, Any], key: str = ""
) -> ConnectorError:
    """The upload endpoint's status table: the webhook's (same receivers, same rules)."""
    from connectors.webhook_errors import classify_response as webhook_table

    return webhook_table(status, headers, data, key)


def classify(exc: BaseException) -> ConnectorError:
    """Any grassroots failure onto the taxonomy. Raises nothing."""
    if isinstance(exc, ConnectorError):
        return exc
    if isinstance(exc, OSError) and not _is_http(exc):
        return classify_os(exc)
    from connectors import webhook_errors

    if _is_http(exc):
        return webhook_errors.classify(exc)
    return AmbiguousError(f"unexpected failure: {exc!r}", code="unexpected")


def _is_http(exc: BaseException) -> bool:
    import httpx

    return isinstance(exc, httpx.HTTPError)


def result_from_response(response: httpx.Response, key: str) -> PublishResult:
    """2xx -> result; otherwise raise the mapped error."""
    try:
        data = response.json()
    except ValueError:
        data = {}
    data = data if isinstance(data, dict) else {}
    if 200 <= response.status_code < 300:
        return PublishResult(str(data.get("id") or key), data.get("url"), data)
    raise classify_response(response.status_code, response.headers, data, key)
