"""The api bounded against anyone on the network: body sizes, caches, per-source rate limits,
what ``/health`` tells, and inbound batches that isolate an event the database cannot store."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from connectors import signing
from publisher.api import create_app
from publisher.api.batcher import EventWriter
from publisher.api.ratelimit import RateLimiter, source_key
from publisher.config import get_settings
from publisher.db import get_engine, session_scope
from publisher.models import Channel, ChannelHealth, InboundEvent, WorkerHeartbeat
from publisher.services.insight import inbound
from tests.factories import make_office
from tests.stats.conftest import published
from tests.stats.test_api import SECRET, _events, hmac

CHUNK = 64 * 1024


@pytest.fixture
def office(db, clock):
    inbound.clear_cache()
    hook = {"url": "https://h.example.org/hook", "signature": "hmac"}
    spec = {"kind": "webhook", "settings": hook, "credentials": {"secret": SECRET}}
    return make_office(channels={"hmac-hook": spec})


def _settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> None:
    for name, value in env.items():
        monkeypatch.setenv(f"PUBLISHER_{name.upper()}", value)
    get_settings.cache_clear()


async def _post(
    app: Any, path: str, headers: dict[str, str], chunks: Iterator[bytes]
) -> tuple[int, int, dict[str, str]]:
    """POST through the ASGI interface with a body that streams from ``chunks``; returns the
    status, how many body bytes the app pulled, and the response headers."""
    pulled = 0

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        chunk = next(chunks, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("203.0.113.7", 50000),
        "server": ("testserver", 80),
    }
    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], pulled, {k.decode(): v.decode() for k, v in start["headers"]}


def _stream(total: int) -> Iterator[bytes]:
    """``total`` bytes of a JSON-looking body, made one chunk at a time (never held whole)."""
    yield b'{"event_id": "' + b"x" * (CHUNK - 14)
    for _ in range(total // CHUNK - 1):
        yield b"x" * CHUNK


@pytest.mark.parametrize(
    "length",
    [str(400 * 1024 * 1024), None, "1000"],
    ids=["content-length", "chunked", "lying-content-length"],
)
def test_a_large_body_is_refused_before_it_is_read_whole(office, clock, length):
    headers = {"content-length": length} if length else {"transfer-encoding": "chunked"}
    app = create_app(clock=clock)
    status, pulled, reply = asyncio.run(
        _post(app, "/inbound/hmac-hook", headers, _stream(16 << 20))
    )
    assert status == 413
    assert reply["connection"] == "close"
    if length == str(400 * 1024 * 1024):
        assert pulled == 0  # refused by its Content-Length: not one byte read
    else:
        assert pulled <= inbound.MAX_BODY + CHUNK  # refused as soon as it passed the limit
    assert _events() == []


def test_a_body_over_the_limit_gets_one_line_in_the_callers_language(office, clock):
    client = TestClient(create_app(clock=clock))
    r = client.post("/inbound/hmac-hook", content=b"{" + b" " * inbound.MAX_BODY + b"}")
    assert r.status_code == 413
    assert r.json()["message"] == (
        f"Nội dung sự kiện không hợp lệ: larger than {inbound.MAX_BODY} bytes"
    )
    bad = client.post("/inbound/hmac-hook", content=b"{}", headers={"content-length": "-1"})
    assert bad.status_code == 400


def test_unknown_channel_names_are_never_cached(office, clock):
    client = TestClient(create_app(clock=clock))
    body, headers = hmac(clock, "m1")
    for i in range(300):
        r = client.post(f"/inbound/khong-co-{i}", content=body, headers=headers)
        assert r.status_code == 404
    assert len(inbound._cache.channels) == 0
    published(office, "hmac-hook", clock.now(), external_id="m1")
    assert client.post("/inbound/hmac-hook", content=body, headers=headers).status_code == 200
    assert list(inbound._cache.channels.keys()) == ["hmac-hook"]


def test_the_caches_have_a_size_cap():
    assert inbound._cache.channels.maxsize == inbound.MAX_CACHED_CHANNELS
    assert inbound._cache.deliveries.maxsize == inbound.MAX_CACHED_DELIVERIES
    limiter = RateLimiter(1, 1, max_sources=100)
    for i in range(1000):
        limiter.hit(f"10.0.{i // 256}.{i % 256}", 0.0)
    assert len(limiter) == 100


def test_inbound_requests_are_rate_limited_per_source_with_retry_after(office, clock, monkeypatch):
    _settings(monkeypatch, api_inbound_rate="1", api_inbound_burst="3")
    client = TestClient(create_app(clock=clock))
    body, headers = hmac(clock, "m1")
    codes = [client.post("/inbound/khong-co", content=body, headers=headers) for _ in range(4)]
    assert [r.status_code for r in codes] == [404, 404, 404, 429]
    assert codes[-1].headers["retry-after"] == "1"
    assert codes[-1].json()["message"] == (
        "Quá nhiều yêu cầu từ địa chỉ này; hãy thử lại sau 1 giây"
    )
    clock.advance(seconds=1)
    assert client.post("/inbound/khong-co", content=body, headers=headers).status_code == 404


def test_tracked_links_are_rate_limited_per_source(office, clock, monkeypatch):
    _settings(monkeypatch, api_link_rate="0.5", api_link_burst="2")
    client = TestClient(create_app(clock=clock))
    codes = [client.get("/l/unknown1", follow_redirects=False).status_code for _ in range(3)]
    assert codes == [404, 404, 429]
    r = client.head("/l/unknown1")
    assert r.status_code == 429 and r.headers["retry-after"] == "2"


def test_a_limit_of_zero_turns_rate_limiting_off(office, clock, monkeypatch):
    _settings(monkeypatch, api_link_rate="0", api_link_burst="1")
    client = TestClient(create_app(clock=clock))
    assert {client.get("/l/unknown1").status_code for _ in range(20)} == {404}


def test_the_limiter_keeps_one_bucket_per_source():
    limiter = RateLimiter(1, 2)
    assert [limiter.hit("a", 0.0) for _ in range(3)] == [0, 0, 1]
    assert limiter.hit("b", 0.0) == 0  # another source is not held back
    assert limiter.hit("a", 1.0) == 0  # a token came back after 1 s
    assert source_key("2001:db8:1:2:3:4:5:6") == source_key("2001:db8:1:2:ffff::1")
    assert source_key("2001:db8:1:2::1") != source_key("2001:db8:1:3::1")
    assert source_key("::ffff:198.51.100.4") == "198.51.100.4"
    assert source_key("198.51.100.4") == "198.51.100.4"


@pytest.fixture
def exposed(office):
    with session_scope() as s:
        channel = s.get(Channel, office.channels["hmac-hook"].id)
        channel.health = ChannelHealth.FLAGGED
        s.add(channel)
        s.add(WorkerHeartbeat(worker_id="w-1", role="scheduler", host="may-chu-noi-bo-7"))
    return office


def test_health_tells_only_up_or_down_without_the_token(exposed, clock, monkeypatch):
    _settings(monkeypatch, health_token="health-token-0123456789")
    client = TestClient(create_app(clock=clock))
    r = client.get("/health")
    assert r.status_code in (200, 503)
    assert set(r.json()) == {"status"}
    assert "hmac-hook" not in r.text and "may-chu-noi-bo-7" not in r.text
    wrong = client.get("/health", headers={"authorization": "Bearer nope"})
    assert wrong.status_code == 401 and "hmac-hook" not in wrong.text
    full = client.get("/health", headers={"authorization": "Bearer health-token-0123456789"})
    assert full.status_code == r.status_code
    assert "hmac-hook" in full.text and "may-chu-noi-bo-7" in full.text


def test_health_details_stay_closed_when_no_token_is_configured(exposed, clock, monkeypatch):
    monkeypatch.delenv("PUBLISHER_HEALTH_TOKEN", raising=False)
    get_settings.cache_clear()
    client = TestClient(create_app(clock=clock))
    for headers in ({}, {"authorization": "Bearer "}, {"authorization": "Bearer None"}):
        r = client.get("/health", headers=headers)
        assert "hmac-hook" not in r.text and "may-chu-noi-bo-7" not in r.text


def _signed(clock, data: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    ts = str(int(clock.now().timestamp()))
    body = json.dumps(data).encode()
    return body, {
        signing.TIMESTAMP_HEADER: ts,
        signing.HMAC_HEADER: signing.hmac_signature(SECRET, ts, body),
    }


@pytest.mark.parametrize(
    "bad",
    [
        {"event_id": "ev\x00bad", "event": "seen", "delivery": "m1"},
        {"event_id": "ev-2", "event": "seen", "delivery": "m1\x00"},
        {"event_id": "ev-2", "event": "seen", "delivery": "m1", "extra": {"note": ["a\x00"]}},
        {"event_id": "ev-2", "event": "seen", "delivery": "m1", "k\x00": 1},
        {"event_id": "ev\ud800", "event": "seen", "delivery": "m1"},
        {"event_id": "ev-2", "event": "seen", "delivery": "m1", "n": float("nan")},
    ],
    ids=["nul-id", "nul-delivery", "nul-nested", "nul-key", "lone-surrogate", "nan"],
)
def test_an_event_with_text_no_database_stores_is_refused_alone(office, clock, bad):
    published(office, "hmac-hook", clock.now() - timedelta(hours=1), external_id="m1")
    client = TestClient(create_app(clock=clock), raise_server_exceptions=False)
    body, headers = _signed(clock, bad)
    r = client.post("/inbound/hmac-hook", content=body, headers=headers)
    assert r.status_code == 400
    assert r.json()["message"].startswith("Nội dung sự kiện không hợp lệ")
    assert "\n" not in r.json()["message"]
    good, good_headers = hmac(clock, "m1", event_id="ev-ok")
    assert client.post("/inbound/hmac-hook", content=good, headers=good_headers).status_code == 200
    assert [e.event_id.split(":", 1)[1] for e in _events()] == ["ev-ok"]


def test_a_row_the_database_refuses_fails_alone_in_its_batch(office, clock, db):
    """The batcher's own guard: rows past the validation (or a database's own refusal) do not
    take the valid events of their batch down with them."""
    published(office, "hmac-hook", clock.now(), external_id="m1")
    good = [
        inbound.prepare_event(
            "hmac-hook",
            body,
            {k.lower(): v for k, v in headers.items()},
        )
        for body, headers in (hmac(clock, "m1", event_id=f"ok-{i}") for i in range(3))
    ]
    poison = ["bad-\ud800"] + (["bad-\x00"] if db.backend == "postgres" else [])
    bad = [{**good[0], "event_id": f"{good[0]['channel_id']}:{p}"} for p in poison]
    writer = EventWriter(get_engine)

    async def together() -> list[Any]:
        rows = [good[0], *bad, good[1], good[2]]
        return await asyncio.gather(*(writer.submit(r) for r in rows), return_exceptions=True)

    results = asyncio.run(together())
    assert results[0] is True and results[-2:] == [True, True]
    assert all(isinstance(r, Exception) for r in results[1:-2])
    with session_scope() as s:
        stored = sorted(e.event_id.split(":", 1)[1] for e in s.exec(select(InboundEvent)))
    assert stored == ["ok-0", "ok-1", "ok-2"]


def test_a_database_that_does_not_answer_gets_503_and_no_row_by_row_retry(office, clock, tmp_path):
    from sqlalchemy import create_engine

    published(office, "hmac-hook", clock.now(), external_id="m1")
    body, headers = hmac(clock, "m1", event_id="warm")
    good = TestClient(create_app(clock=clock))
    assert good.post("/inbound/hmac-hook", content=body, headers=headers).status_code == 200
    # Channel keys and delivery are cached now; the database then stops answering.
    dead = create_engine(f"sqlite:///{tmp_path}/missing/dir/x.db")
    calls = 0

    def engine():
        nonlocal calls
        calls += 1
        return dead

    writer = EventWriter(engine)
    rows = [
        inbound.prepare_event("hmac-hook", b, {k.lower(): v for k, v in h.items()})
        for b, h in (hmac(clock, "m1", event_id=f"down-{i}") for i in range(3))
    ]

    async def together() -> list[Any]:
        return await asyncio.gather(*(writer.submit(r) for r in rows), return_exceptions=True)

    assert all(type(r).__name__ == "OperationalError" for r in asyncio.run(together()))
    assert calls == 1  # one attempt for the batch, not one more per row
    client = TestClient(create_app(dead, clock=clock))
    body, headers = hmac(clock, "m1", event_id="down-9")
    r = client.post("/inbound/hmac-hook", content=body, headers=headers)
    assert r.status_code == 503
    assert r.json()["message"].startswith("Chưa lưu được sự kiện")
