"""python-telegram-bot exceptions -> :mod:`connectors.errors`, in one table.

Order matters: ``BadRequest`` and ``TimedOut`` are subclasses of ``NetworkError``, so the
first matching row wins and the generic ``NetworkError`` rows come last.
"""

from __future__ import annotations

import httpx
from telegram import error as tg

from connectors.errors import (
    AmbiguousError,
    AuthError,
    ConnectorError,
    PermanentError,
    RateLimitedError,
    TransientError,
)

#: (exception class, error class) — first match wins.
TELEGRAM_ERRORS: tuple[tuple[type[BaseException], type[ConnectorError]], ...] = (
    (tg.RetryAfter, RateLimitedError),
    (tg.InvalidToken, AuthError),  # 401/404: token unknown or malformed
    (tg.Forbidden, AuthError),  # 403: bot removed from the channel / blocked
    (tg.ChatMigrated, PermanentError),  # group became a supergroup: chat id must change
    (tg.BadRequest, PermanentError),  # 400: content or chat rejected (subclasses NetworkError)
    (tg.Conflict, PermanentError),
    (tg.TimedOut, AmbiguousError),  # sent, no answer in time (connect timeouts: see below)
    (tg.NetworkError, AmbiguousError),  # 5xx, dropped connection (refused: see below)
    (tg.TelegramError, AmbiguousError),
)

#: httpx causes that prove the request never left this machine.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def classify(exc: BaseException) -> ConnectorError:
    """Map an exception raised by python-telegram-bot onto the taxonomy. Raises nothing."""
    if isinstance(exc, ConnectorError):
        return exc
    if isinstance(exc, tg.TimedOut | tg.NetworkError) and not isinstance(exc, tg.BadRequest):
        if isinstance(exc.__cause__, _NOT_SENT):
            return TransientError(f"cannot connect: {exc}", code="connect")
    if isinstance(exc, tg.NetworkError) and "(413)" in str(exc):
        # PTB reports HTTP 413 as a generic NetworkError; the file is simply too large.
        return PermanentError(str(exc), code="tg:413")
    for exc_type, cls in TELEGRAM_ERRORS:
        if isinstance(exc, exc_type):
            label = f"tg:{type(exc).__name__}"
            if cls is RateLimitedError and isinstance(exc, tg.RetryAfter):
                return RateLimitedError(str(exc), retry_after=_seconds(exc), code=label)
            return cls(str(exc), code=label)
    if isinstance(exc, OSError):
        return PermanentError(f"cannot read media: {exc}", code="media")
    return AmbiguousError(f"unexpected failure: {exc!r}", code="unexpected")


def _seconds(exc: tg.RetryAfter) -> float:
    value = exc.retry_after
    return float(value.total_seconds() if hasattr(value, "total_seconds") else value)
