"""The API service: signed inbound events (both schemes), replays, tracked links, health."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from connectors import signing
from publisher.api import create_app
from publisher.api.server import run_in_thread
from publisher.db import session_scope
from publisher.models import InboundEvent, TrackedLink
from publisher.services.insight import engagement, inbound
from publisher.services.publishing import links
from tests.factories import make_office
from tests.stats.conftest import published

SECRET = "s3cret-inbound"


@pytest.fixture
def office(db, clock, monkeypatch):
    monkeypatch.setenv("PUBLISHER_ALLOW_PRIVATE_WEBHOOKS", "1")
    inbound.clear_cache()
    return make_office(
        channels={
            "zalo-oa": {
                "kind": "webhook",
                "settings": {
                    "url": "https://oa.example.org/hook",
                    "signature": "zalo",
                    "app_id": "4321",
                },
                "credentials": {"secret": SECRET},
            },
            "hmac-hook": {
                "kind": "webhook",
                "settings": {"url": "https://h.example.org/hook", "signature": "hmac"},
                "credentials": {"secret": SECRET},
            },
        }
    )


@pytest.fixture
def client(office, clock):
    return TestClient(create_app(clock=clock))


def zalo(
    clock, delivery: str, event_id: str = "ev-1", kind: str = "reaction", skew: float = 0
) -> tuple[bytes, dict[str, str]]:
    ts = str(int((clock.now().timestamp() + skew) * 1000))
    body = json.dumps(
        {
            "event_id": event_id,
            "event": kind,
            "delivery": delivery,
            "app_id": "4321",
            "timestamp": ts,
        }
    ).encode()
    return body, {
        signing.ZALO_HEADER: signing.zalo_signature("4321", body, ts, SECRET),
        "content-type": "application/json",
    }


def hmac(
    clock,
    delivery: str,
    event_id: str = "ev-1",
    kind: str = "seen",
    skew: float = 0,
    secret: str = SECRET,
) -> tuple[bytes, dict[str, str]]:
    ts = str(int(clock.now().timestamp() + skew))
    body = json.dumps({"event_id": event_id, "event": kind, "delivery": delivery}).encode()
    return body, {
        signing.TIMESTAMP_HEADER: ts,
        signing.HMAC_HEADER: signing.hmac_signature(secret, ts, body),
    }


def _events():
    with session_scope() as s:
        return list(s.exec(select(InboundEvent)))


def test_zalo_signed_event_is_stored_against_its_delivery(office, client, clock):
    d = published(office, "zalo-oa", clock.now() - timedelta(hours=1), external_id="zmsg-1")
    body, headers = zalo(clock, "zmsg-1")
    r = client.post("/inbound/zalo-oa", content=body, headers=headers)
    assert r.status_code == 200 and r.json()["delivery_id"] == d.id
    (event,) = _events()
    assert (event.kind, event.delivery_id) == ("reaction", d.id)


def test_hmac_event_may_name_the_delivery_by_its_idempotency_key(office, client, clock):
    d = published(office, "hmac-hook", clock.now() - timedelta(hours=1))
    body, headers = hmac(clock, d.idempotency_key)
    assert client.post("/inbound/hmac-hook", content=body, headers=headers).status_code == 200
    assert _events()[0].delivery_id == d.id


@pytest.mark.parametrize("tamper", ["body", "signature", "secret", "missing"])
def test_bad_signatures_are_refused_with_a_clear_error(office, client, clock, tamper):
    published(office, "hmac-hook", clock.now(), external_id="m1")
    body, headers = hmac(clock, "m1", secret="wrong" if tamper == "secret" else SECRET)
    if tamper == "body":
        body = body.replace(b"seen", b"click")
    if tamper == "signature":
        headers[signing.HMAC_HEADER] = "sha256=" + "0" * 64
    if tamper == "missing":
        headers.pop(signing.HMAC_HEADER)
    r = client.post("/inbound/hmac-hook", content=body, headers=headers)
    assert r.status_code == 401
    assert r.json()["message"] == "Chữ ký không hợp lệ hoặc sự kiện quá cũ"
    assert _events() == []


@pytest.mark.parametrize("scheme", ["zalo", "hmac"])
def test_replays_outside_the_window_are_refused(office, client, clock, scheme):
    published(office, "zalo-oa", clock.now(), external_id="m1")
    published(office, "hmac-hook", clock.now(), external_id="m1")
    make, channel = (zalo, "zalo-oa") if scheme == "zalo" else (hmac, "hmac-hook")
    body, headers = make(clock, "m1")
    assert client.post(f"/inbound/{channel}", content=body, headers=headers).status_code == 200
    clock.advance(seconds=inbound.WINDOW_SECONDS + 5)
    r = client.post(f"/inbound/{channel}", content=body, headers=headers)
    assert r.status_code == 401
    stale, stale_headers = make(clock, "m1", event_id="ev-2", skew=-3600)
    assert (
        client.post(f"/inbound/{channel}", content=stale, headers=stale_headers).status_code == 401
    )
    assert len(_events()) == 1


def test_a_replay_inside_the_window_is_acknowledged_but_counted_once(office, client, clock):
    d = published(office, "hmac-hook", clock.now(), external_id="m1")
    body, headers = hmac(clock, "m1")
    first = client.post("/inbound/hmac-hook", content=body, headers=headers).json()
    second = client.post("/inbound/hmac-hook", content=body, headers=headers).json()
    assert (first["duplicate"], second["duplicate"]) == (False, True)
    engagement.collect_all()
    with session_scope() as s:
        assert engagement.inbound_metrics(s, [d.id])[d.id].views == 1


def test_unknown_delivery_channel_and_malformed_bodies(office, client, clock):
    body, headers = hmac(clock, "nope")
    r = client.post(
        "/inbound/hmac-hook", content=body, headers={**headers, "accept-language": "en"}
    )
    assert r.status_code == 404 and r.json()["message"] == "No delivery «nope» on this channel"
    assert client.post("/inbound/other", content=body, headers=headers).status_code == 404
    ts = str(int(clock.now().timestamp()))
    for raw in (
        b"not json",
        b'{"event": "seen"}',
        b'{"event_id": "x", "event": "boom", "delivery": "m"}',
    ):
        sig = signing.hmac_signature(SECRET, ts, raw)
        r = client.post(
            "/inbound/hmac-hook",
            content=raw,
            headers={signing.TIMESTAMP_HEADER: ts, signing.HMAC_HEADER: sig},
        )
        assert r.status_code == 400, raw
        assert r.json()["message"].startswith("Nội dung sự kiện không hợp lệ")
    assert _events() == []


def test_tracked_links_rewrite_text_with_utm_and_count_clicks(office, client, clock):
    d = published(office, "hmac-hook", clock.now(), external_id="m1", campaign="ngay-cds")
    with session_scope() as s:
        out = links.rewrite_for_delivery(
            s,
            d.id,
            "Xem tại https://khcn.dongnai.gov.vn/tin?id=5. Cảm ơn!",
            base_url="http://testserver",
        )
        again = links.rewrite_for_delivery(
            s,
            d.id,
            "Xem tại https://khcn.dongnai.gov.vn/tin?id=5. Cảm ơn!",
            base_url="http://testserver",
        )
    assert out.text == again.text  # a retried publish shows the same link
    assert out.text.endswith(". Cảm ơn!") and "/l/" in out.text
    code = out.codes[0]
    for _ in range(3):
        r = client.get(f"/l/{code}", follow_redirects=False)
        assert r.status_code == 302
    target = r.headers["location"]
    assert target.startswith("https://khcn.dongnai.gov.vn/tin?id=5&utm_source=zalo")
    assert "utm_campaign=ngay-cds-2026" in target and "utm_content=hmac-hook" in target
    assert client.get("/l/unknown1", follow_redirects=False).status_code == 404
    engagement.collect_all()
    with session_scope() as s:
        assert s.exec(select(TrackedLink.clicks).where(TrackedLink.code == code)).one() == 3
        from publisher.models import EngagementLatest

        assert s.get(EngagementLatest, d.id).clicks == 3


def test_a_real_server_answers_events_clicks_and_health_over_http(office, clock, monkeypatch):
    monkeypatch.setenv("PUBLISHER_HEALTH_TOKEN", "health-token-for-monitoring")
    from publisher.config import get_settings

    get_settings.cache_clear()
    d = published(office, "zalo-oa", clock.now(), external_id="zmsg-9")
    with session_scope() as s:
        code = links.rewrite_for_delivery(s, d.id, "https://example.org/a").codes[0]
    with run_in_thread(clock=clock) as api:
        body, headers = zalo(clock, "zmsg-9", kind="seen")
        with httpx.Client(base_url=api.url, timeout=5) as http:
            assert http.post("/inbound/zalo-oa", content=body, headers=headers).status_code == 200
            r = http.get(f"/l/{code}")  # not followed: httpx default
            assert r.status_code == 302 and r.headers["location"].startswith(
                "https://example.org/a?utm_source=zalo"
            )
            assert set(http.get("/health").json()) == {"status"}  # no details without a token
            health = http.get(
                "/health", headers={"authorization": "Bearer health-token-for-monitoring"}
            )
            assert health.headers["content-type"].startswith("application/json")
            assert {c["name"] for c in health.json()["checks"]} >= {"database", "migrations"}
            metrics = http.get("/metrics")
            assert metrics.status_code == 200 and "publisher_deliveries" in metrics.text
    assert [e.kind for e in _events()] == ["seen"]


def test_concurrent_events_and_replays_are_each_stored_once(office, clock):
    published(office, "hmac-hook", clock.now(), external_id="m1")
    import asyncio

    events = [hmac(clock, "m1", event_id=f"ev-{i % 40}") for i in range(120)]

    async def fire(url: str) -> list[dict]:
        async with httpx.AsyncClient(base_url=url, timeout=10) as http:
            replies = await asyncio.gather(
                *[http.post("/inbound/hmac-hook", content=b, headers=h) for b, h in events]
            )
        return [r.json() for r in replies]

    with run_in_thread(clock=clock) as api:
        replies = asyncio.run(fire(api.url))
    assert all(r["ok"] for r in replies)
    assert sum(not r["duplicate"] for r in replies) == 40
    assert len(_events()) == 40


def test_store_events_marks_a_second_copy_in_one_batch_as_duplicate(office, clock):
    published(office, "hmac-hook", clock.now(), external_id="m1")
    body, headers = hmac(clock, "m1", event_id="same")
    row = inbound.prepare_event("hmac-hook", body, {k.lower(): v for k, v in headers.items()})
    from publisher.db import get_engine

    assert inbound.store_events(get_engine(), [row, dict(row)]) == [True, False]
    assert inbound.store_events(get_engine(), [row]) == [False]
