"""A Zalo OA's own webhook events (follow, user_send_text...) on POST /inbound/<channel>:
verified with the mac scheme and the OA secret key, stored once, counted on the statistics."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient

from connectors import signing
from publisher.api import create_app
from publisher.db import session_scope
from publisher.models import KeyValue
from publisher.services.insight import audience
from tests.factories import ADMIN, make_office

OA_SECRET = "oa-secret-key-0123"


@pytest.fixture(autouse=True)
def _fresh_keys() -> None:
    from publisher.services import inbound

    inbound.clear_cache()  # channel keys are cached by name for 30 s


@pytest.fixture
def office(sqlite_db: Any, clock: Any) -> Any:
    return make_office(
        "so-khcn",
        channels={
            "zalo": {
                "kind": "zalo_oa",
                "settings": {"oa_id": "4242", "app_id": "777"},
                "credentials": {
                    "app_secret": "s3cret-app",
                    "access_token": "zat-1",
                    "refresh_token": "zrt-1",
                    "oa_secret_key": OA_SECRET,
                },
            }
        },
    )


def event(clock: Any, name: str, user: str = "u1", **extra: Any) -> dict[str, Any]:
    body = {
        "app_id": "777",
        "oa_id": "4242",
        "event_name": name,
        "timestamp": str(int(clock.now().timestamp() * 1000)),
        "sender": {"id": user},
        "recipient": {"id": "4242"},
        **extra,
    }
    if name == "follow":
        body["follower"] = {"id": user}
    return body


def post(client: TestClient, body: dict[str, Any], secret: str = OA_SECRET) -> Any:
    raw = json.dumps(body).encode()
    mac = signing.zalo_signature("777", raw, body["timestamp"], secret)
    return client.post("/inbound/zalo", content=raw, headers={signing.ZALO_HEADER: mac})


def test_oa_events_are_verified_stored_once_and_counted(office: Any, clock: Any) -> None:
    client = TestClient(create_app(clock=clock))
    follow = event(clock, "follow")
    assert post(client, follow).json()["duplicate"] is False
    assert post(client, follow).json()["duplicate"] is True  # a retry by Zalo counts once
    text = event(clock, "user_send_text", message={"msg_id": "m1", "text": "Xin chào"})
    assert post(client, text).status_code == 200
    assert post(client, event(clock, "unfollow", "u2")).status_code == 200
    # Wrong key: refused, nothing stored.
    forged = post(client, event(clock, "follow", "u3"), secret="wrong-key")
    assert forged.status_code == 401
    with session_scope() as s:
        s.add(
            KeyValue(
                key=f"audience.{office.channels['zalo'].id}",
                value={"count": 10, "at": clock.now().isoformat(), "history": []},
            )
        )
    with session_scope(readonly=True) as s:
        [row] = audience.current(s, ADMIN)
    assert (row["follows"], row["unfollows"], row["messages"]) == (1, 1, 1)


def test_without_an_oa_secret_key_events_are_refused(sqlite_db: Any, clock: Any) -> None:
    make_office(
        "so-khcn",
        channels={
            "zalo": {
                "kind": "zalo_oa",
                "settings": {"oa_id": "4242", "app_id": "777"},
                "credentials": {"app_secret": "s3cret-app"},
            }
        },
    )
    client = TestClient(create_app(clock=clock))
    assert post(client, event(clock, "follow")).status_code == 404
