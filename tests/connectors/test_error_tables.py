"""Each connector's error table, row by row, with the libraries' real exception objects.

End-to-end versions of the common rows run in test_contract.py against the sandbox; here
every row of every table is pinned, including the ones the sandbox cannot easily produce.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import facebook
import httpx
import pytest
import requests
import urllib3.exceptions
from telegram import error as tg

from connectors import facebook_errors, telegram_errors, zalo_errors
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
from connectors.webhook_errors import classify_exception, classify_response


# -- Facebook -----------------------------------------------------------------------------------
def graph_error(code: int, status: int = 400, headers: dict[str, str] | None = None) -> Exception:
    exc = facebook.GraphAPIError(
        {"error": {"code": code, "message": f"error {code}", "type": "OAuthException"}}
    )
    exc.http_status = status  # type: ignore[attr-defined]
    exc.headers = headers or {}  # type: ignore[attr-defined]
    return exc


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (190, AuthError),
        (102, AuthError),
        (10, AuthError),
        (200, AuthError),
        (230, AuthError),
        (299, AuthError),
        (4, RateLimitedError),
        (17, RateLimitedError),
        (32, RateLimitedError),
        (341, RateLimitedError),
        (613, RateLimitedError),
        (80001, RateLimitedError),
        (368, PermanentError),
        (506, DuplicateError),
        (100, PermanentError),
        (1, AmbiguousError),
        (2, AmbiguousError),
        (324, PermanentError),  # unknown codes: rejected content
    ],
)
def test_graph_code_table(code: int, expected: type[ConnectorError]) -> None:
    assert type(facebook_errors.classify(graph_error(code))) is expected


def test_graph_throttling_defaults_to_sixty_seconds_without_headers() -> None:
    err = facebook_errors.classify(graph_error(4))
    assert isinstance(err, RateLimitedError) and err.retry_after == 60


def test_graph_throttling_reads_business_use_case_usage() -> None:
    usage = '{"1001": [{"type": "pages", "estimated_time_to_regain_access": 3}]}'
    err = facebook_errors.classify(graph_error(32, headers={"X-Business-Use-Case-Usage": usage}))
    assert isinstance(err, RateLimitedError) and err.retry_after == 180


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (facebook_errors.HttpStatusError(503, "<html>", {}), AmbiguousError),
        (facebook_errors.HttpStatusError(502, "", {}), AmbiguousError),
        (facebook_errors.HttpStatusError(429, "", {"Retry-After": "5"}), RateLimitedError),
        (facebook_errors.HttpStatusError(404, "", {}), PermanentError),
        (requests.ConnectTimeout("connect"), TransientError),
        (requests.ReadTimeout("read"), AmbiguousError),
        (
            requests.ConnectionError(
                urllib3.exceptions.MaxRetryError(
                    None,  # type: ignore[arg-type]
                    "/",
                    urllib3.exceptions.NewConnectionError(None, "refused"),  # type: ignore[arg-type]
                )
            ),
            TransientError,
        ),
        (
            requests.ConnectionError(
                urllib3.exceptions.ProtocolError("Connection aborted.", ConnectionResetError())
            ),
            AmbiguousError,
        ),
        (requests.exceptions.ChunkedEncodingError("cut"), AmbiguousError),
        (ValueError("invalid JSON"), AmbiguousError),
        (FileNotFoundError("photo.jpg"), PermanentError),
    ],
)
def test_graph_transport_table(exc: Exception, expected: type[ConnectorError]) -> None:
    assert type(facebook_errors.classify(exc)) is expected


# -- Telegram -----------------------------------------------------------------------------------
def caused(exc: Exception, cause: Exception) -> Exception:
    exc.__cause__ = cause
    return exc


REQ = httpx.Request("POST", "http://t")


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (tg.RetryAfter(dt.timedelta(seconds=11)), RateLimitedError),
        (tg.InvalidToken(), AuthError),
        (tg.Forbidden("Forbidden: bot was kicked from the channel chat"), AuthError),
        (tg.ChatMigrated(-1001234), PermanentError),
        (tg.BadRequest("Bad Request: chat not found"), PermanentError),
        (tg.BadRequest("Bad Request: message caption is too long"), PermanentError),
        (tg.Conflict("Conflict"), PermanentError),
        (tg.TimedOut(), AmbiguousError),
        (caused(tg.TimedOut(), httpx.ReadTimeout("read", request=REQ)), AmbiguousError),
        (caused(tg.TimedOut(), httpx.ConnectTimeout("connect", request=REQ)), TransientError),
        (caused(tg.TimedOut(), httpx.PoolTimeout("pool", request=REQ)), TransientError),
        (caused(tg.NetworkError("x"), httpx.ConnectError("refused", request=REQ)), TransientError),
        (
            caused(tg.NetworkError("x"), httpx.RemoteProtocolError("cut", request=REQ)),
            AmbiguousError,
        ),
        (tg.NetworkError("Bad Gateway"), AmbiguousError),
        (tg.NetworkError("Internal Server Error (500)"), AmbiguousError),
        (tg.NetworkError("Request Entity Too Large (413)"), PermanentError),
        (tg.TelegramError("odd"), AmbiguousError),
        # BadRequest is a NetworkError: even with a connect-like cause it stays permanent.
        (caused(tg.BadRequest("x"), httpx.ConnectError("x", request=REQ)), PermanentError),
    ],
)
def test_telegram_table(exc: Exception, expected: type[ConnectorError]) -> None:
    assert type(telegram_errors.classify(exc)) is expected


def test_telegram_retry_after_keeps_its_value() -> None:
    err = telegram_errors.classify(tg.RetryAfter(dt.timedelta(seconds=11)))
    assert isinstance(err, RateLimitedError) and err.retry_after == 11


# -- Webhook ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "headers", "body", "expected"),
    [
        (409, {}, {"error": "duplicate", "id": "evt_1"}, DuplicateError),
        (409, {}, {"duplicate": True}, DuplicateError),
        (409, {"Idempotent-Replayed": "true"}, {}, DuplicateError),
        (409, {}, {"error": "version conflict"}, PermanentError),
        (429, {"retry-after": "12"}, {}, RateLimitedError),
        (429, {}, {}, RateLimitedError),
        (401, {}, {}, AuthError),
        (403, {}, {}, AuthError),
        (400, {}, {}, PermanentError),
        (404, {}, {}, PermanentError),
        (410, {}, {}, PermanentError),
        (413, {}, {}, PermanentError),
        (422, {}, {}, PermanentError),
        (408, {}, {}, TransientError),
        (500, {}, {}, AmbiguousError),
        (502, {}, {}, AmbiguousError),
        (503, {"retry-after": "3"}, {}, AmbiguousError),
        (504, {}, {}, AmbiguousError),
    ],
)
def test_webhook_status_table(
    status: int, headers: dict[str, str], body: dict[str, object], expected: type
) -> None:
    err = classify_response(status, httpx.Headers(headers), body, "key-1")
    assert type(err) is expected
    if isinstance(err, DuplicateError):
        assert err.external_id in ("evt_1", "key-1")
    if isinstance(err, RateLimitedError):
        assert err.retry_after == (12 if headers else 30)


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (httpx.ConnectError("refused", request=REQ), TransientError),
        (httpx.ConnectTimeout("connect", request=REQ), TransientError),
        (httpx.PoolTimeout("pool", request=REQ), TransientError),
        (httpx.ReadTimeout("read", request=REQ), AmbiguousError),
        (httpx.WriteTimeout("write", request=REQ), AmbiguousError),
        (httpx.RemoteProtocolError("no response", request=REQ), AmbiguousError),
        (httpx.ReadError("reset", request=REQ), AmbiguousError),
    ],
)
def test_webhook_transport_table(exc: httpx.HTTPError, expected: type) -> None:
    assert type(classify_exception(exc)) is expected


# -- Zalo OA ------------------------------------------------------------------------------------
#: Every code of PLATFORMS.md ("Zalo Official Account Open API") and its class.
ZALO_ROWS = [
    (-216, AuthError),
    (-220, AuthError),
    (-32, RateLimitedError),
    (-214, AmbiguousError),
    (-201, PermanentError),
    (-211, RateLimitedError),
    (-218, RateLimitedError),
    (-212, ConfigError),
    (-223, AuthError),
    (-221, ConfigError),
    (-224, ConfigError),
    (-219, ConfigError),
    (-204, ConfigError),
    (-205, ConfigError),
    (-234, RateLimitedError),
    (-240, PermanentError),
    (404, ConfigError),
    (-14003, AuthError),
    (-14014, AuthError),
    (-124, AuthError),
    (-99999, PermanentError),
]


@pytest.mark.parametrize(("code", "expected"), ZALO_ROWS)
def test_zalo_code_table(code: int, expected: type[ConnectorError]) -> None:
    from publisher.i18n import catalogue

    error = zalo_errors.classify(zalo_errors.ZaloAPIError(code, f"error {code}", step="create"))
    assert type(error) is expected
    assert error.code == f"zalo:{code}"
    key = zalo_errors.explain_key(error)
    assert key in catalogue(), key
    vietnamese, english = catalogue()[key]
    assert vietnamese != english and "\n" not in vietnamese


def test_zalo_table_covers_every_code_it_declares() -> None:
    assert {c for c, _ in ZALO_ROWS} - {-99999} == set(zalo_errors.CODES)


VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    ("code", "now", "reset"),
    [
        # Monthly quota: the first day of next month (Vietnam time).
        (-211, dt.datetime(2026, 12, 31, 23, 0, tzinfo=VN), dt.datetime(2027, 1, 1, tzinfo=VN)),
        # Follower's daily limit: tomorrow.
        (-218, dt.datetime(2026, 5, 18, 9, 0, tzinfo=VN), dt.datetime(2026, 5, 19, tzinfo=VN)),
        # Night block: 06:00 the same night (after midnight) or the next morning.
        (-234, dt.datetime(2026, 5, 18, 2, 0, tzinfo=VN), dt.datetime(2026, 5, 18, 6, tzinfo=VN)),
        (-234, dt.datetime(2026, 5, 18, 22, 30, tzinfo=VN), dt.datetime(2026, 5, 19, 6, tzinfo=VN)),
    ],
)
def test_zalo_waits_until_the_reset(code: int, now: dt.datetime, reset: dt.datetime) -> None:
    error = zalo_errors.from_api_error(zalo_errors.ZaloAPIError(code, "x"), now)
    assert isinstance(error, RateLimitedError)
    assert error.retry_after == (reset - now).total_seconds()


def test_zalo_rate_limit_defaults_to_a_minute() -> None:
    error = zalo_errors.from_api_error(
        zalo_errors.ZaloAPIError(-32, "x", headers={"X-RateLimit-Remain": "0"})
    )
    assert isinstance(error, RateLimitedError) and error.retry_after == 60


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (zalo_errors.ZaloHttpError(502, "<html>"), AmbiguousError),
        (zalo_errors.ZaloHttpError(429, ""), RateLimitedError),
        (zalo_errors.ZaloHttpError(401, ""), AuthError),
        (zalo_errors.ZaloHttpError(404, ""), ConfigError),
        (zalo_errors.ZaloHttpError(400, ""), PermanentError),
        (httpx.ConnectError("refused"), TransientError),
        (httpx.ReadTimeout("slow"), AmbiguousError),
        (httpx.RemoteProtocolError("dropped"), AmbiguousError),
        (ValueError("bad json"), AmbiguousError),
    ],
)
def test_zalo_transport_table(exc: Exception, expected: type[ConnectorError]) -> None:
    assert type(zalo_errors.classify(exc)) is expected
