"""One contract, every connector: real client libraries against the sandbox over loopback."""

from __future__ import annotations

import time
from typing import Any

import pytest

from connectors.base import MediaItem, OutgoingPost
from connectors.errors import (
    AmbiguousError,
    AuthError,
    ConnectorError,
    DuplicateError,
    PermanentError,
    RateLimitedError,
    TransientError,
)
from connectors.sandbox.client import SandboxClient

from .conftest import (
    CONTRACT,
    FAST_TIMEOUT,
    KINDS,
    ConnectorFactory,
    closed_port_url,
    platform_of,
)

TEXT = "Chào mừng ngày Khoa học và Công nghệ Việt Nam 18/5 <b>&</b> đổi mới sáng tạo"


def post(
    media: tuple[MediaItem, ...] = (), text: str = TEXT, key: str = "", site: str = ""
) -> OutgoingPost:
    metadata: dict[str, Any] = {
        "post_id": 7,
        "organisation": "Sở KH&CN",
        "campaign": "18/5",
        "scheduled_at": "2026-05-18T01:00:00Z",
    }
    if site and media:  # our public URL of each file, as the engine gives it
        metadata["public_media_urls"] = [f"{site}/{m.path.name}" for m in media]
    return OutgoingPost(
        text, media, idempotency_key=key or f"delivery-{time.time_ns()}", metadata=metadata
    )


def accepted(sb: SandboxClient, kind: str) -> list[dict[str, Any]]:
    return sb.published(platform_of(kind))


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.mark.parametrize("shape", ["text", "photo", "album", "video"])
def test_it_publishes_each_shape_through_the_real_library(
    kind: str,
    shape: str,
    make_connector: ConnectorFactory,
    sb: SandboxClient,
    photo: MediaItem,
    album: tuple[MediaItem, ...],
    video: MediaItem,
    public_site: str,
) -> None:
    if shape not in CONTRACT[kind].shapes:
        pytest.skip("the platform takes other shapes (its own module tests them)")
    media = {"text": (), "photo": (photo,), "album": album, "video": (video,)}[shape]
    connector = make_connector(kind)
    assert connector.validate(post(media)) == []

    result = connector.publish(post(media, site=public_site))

    assert result.external_id
    rows = accepted(sb, kind)
    assert rows, "the sandbox recorded nothing"
    # The user's text arrives intact (for Telegram: escaped in HTML, shown unescaped).
    assert any(r.get("text") == TEXT for r in rows)
    # Album photos are uploaded unpublished first on Facebook: count every accepted upload.
    uploads = [r for r in sb.records(platform_of(kind)) if r["accepted"]]
    files = sum(len(r.get("files") or []) for r in uploads)
    if platform_of(kind) == "webhook":
        payload = rows[-1]["payload"]
        assert payload["text"] == TEXT and len(payload["media"]) == len(media)
        assert payload["organisation"] == "Sở KH&CN"
    else:
        assert files == len(media)


def test_telegram_shows_the_text_exactly(make_connector: ConnectorFactory, sandbox: Any) -> None:
    make_connector("telegram").publish(post())
    [record] = [r for r in sandbox.state.records if r["accepted"]]
    assert record["fields"]["parse_mode"] == "HTML"
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in record["fields"]["text"]


# -- failure classes ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "error_class",
    [AuthError, RateLimitedError, PermanentError, DuplicateError, AmbiguousError],
    ids=lambda c: c.__name__,
)
def test_each_platform_error_maps_to_its_class(
    kind: str,
    error_class: type[ConnectorError],
    make_connector: ConnectorFactory,
    sb: SandboxClient,
) -> None:
    spec = CONTRACT[kind].faults[error_class]
    if spec is None:
        pytest.skip("the platform has no duplicate signal")
    sb.add_fault(platform_of(kind), times=1, **spec)

    with pytest.raises(error_class) as info:
        make_connector(kind).publish(post())

    if error_class is RateLimitedError:
        assert info.value.retry_after == CONTRACT[kind].retry_after
    assert sb.published(platform_of(kind)) == []


def test_a_refused_connection_is_transient(kind: str, make_connector: ConnectorFactory) -> None:
    with pytest.raises(TransientError):
        make_connector(kind, url=closed_port_url()).publish(post())


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_timeout_is_ambiguous(
    kind: str, when: str, make_connector: ConnectorFactory, sb: SandboxClient
) -> None:
    sb.add_fault(platform_of(kind), "timeout", when=when, seconds=FAST_TIMEOUT + 1.0)
    started = time.monotonic()

    with pytest.raises(AmbiguousError):
        make_connector(kind, timeout=FAST_TIMEOUT).publish(post())

    assert time.monotonic() - started < FAST_TIMEOUT + 0.9
    # "after" means the platform accepted it although the client saw no answer.
    assert len(sb.published(platform_of(kind))) == (1 if when == "after" else 0)


def test_a_dropped_connection_after_recording_is_ambiguous(
    kind: str, make_connector: ConnectorFactory, sb: SandboxClient
) -> None:
    sb.add_fault(platform_of(kind), "drop")

    with pytest.raises(AmbiguousError):
        make_connector(kind).publish(post())

    assert len(sb.published(platform_of(kind))) == 1


def test_injected_latency_is_only_latency(
    kind: str, make_connector: ConnectorFactory, sb: SandboxClient
) -> None:
    sb.add_fault(platform_of(kind), "latency", seconds=0.3)
    started = time.monotonic()
    make_connector(kind).publish(post())
    assert time.monotonic() - started >= 0.3


def test_an_unknown_token_is_an_auth_error(kind: str, make_connector: ConnectorFactory) -> None:
    with pytest.raises(AuthError):
        make_connector(kind, credentials=dict(CONTRACT[kind].revoked)).publish(post())


def test_check_reports_the_credentials(kind: str, make_connector: ConnectorFactory) -> None:
    assert make_connector(kind).check().ok
    if CONTRACT[kind].checks_credentials:
        assert not make_connector(kind, credentials=dict(CONTRACT[kind].revoked)).check().ok
