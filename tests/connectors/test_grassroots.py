"""The grassroots connector's contract: a drop folder and an upload endpoint (the sandbox's
emulator over real HTTP with httpx), exactly once, its error table row by row, and the
signed played-confirmations it verifies.

The shared contract table (test_contract.py) publishes text, photo and video posts, which a
loudspeaker channel refuses by design; the same contract cases run here with an MP3.
"""

from __future__ import annotations

import errno
import time
from pathlib import Path
from typing import Any

import pytest

from connectors import signing
from connectors.base import ChannelConfig, MediaItem, OutgoingPost
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
from connectors.grassroots import GrassrootsConnector
from connectors.grassroots_errors import classify_os
from connectors.sandbox.client import SandboxClient

from .conftest import FAST_TIMEOUT, HOOK_SECRET, closed_port_url, contract_mp3

SCRIPT = "Đây là bản tin phát thanh cơ sở của xã Tân Phong."


@pytest.fixture(scope="module")
def mp3() -> MediaItem:
    return contract_mp3()


def post(mp3: MediaItem, key: str = "") -> OutgoingPost:
    return OutgoingPost(
        SCRIPT,
        (mp3,),
        idempotency_key=key or f"delivery-{time.time_ns()}",
        metadata={"post_id": 7, "title": "Bản tin tuần"},
    )


def folder_channel(folder: Path) -> GrassrootsConnector:
    return GrassrootsConnector(ChannelConfig("grassroots", "Loa xã", {"drop_dir": str(folder)}))


def upload_channel(url: str, secret: str = HOOK_SECRET, timeout: float = 10.0) -> Any:
    config = ChannelConfig("grassroots", "Loa xã", {"url": url}, {"secret": secret})
    return GrassrootsConnector(config, timeout=timeout)


# -- drop folder ------------------------------------------------------------------------------
def test_a_bulletin_lands_in_the_drop_folder_with_its_script(
    tmp_path: Path, mp3: MediaItem
) -> None:
    result = folder_channel(tmp_path).publish(post(mp3, "key-1"))

    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["bulletin-key-1.mp3", "bulletin-key-1.txt"]
    assert (tmp_path / "bulletin-key-1.mp3").read_bytes() == mp3.path.read_bytes()
    assert (tmp_path / "bulletin-key-1.txt").read_text(encoding="utf-8") == SCRIPT
    assert result.external_id == "bulletin-key-1.mp3"


def test_a_retry_of_the_same_delivery_never_makes_a_second_file(
    tmp_path: Path, mp3: MediaItem
) -> None:
    connector = folder_channel(tmp_path)
    connector.publish(post(mp3, "key-2"))

    again = connector.publish(post(mp3, "key-2"))

    assert again.raw.get("duplicate") is True
    assert len(list(tmp_path.glob("*.mp3"))) == 1
    assert not list(tmp_path.glob(".*.part"))


def test_a_missing_drop_folder_is_a_configuration_error(tmp_path: Path, mp3: MediaItem) -> None:
    with pytest.raises(ConfigError):
        folder_channel(tmp_path / "gone").publish(post(mp3))


def test_a_check_of_a_missing_drop_folder_says_so_in_vietnamese(tmp_path: Path) -> None:
    """``channel test`` and the «Kiểm tra» button print the detail after a Vietnamese
    sentence: it is Vietnamese too (as the SFTP steps' are) and names the folder."""
    result = folder_channel(tmp_path / "gone").check()
    assert not result.ok and result.error_kind == "config"
    assert "Thư mục nhận tệp" in result.detail and str(tmp_path / "gone") in result.detail
    assert "not writable" not in result.detail
    assert folder_channel(tmp_path).check().ok


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (errno.ENOENT, ConfigError),
        (errno.EACCES, ConfigError),
        (errno.EROFS, ConfigError),
        (errno.ENOSPC, TransientError),
        (errno.EIO, TransientError),
    ],
)
def test_each_folder_error_maps_to_its_class(code: int, expected: type[ConnectorError]) -> None:
    assert type(classify_os(OSError(code, "x"))) is expected


# -- upload endpoint --------------------------------------------------------------------------
def test_an_upload_is_signed_and_received_once(sb: SandboxClient, mp3: MediaItem) -> None:
    connector = upload_channel(f"{sb.url}/grassroots/xa-tan-phong")

    result = connector.publish(post(mp3, "key-3"))

    [row] = sb.published("grassroots")
    assert result.external_id.startswith("bul_")
    assert row["filename"] == "bulletin-key-3.mp3"
    assert row["size"] == mp3.path.stat().st_size


def test_a_retry_after_an_ambiguous_upload_makes_one_upload(
    sb: SandboxClient, mp3: MediaItem
) -> None:
    url = f"{sb.url}/grassroots/xa-tan-phong"
    sb.add_fault("grassroots", "timeout", when="after", seconds=FAST_TIMEOUT + 1.0, times=1)
    with pytest.raises(AmbiguousError):
        upload_channel(url, timeout=FAST_TIMEOUT).publish(post(mp3, "key-4"))

    retried = upload_channel(url).publish(post(mp3, "key-4"))

    assert len(sb.published("grassroots")) == 1
    assert retried.external_id.startswith("bul_")


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ({"status": 401}, AuthError),
        ({"status": 429, "retry_after": 9}, RateLimitedError),
        ({"status": 422}, PermanentError),
        ({"status": 409}, DuplicateError),
        ({"status": 500}, AmbiguousError),
    ],
)
def test_each_upload_answer_maps_to_its_class(
    sb: SandboxClient, mp3: MediaItem, fault: dict[str, Any], expected: type[ConnectorError]
) -> None:
    sb.add_fault("grassroots", "error", times=1, **fault)

    with pytest.raises(expected):
        upload_channel(f"{sb.url}/grassroots/x").publish(post(mp3))

    assert sb.published("grassroots") == []


def test_a_wrong_secret_is_an_auth_error(sb: SandboxClient, mp3: MediaItem) -> None:
    with pytest.raises(AuthError) as info:
        upload_channel(f"{sb.url}/grassroots/x", secret="wrong-secret").publish(post(mp3))
    assert "wrong-secret" not in str(info.value)


def test_a_refused_connection_is_transient(mp3: MediaItem) -> None:
    with pytest.raises(TransientError):
        upload_channel(f"{closed_port_url()}/grassroots/x").publish(post(mp3))


# -- configuration and content ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("settings", "credentials", "code"),
    [
        ({}, {}, "grassroots_target"),
        ({"drop_dir": "/srv/loa", "url": "https://loa.example.vn/up"}, {}, "grassroots_target"),
        ({"url": "https://loa.example.vn/up"}, {}, "missing_credential"),
        ({"drop_dir": "relative/folder"}, {}, "grassroots_drop_dir"),
    ],
)
def test_a_channel_needs_exactly_one_usable_target(
    settings: dict[str, str], credentials: dict[str, str], code: str
) -> None:
    problems = GrassrootsConnector.validate_config(
        ChannelConfig("grassroots", "Loa", settings, credentials)
    )
    assert code in [p.code for p in problems]


def test_a_post_without_audio_is_refused_before_its_time(tmp_path: Path) -> None:
    problems = folder_channel(tmp_path).validate(OutgoingPost("chỉ có chữ", ()))
    assert "grassroots_no_audio" in [p.code for p in problems]


# -- played confirmations ---------------------------------------------------------------------
def _signed(body: bytes, secret: str, ts: float) -> dict[str, str]:
    stamp = str(int(ts))
    return {
        signing.TIMESTAMP_HEADER.lower(): stamp,
        signing.HMAC_HEADER.lower(): signing.hmac_signature(secret, stamp, body),
    }


@pytest.mark.parametrize(
    ("secret", "age", "ok"),
    [(HOOK_SECRET, 0, True), ("other", 0, False), (HOOK_SECRET, 3600, False)],
    ids=["signed", "wrong-secret", "replayed-an-hour-later"],
)
def test_a_played_confirmation_is_checked_by_signature_and_age(
    secret: str, age: float, ok: bool
) -> None:
    config = ChannelConfig("grassroots", "Loa", {"url": "https://x.vn"}, {"secret": HOOK_SECRET})
    body = b'{"event":"played","event_id":"e1","delivery":"k","commune":"xa-a"}'
    now = time.time()
    headers = _signed(body, secret, now - age)

    verified = GrassrootsConnector.verify_inbound(
        config, body, headers, {}, now=now, tolerance_s=300
    )

    assert verified is ok
