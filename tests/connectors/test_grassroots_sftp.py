"""The grassroots channel's SFTP drop: paramiko as the client, over real loopback SSH, against
the in-process paramiko server (connectors/sandbox/sftp.py). No mocks.

Exactly once (the final name looked at before any upload, a temporary name renamed into
place), the pinned host key, the error table row by row, and no credential in any error,
result or log line.
"""

from __future__ import annotations

import errno
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from connectors.base import ChannelConfig, MediaItem, OutgoingPost
from connectors.errors import (
    AmbiguousError,
    AuthError,
    ConfigError,
    ConnectorError,
    PermanentError,
    TransientError,
)
from connectors.grassroots import GrassrootsConnector
from connectors.grassroots_errors import SftpStep, classify_sftp
from connectors.sandbox.blackhole import Blackhole
from connectors.sandbox.sftp import SftpServer, SftpUser, new_key, new_key_text
from connectors.sftp_target import Target, TargetError, parse_target

from .conftest import closed_port_url, contract_mp3

PASSWORD = "mat-khau-loa-2026"
SCRIPT = "Đây là bản tin phát thanh cơ sở của xã Tân Phong."
USER_KEY_TEXT = new_key_text()


@pytest.fixture(scope="module")
def mp3() -> MediaItem:
    return contract_mp3()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[SftpServer]:
    from connectors.grassroots_sftp import load_private_key

    root = tmp_path / "srv"
    (root / "in").mkdir(parents=True)
    user_key = load_private_key(USER_KEY_TEXT)
    users = {"loa": SftpUser(password=PASSWORD, keys=(user_key,))}
    with SftpServer(root, users=users) as srv:
        yield srv


def post(mp3: MediaItem, key: str = "") -> OutgoingPost:
    return OutgoingPost(
        SCRIPT,
        (mp3,),
        idempotency_key=key or f"delivery-{time.time_ns()}",
        metadata={"post_id": 7, "title": "Bản tin tuần"},
    )


def channel(
    server: SftpServer,
    *,
    folder: str = "/in",
    host_key: str | None = None,
    password: str | None = PASSWORD,
    key: str | None = None,
    timeout: float = 10.0,
    url: str | None = None,
) -> GrassrootsConnector:
    settings = {
        "sftp_url": url or server.url("loa", folder),
        "sftp_host_key": server.fingerprint if host_key is None else host_key,
    }
    creds = {k: v for k, v in {"sftp_password": password, "sftp_key": key}.items() if v}
    return GrassrootsConnector(
        ChannelConfig("grassroots", "Loa SFTP", settings, creds), timeout=timeout
    )


def mp3s(server: SftpServer, folder: str = "/in") -> list[str]:
    return [n for n in server.files(folder) if n.endswith(".mp3")]


# -- delivery, exactly once ---------------------------------------------------------------------
def test_a_bulletin_lands_once_with_its_script(server: SftpServer, mp3: MediaItem) -> None:
    result = channel(server).publish(post(mp3, "key-1"))

    assert server.files("/in") == ["bulletin-key-1.mp3", "bulletin-key-1.txt"]
    assert (server.root / "in/bulletin-key-1.mp3").read_bytes() == mp3.path.read_bytes()
    assert (server.root / "in/bulletin-key-1.txt").read_text(encoding="utf-8") == SCRIPT
    assert result.external_id == "bulletin-key-1.mp3"
    assert result.raw["path"] == "/in/bulletin-key-1.mp3" and "duplicate" not in result.raw
    assert [row["path"] for row in server.delivered] == ["/in/bulletin-key-1.mp3"]


def test_a_retry_after_a_crash_between_upload_and_record_makes_no_second_file(
    server: SftpServer, mp3: MediaItem
) -> None:
    channel(server).publish(post(mp3, "key-2"))  # delivered; the worker dies before recording

    again = channel(server).publish(post(mp3, "key-2"))  # the engine tries again

    assert again.raw.get("duplicate") is True
    assert mp3s(server) == ["bulletin-key-2.mp3"]
    assert len(server.delivered) == 1
    assert not [n for n in server.files("/in") if n.endswith(".part")]


def test_a_connection_lost_after_the_rename_is_ambiguous_and_the_retry_finds_the_file(
    server: SftpServer, mp3: MediaItem
) -> None:
    server.fault("rename", "drop_after")
    with pytest.raises(AmbiguousError):
        channel(server).publish(post(mp3, "key-3"))
    assert mp3s(server) == ["bulletin-key-3.mp3"]  # it did land

    again = channel(server).publish(post(mp3, "key-3"))

    assert again.raw.get("duplicate") is True
    assert len(server.delivered) == 1


def test_a_connection_lost_before_the_rename_leaves_nothing_for_the_reader(
    server: SftpServer, mp3: MediaItem
) -> None:
    server.fault("rename", "drop_before")
    with pytest.raises(AmbiguousError):  # the rename was sent: the drop cannot know
        channel(server).publish(post(mp3, "key-4"))
    assert mp3s(server) == []  # only a hidden temporary name, which players skip

    channel(server).publish(post(mp3, "key-4"))

    assert mp3s(server) == ["bulletin-key-4.mp3"] and len(server.delivered) == 1


def test_a_connection_lost_while_writing_is_transient(server: SftpServer, mp3: MediaItem) -> None:
    server.fault("open", "drop_before")

    with pytest.raises(TransientError):
        channel(server).publish(post(mp3, "key-5"))

    assert mp3s(server) == [] and server.delivered == []


def test_another_file_under_the_final_name_is_never_overwritten(
    server: SftpServer, mp3: MediaItem
) -> None:
    (server.root / "in/bulletin-key-6.mp3").write_bytes(b"ID3 other bulletin")

    with pytest.raises(PermanentError) as info:
        channel(server).publish(post(mp3, "key-6"))

    assert (server.root / "in/bulletin-key-6.mp3").read_bytes() == b"ID3 other bulletin"
    assert "không ghi đè" in str(info.value)


def test_the_script_is_replaced_on_a_server_without_posix_rename(
    server: SftpServer, mp3: MediaItem
) -> None:
    server.posix_rename = False
    (server.root / "in/bulletin-key-9.txt").write_text("kịch bản cũ", encoding="utf-8")

    channel(server).publish(post(mp3, "key-9"))

    assert (server.root / "in/bulletin-key-9.txt").read_text(encoding="utf-8") == SCRIPT
    assert server.files("/in") == ["bulletin-key-9.mp3", "bulletin-key-9.txt"]


def test_a_private_key_logs_in_even_pasted_on_one_line(server: SftpServer, mp3: MediaItem) -> None:
    one_line = USER_KEY_TEXT.replace("\n", "")  # what a password field makes of a pasted key

    channel(server, password=None, key=one_line).publish(post(mp3, "key-7"))

    assert server.auth_attempts == [("loa", "publickey")]
    assert mp3s(server) == ["bulletin-key-7.mp3"]


def test_a_folder_under_the_login_folder(server: SftpServer, mp3: MediaItem) -> None:
    channel(server, folder="/~/in").publish(post(mp3, "key-8"))
    assert mp3s(server) == ["bulletin-key-8.mp3"]


def test_the_sandbox_offers_an_sftp_drop_and_records_each_bulletin_once(
    tmp_path: Path, mp3: MediaItem
) -> None:
    from connectors.sandbox import run_in_thread
    from connectors.sandbox.sftp import SANDBOX_FOLDER, SANDBOX_PASSWORD, SANDBOX_USER

    with run_in_thread(data_dir=tmp_path / "sb", sftp_port=0) as sb:
        drop = sb.sftp
        config = ChannelConfig(
            "grassroots",
            "Loa xã SFTP (hộp cát)",
            {"sftp_url": drop.url(SANDBOX_USER, SANDBOX_FOLDER), "sftp_host_key": drop.fingerprint},
            {"sftp_password": SANDBOX_PASSWORD},
        )
        for _ in range(2):  # a retry of the same delivery
            GrassrootsConnector(config, timeout=10).publish(post(mp3, "sb-1"))
        rows = sb.client.published("grassroots")
        fingerprint = drop.fingerprint

    assert [(r["method"], r["filename"], r["text"]) for r in rows] == [
        ("sftp", "bulletin-sb-1.mp3", SCRIPT)
    ]
    assert (tmp_path / "sb/sftp-drop/in/bulletin-sb-1.mp3").is_file()
    with run_in_thread(data_dir=tmp_path / "sb", sftp_port=0) as again:  # the same host key
        assert again.sftp.fingerprint == fingerprint


# -- refusals, each to its class ----------------------------------------------------------------
def test_a_host_key_that_is_not_the_pinned_one_is_refused_before_logging_in(
    server: SftpServer, mp3: MediaItem
) -> None:
    from connectors.grassroots_sftp import fingerprint

    other = fingerprint(new_key())

    with pytest.raises(ConfigError) as info:
        channel(server, host_key=other).publish(post(mp3))

    assert server.auth_attempts == []  # no user name, no password went to that server
    assert "không khớp" in str(info.value) and server.fingerprint in str(info.value)
    assert info.value.code == "sftp:host_key" and mp3s(server) == []


def test_without_a_pinned_host_key_nothing_connects(server: SftpServer, mp3: MediaItem) -> None:
    with pytest.raises(ConfigError):
        channel(server, host_key="").publish(post(mp3))
    assert server.connections == 0


def test_a_wrong_password_is_an_auth_error_that_never_repeats_it(
    server: SftpServer, mp3: MediaItem
) -> None:
    with pytest.raises(AuthError) as info:
        channel(server, password="sai-mat-khau-99").publish(post(mp3))

    assert "từ chối đăng nhập" in str(info.value)
    assert "sai-mat-khau-99" not in str(info.value) and not info.value.retryable
    assert mp3s(server) == []


def test_a_server_that_is_down_is_transient(mp3: MediaItem, server: SftpServer) -> None:
    port = closed_port_url().rsplit(":", 1)[1]
    url = f"sftp://loa@127.0.0.1:{port}/in"

    with pytest.raises(TransientError) as info:
        channel(server, url=url).publish(post(mp3))

    assert info.value.retryable and "từ chối kết nối" in str(info.value)


def test_a_server_that_never_answers_times_out_as_transient(
    mp3: MediaItem, server: SftpServer
) -> None:
    with Blackhole() as hole:
        url = "sftp://loa@" + hole.url.split("://", 1)[1] + "/in"
        started = time.monotonic()
        with pytest.raises(TransientError):
            channel(server, url=url, timeout=0.5).publish(post(mp3))
    assert time.monotonic() - started < 5


def test_a_missing_folder_is_a_configuration_error(server: SftpServer, mp3: MediaItem) -> None:
    with pytest.raises(ConfigError) as info:
        channel(server, folder="/khong-co").publish(post(mp3))
    assert info.value.code == "sftp:folder:missing" and "/khong-co" in str(info.value)


def test_a_folder_without_write_permission_is_a_configuration_error(
    server: SftpServer, mp3: MediaItem
) -> None:
    server.readonly.add("/in")

    with pytest.raises(ConfigError) as info:
        channel(server).publish(post(mp3))

    assert info.value.code == "sftp:write:denied" and "không có quyền ghi" in str(info.value)
    assert server.files("/in") == []


def test_no_credential_reaches_an_error_a_result_or_a_log_line(
    server: SftpServer, mp3: MediaItem, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    result = channel(server, key=USER_KEY_TEXT).publish(post(mp3))
    texts.append(repr(result))
    for connector in (
        channel(server, password="sai-mat-khau-99"),
        channel(server, host_key="SHA256:" + "A" * 43),
        channel(server, folder="/khong-co"),
    ):
        with pytest.raises(ConnectorError) as info:
            connector.publish(post(mp3))
        texts.append(str(info.value))
        texts.append(repr(connector.check()))
    texts.append(caplog.text)

    blob = "\n".join(texts)
    assert "paramiko" in caplog.text  # the client library's log was captured
    for secret in (PASSWORD, "sai-mat-khau-99", USER_KEY_TEXT.splitlines()[1]):
        assert secret not in blob


# -- check ---------------------------------------------------------------------------------------
def test_check_logs_in_and_finds_the_folder_without_writing(server: SftpServer) -> None:
    assert channel(server).check().ok
    assert channel(server, password="sai").check().error_kind == "auth"
    assert channel(server, folder="/khong-co").check().error_kind == "config"
    assert server.files("/in") == []


def test_check_of_a_server_that_is_down_raises_transient(server: SftpServer) -> None:
    port = closed_port_url().rsplit(":", 1)[1]
    with pytest.raises(TransientError):
        channel(server, url=f"sftp://loa@127.0.0.1:{port}/in").check()


# -- configuration, offline ----------------------------------------------------------------------
FP = "SHA256:" + "A" * 43
HOST = "sftp://loa@loa.example.vn/in"
PW = {"sftp_password": "x"}


def sftp(url: str = HOST, host_key: str | None = FP, **more: str) -> dict[str, str]:
    settings = {"sftp_url": url, **more}
    if host_key is not None:
        settings["sftp_host_key"] = host_key
    return settings


@pytest.mark.parametrize(
    ("settings", "credentials", "code"),
    [
        (sftp(host_key=None), PW, "grassroots_sftp_host_key"),
        (sftp(host_key="MD5:aa:bb"), PW, "grassroots_sftp_host_key"),
        (sftp("sftp://loa:pw-in-url@loa.example.vn/in"), PW, "grassroots_sftp_url_secret"),
        (sftp("ftp://loa@loa.example.vn/in"), PW, "grassroots_sftp_url"),
        (sftp("sftp://loa.example.vn/in"), PW, "grassroots_sftp_url"),
        (sftp("sftp://loa@loa.example.vn:99999/in"), PW, "grassroots_sftp_url"),
        (sftp(), {}, "grassroots_sftp_credential"),
        (sftp(), {"sftp_key": "not a key"}, "grassroots_sftp_key"),
        (sftp(drop_dir="/srv/loa"), PW, "grassroots_target"),
    ],
)
def test_an_sftp_channel_is_judged_offline(
    settings: dict[str, str], credentials: dict[str, str], code: str
) -> None:
    problems = GrassrootsConnector.validate_config(
        ChannelConfig("grassroots", "Loa", settings, credentials)
    )
    assert code in [p.code for p in problems]
    assert "pw-in-url" not in repr(problems)


def test_an_sftp_host_on_the_private_network_needs_the_allowlist(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PUBLISHER_ALLOW_PRIVATE_WEBHOOKS", raising=False)
    monkeypatch.delenv("PUBLISHER_ALLOW_PRIVATE_TARGETS", raising=False)
    settings = {"sftp_url": "sftp://loa@192.168.1.20/in", "sftp_host_key": FP}
    config = ChannelConfig("grassroots", "Loa", settings, {"sftp_password": "x"})

    assert "grassroots_sftp_private" in [
        p.code for p in GrassrootsConnector.validate_config(config)
    ]
    monkeypatch.setenv("PUBLISHER_OUTBOUND_ALLOWLIST", "192.168.1.20:22")
    assert GrassrootsConnector.validate_config(config) == []


def test_a_good_sftp_channel_has_no_problem() -> None:
    settings = {"sftp_url": "sftp://loa@loa.example.vn:2222/in", "sftp_host_key": FP}
    for creds in ({"sftp_password": "x"}, {"sftp_key": USER_KEY_TEXT}):
        config = ChannelConfig("grassroots", "Loa", settings, creds)
        assert GrassrootsConnector.validate_config(config) == []


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("sftp://loa@h.vn/in", Target("loa", "h.vn", 22, "/in")),
        ("sftp://loa@h.vn:2222/srv/in/", Target("loa", "h.vn", 2222, "/srv/in")),
        ("sftp://loa@h.vn/~/in", Target("loa", "h.vn", 22, "in")),
        ("sftp://loa@h.vn", Target("loa", "h.vn", 22, ".")),
        ("sftp://loa%40xa@h.vn/th%C6%B0", Target("loa@xa", "h.vn", 22, "/thư")),
        ("sftp://loa@[::1]:2022/in", Target("loa", "::1", 2022, "/in")),
    ],
)
def test_sftp_addresses(url: str, target: Target) -> None:
    assert parse_target(url) == target


@pytest.mark.parametrize(
    "url", ["sftp://loa@h.vn/../etc", "sftp://loa@h.vn/in?x=1", "http://loa@h.vn/in"]
)
def test_sftp_addresses_refused(url: str) -> None:
    with pytest.raises(TargetError):
        parse_target(url)


# -- the error table, row by row -----------------------------------------------------------------
def _step(step: str, cause: BaseException | None = None, **flags: Any) -> SftpStep:
    exc = SftpStep(step, cause)
    for name, value in flags.items():
        setattr(exc, name, value)
    return exc


ENOENT, EACCES = OSError(errno.ENOENT, "x"), OSError(errno.EACCES, "x")


@pytest.mark.parametrize(
    ("exc", "expected", "code"),
    [
        (_step("connect", ConnectionRefusedError()), TransientError, "sftp:connect"),
        (_step("connect", TimeoutError()), TransientError, "sftp:connect"),
        (_step("handshake", EOFError()), TransientError, "sftp:handshake"),
        (_step("incompatible"), ConfigError, "sftp:incompatible"),
        (_step("host_key"), ConfigError, "sftp:host_key"),
        (_step("key"), ConfigError, "sftp:key"),
        (_step("auth"), AuthError, "sftp:auth"),
        (_step("auth_dropped", EOFError()), TransientError, "sftp:auth_dropped"),
        (_step("folder", ENOENT, answered=True), ConfigError, "sftp:folder:missing"),
        (_step("write", EACCES, answered=True), ConfigError, "sftp:write:denied"),
        (_step("write", OSError("Failure"), answered=True), TransientError, "sftp:write"),
        (_step("write", EOFError()), TransientError, "sftp:write"),
        (_step("rename", EOFError(), after_rename=True), AmbiguousError, "sftp:rename"),
        (_step("rename", TimeoutError(), after_rename=True), AmbiguousError, "sftp:rename"),
        (_step("stat", EOFError(), after_rename=True), AmbiguousError, "sftp:stat"),
        (
            _step("rename", EACCES, answered=True, after_rename=True),
            ConfigError,
            "sftp:rename:denied",
        ),
        (_step("exists"), PermanentError, "sftp:exists"),
    ],
)
def test_each_sftp_failure_maps_to_its_class(
    exc: SftpStep, expected: type[ConnectorError], code: str
) -> None:
    error = classify_sftp(exc, folder="/in", timeout=5)
    assert type(error) is expected and error.code == code
    assert "\n" not in error.message
