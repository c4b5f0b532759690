"""Webhook specifics: payload, signatures a receiver can verify, media, idempotent retries."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from connectors import signing
from connectors.base import MediaItem, OutgoingPost
from connectors.errors import AmbiguousError, ConfigError
from connectors.sandbox import SandboxHandle
from connectors.sandbox.client import SandboxClient

from .conftest import HOOK_SECRET, ConnectorFactory

META = {
    "delivery_id": 55,
    "post_id": 7,
    "organisation": "UBND tỉnh",
    "campaign": "18/5",
    "scheduled_at": "2026-05-18T01:00:00+00:00",
}


def post(media: tuple[MediaItem, ...] = (), key: str = "delivery-55", **meta: Any) -> OutgoingPost:
    return OutgoingPost("Thông cáo báo chí", media, idempotency_key=key, metadata=META | meta)


@pytest.mark.parametrize("scheme", ["zalo", "hmac"])
def test_body_and_headers_verify_with_the_receiver_functions(
    scheme: str, make_connector: ConnectorFactory
) -> None:
    hook = make_connector(f"webhook-{scheme}")
    now = datetime(2026, 5, 18, 1, 0, 5, tzinfo=UTC)
    body = hook.build_body(post(), now=now)  # type: ignore[attr-defined]
    headers = hook.sign_headers(body, now=now.timestamp())  # type: ignore[attr-defined]
    data = json.loads(body)
    assert data["event"] == "post.published" and data["channel"] == "Test webhook-" + scheme
    assert data["organisation"] == "UBND tỉnh" and data["sent_at"].startswith("2026-05-18")
    assert data["delivery_id"] == 55 and data["idempotency_key"] == "delivery-55"
    if scheme == "zalo":
        assert data["app_id"] == "app-1" and data["timestamp"] == "1779066005000"
        assert signing.verify_zalo(
            "app-1", body, data["timestamp"], HOOK_SECRET, headers[signing.ZALO_HEADER]
        )
    else:
        assert signing.verify_hmac(
            HOOK_SECRET,
            headers[signing.TIMESTAMP_HEADER],
            body,
            headers[signing.HMAC_HEADER],
            now=now.timestamp(),
        )


def test_media_travel_as_urls_or_inline_base64(
    make_connector: ConnectorFactory, photo: MediaItem, video: MediaItem
) -> None:
    hook = make_connector("webhook-hmac")
    body = json.loads(
        hook.build_body(  # type: ignore[attr-defined]
            post((photo, video), media_urls=[None, "https://cdn.example.org/v.mp4"])
        )
    )
    inline, linked = body["media"]
    assert base64.b64decode(inline["data_base64"]) == photo.path.read_bytes()
    assert linked == {
        "kind": "video",
        "mime": "video/mp4",
        "name": "clip.mp4",
        "url": "https://cdn.example.org/v.mp4",
    }


def test_every_request_carries_the_idempotency_key(
    make_connector: ConnectorFactory, sb: SandboxClient
) -> None:
    make_connector("webhook-hmac").publish(post(key="delivery-abc"))
    [record] = sb.published("webhook")
    assert record["idempotency_key"] == "delivery-abc"


def test_retry_after_an_ambiguous_failure_does_not_double_post(
    make_connector: ConnectorFactory, sb: SandboxClient
) -> None:
    hook = make_connector("webhook-zalo")
    sb.add_fault("webhook", "drop")  # accepted and recorded, then the socket is closed
    with pytest.raises(AmbiguousError):
        hook.publish(post(key="delivery-retry"))
    result = hook.publish(post(key="delivery-retry"))  # the engine may retry: dedupes=True

    assert len(sb.published("webhook")) == 1
    assert result.external_id == sb.published("webhook")[0]["external_id"]


def test_a_delivery_without_a_key_is_refused(
    make_connector: ConnectorFactory, sandbox: SandboxHandle
) -> None:
    with pytest.raises(ConfigError):
        make_connector("webhook-hmac").publish(OutgoingPost("x"))
    assert sandbox.state.records == []


def test_records_do_not_store_inline_media(
    make_connector: ConnectorFactory, sb: SandboxClient, photo: MediaItem
) -> None:
    make_connector("webhook-hmac").publish(post((photo,)))
    [record] = sb.published("webhook")
    [item] = record["payload"]["media"]
    assert "data_base64" not in item and item["inline_base64_chars"] > 0
