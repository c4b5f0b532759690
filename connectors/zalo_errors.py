"""Zalo Official Account Open API failures -> :mod:`connectors.errors`, in one table.

Source: ``PLATFORMS.md`` ("Zalo Official Account Open API"), gathered from the official Java,
PHP and .NET SDKs. Zalo answers most failures with HTTP 200 and a negative ``error`` in the
body, so the table is keyed by that code; the HTTP status is only used when the body has no
code. Every row names a catalogue key (``zalo.error.<name>``, Vietnamese first) with an
explanation an officer can act on; :func:`explain_key` gives it for any error we raise.

Tested row by row in ``tests/connectors/test_error_tables.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from connectors.errors import (
    AmbiguousError,
    AuthError,
    ConfigError,
    ConnectorError,
    PermanentError,
    RateLimitedError,
    TransientError,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
#: Seconds to wait after -32 when the answer says nothing else.
DEFAULT_RETRY_AFTER = 60.0
#: Promotional sends are blocked from 22:00 to 06:00 (Vietnam time).
NIGHT_START_HOUR = 22
NIGHT_END_HOUR = 6

#: What to do after a code (beyond its error class).
RETRY = "retry"  # a transient or processing state: try again
REFRESH = "refresh"  # refresh the access token once, then retry once
WAIT = "wait"  # rate limit / quota: wait until the reset time
PERSON = "person"  # a person must act (verify the OA, grant a permission, upgrade)
INVALID = "invalid"  # the request itself is wrong: never retry


@dataclass(frozen=True)
class Row:
    """One code: our error class, what to do, the catalogue key of its explanation."""

    cls: type[ConnectorError]
    action: str
    key: str
    english: str


#: Zalo ``error`` code -> row. Every code listed in PLATFORMS.md is here.
CODES: dict[int, Row] = {
    -216: Row(AuthError, REFRESH, "zalo.error.token_invalid", "access token invalid"),
    -220: Row(AuthError, REFRESH, "zalo.error.token_expired", "access token expired or removed"),
    -32: Row(RateLimitedError, WAIT, "zalo.error.rate_limit", "request rate limit exceeded"),
    -214: Row(AmbiguousError, RETRY, "zalo.error.processing", "article still processing"),
    -201: Row(PermanentError, INVALID, "zalo.error.invalid_field", "invalid field"),
    -211: Row(RateLimitedError, WAIT, "zalo.error.out_of_quota", "out of quota"),
    -218: Row(RateLimitedError, WAIT, "zalo.error.follower_limit", "follower's limit reached"),
    -212: Row(ConfigError, PERSON, "zalo.error.app_not_registered", "app not registered"),
    -223: Row(AuthError, PERSON, "zalo.error.permission", "OA has not granted the permission"),
    -221: Row(ConfigError, PERSON, "zalo.error.oa_not_verified", "OA not verified"),
    -224: Row(ConfigError, PERSON, "zalo.error.package_too_low", "OA package too low"),
    -219: Row(ConfigError, PERSON, "zalo.error.app_disabled", "app disabled"),
    -204: Row(ConfigError, PERSON, "zalo.error.oa_disabled", "OA disabled"),
    -205: Row(ConfigError, PERSON, "zalo.error.oa_missing", "OA does not exist"),
    -234: Row(RateLimitedError, WAIT, "zalo.error.night_block", "promotional sends blocked"),
    # One report only ("MessageV2 API has been shut down"): the broadcast API is gone.
    -240: Row(PermanentError, INVALID, "zalo.error.api_shut_down", "message API shut down"),
    # ``error: 404`` with HTTP 200: the path does not exist (a wrong base URL).
    404: Row(ConfigError, PERSON, "zalo.error.wrong_path", "wrong API path"),
    # OAuth (v4 access_token endpoint).
    -14003: Row(AuthError, PERSON, "zalo.error.oauth_invalid", "invalid OAuth parameter"),
    -14014: Row(AuthError, PERSON, "zalo.error.oauth_code_expired", "authorization code expired"),
    # ZNS's invalid-token code; not an OA code, but treated like -216 if it ever comes.
    -124: Row(AuthError, REFRESH, "zalo.error.token_invalid", "access token invalid (ZNS)"),
}
UNKNOWN = Row(PermanentError, INVALID, "zalo.error.unknown", "unknown error")


class ZaloAPIError(Exception):
    """An answer with ``error != 0`` (whatever the HTTP status)."""

    def __init__(
        self,
        code: int,
        message: str,
        *,
        http_status: int = 200,
        headers: Mapping[str, str] | None = None,
        step: str = "",
    ) -> None:
        super().__init__(f"Zalo error {code}: {message}")
        self.code = code
        self.message = message
        self.http_status = http_status
        self.headers = dict(headers or {})
        self.step = step


class ZaloHttpError(Exception):
    """An HTTP answer that is not Zalo's JSON envelope (a proxy page, a 5xx)."""

    def __init__(self, status: int, body: str, step: str = "") -> None:
        super().__init__(f"HTTP {status}: {body[:200]}")
        self.status = status
        self.step = step


def row(code: int) -> Row:
    """The table row of ``code`` (the unknown row for codes not in the table)."""
    return CODES.get(code, UNKNOWN)


def next_reset(code: int, now: datetime) -> datetime | None:
    """When a quota/time-window error lifts (``now`` is aware): -211 the first day of next
    month, -218 the next day, -234 06:00 Vietnam time; ``None`` for other codes."""
    local = now.astimezone(VN)
    if code == -211:
        first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        return (first + timedelta(days=32)).replace(day=1)
    if code == -218:
        return (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    if code == -234:
        return night_end(local)
    return None


def in_night_block(now: datetime) -> bool:
    """Whether ``now`` (aware) is in the 22:00-06:00 block (Vietnam time)."""
    hour = now.astimezone(VN).hour
    return hour >= NIGHT_START_HOUR or hour < NIGHT_END_HOUR


def night_end(now: datetime) -> datetime:
    """The next 06:00 Vietnam time at or after ``now``."""
    local = now.astimezone(VN)
    end = local.replace(hour=NIGHT_END_HOUR, minute=0, second=0, microsecond=0)
    return end if end > local else end + timedelta(days=1)


def retry_after(code: int, headers: Mapping[str, str], now: datetime) -> float:
    """Seconds to wait after a WAIT code."""
    reset = next_reset(code, now)
    if reset is not None:
        return max(1.0, (reset - now).total_seconds())
    lower = {k.lower(): v for k, v in headers.items()}
    if lower.get("x-ratelimit-remain") == "0" and lower.get("retry-after"):
        try:
            return max(1.0, float(lower["retry-after"]))
        except ValueError:
            pass
    return DEFAULT_RETRY_AFTER


def from_api_error(exc: ZaloAPIError, now: datetime | None = None) -> ConnectorError:
    """The error for a Zalo answer with ``error != 0``; ``error.code`` is ``zalo:<code>``
    and ``error.explain`` the catalogue key."""
    r = row(exc.code)
    step = f"{exc.step}: " if exc.step else ""
    message = f"{step}Zalo error {exc.code} ({r.english}): {exc.message[:200]}"
    label = f"zalo:{exc.code}"
    error: ConnectorError
    if r.cls is RateLimitedError:
        moment = now or datetime.now(VN)
        error = RateLimitedError(
            message, retry_after=retry_after(exc.code, exc.headers, moment), code=label
        )
    else:
        error = r.cls(message, code=label)
    error.explain = r.key  # type: ignore[attr-defined]
    return error


def classify(exc: BaseException) -> ConnectorError:
    """Any failure while talking to Zalo onto the taxonomy. Raises nothing."""
    import httpx  # only when something failed

    if isinstance(exc, ConnectorError):
        return exc
    if isinstance(exc, ZaloAPIError):
        return from_api_error(exc)
    if isinstance(exc, ZaloHttpError):
        return _from_status(exc)
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return TransientError(f"cannot connect: {exc}", code="connect")
    if isinstance(exc, httpx.TimeoutException):
        return AmbiguousError(f"no answer in time: {exc!r}", code="timeout")
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return ConfigError(f"bad Zalo URL: {exc}", code="url")
    if isinstance(exc, httpx.HTTPError):
        return AmbiguousError(f"connection failed after sending: {exc!r}", code="dropped")
    if isinstance(exc, ValueError | KeyError | TypeError):
        return AmbiguousError(f"unreadable response: {exc!r}", code="response")
    if isinstance(exc, OSError):
        return PermanentError(f"cannot read media: {exc}", code="media")
    return AmbiguousError(f"unexpected failure: {exc!r}", code="unexpected")


def _from_status(exc: ZaloHttpError) -> ConnectorError:
    status = exc.status
    message = f"{exc.step + ': ' if exc.step else ''}Zalo answered HTTP {status}"
    code = f"http:{status}"
    if status == 429:
        return RateLimitedError(message, retry_after=DEFAULT_RETRY_AFTER, code=code)
    if status in (401, 403):
        return AuthError(message, code=code)
    if status == 404:
        return ConfigError(message, code=code)
    if 400 <= status < 500:
        return PermanentError(message, code=code)
    return AmbiguousError(message, code=code)


def explain_key(error: ConnectorError) -> str | None:
    """The catalogue key explaining ``error`` to an officer (None when it is not Zalo's)."""
    key: Any = getattr(error, "explain", None)
    return key if isinstance(key, str) else None
