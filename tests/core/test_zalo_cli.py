"""Zalo OA from the command line: ``channel add --kind zalo_oa`` and ``channel connect`` (OAuth v4
with PKCE; the redirect handled by ``publisher api``'s app), against the Zalo emulator."""

from __future__ import annotations

import json
import os
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from connectors.sandbox import SandboxHandle
from connectors.sandbox.client import SandboxClient
from publisher.api.app import create_app
from publisher.db import session_scope
from publisher.models import AuditEvent, Channel
from publisher.security import decrypt_credentials

from .test_cli import _init, run

SECRETS = {"ZALO_APP_SECRET": "sandbox-zalo-secret", "ZALO_AT": "zat-x1", "ZALO_RT": "zrt-x1"}


@pytest.fixture
def env(sqlite_db: Any, sandbox: SandboxHandle, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("PUBLISHER_ALLOW_PRIVATE_TARGETS", "1")
    for key, value in SECRETS.items():
        monkeypatch.setenv(key, value)
    _init()
    return sandbox.url


def add(url: str, *extra: str) -> Any:
    return run(
        "channel",
        "add",
        "--kind",
        "zalo_oa",
        "--name",
        "zalo",
        "--oa-id",
        "4242",
        "--app-id",
        "app-1",
        "--app-secret-env",
        "ZALO_APP_SECRET",
        "--access-token-env",
        "ZALO_AT",
        "--refresh-token-env",
        "ZALO_RT",
        "--oauth-url",
        f"{url}/zalo/oauth",
        "--openapi-url",
        f"{url}/zalo/openapi",
        *extra,
    )


def channel() -> Channel:
    with session_scope(readonly=True) as s:
        row = s.exec(select(Channel).where(Channel.name == "zalo")).one()
        s.expunge(row)
        return row


def test_channel_add_takes_the_zalo_options(env: str) -> None:
    result = add(env, "--broadcast", "--target-cities", "24,25", "--json")
    assert result.returncode == 0, result.stderr
    row = channel()
    assert row.kind == "zalo_oa"
    assert row.settings["broadcast"] is True and row.settings["target_cities"] == ["24", "25"]
    creds = decrypt_credentials(row.credentials_encrypted)
    assert creds == {
        "app_secret": "sandbox-zalo-secret",
        "access_token": "zat-x1",
        "refresh_token": "zrt-x1",
    }
    assert "zat-x1" not in result.stdout + result.stderr
    assert "sandbox-zalo-secret" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (("--oa-id", "abc"), "mã OA «abc»"),
        (("--target-cities", "24,99"), "0-63"),
        (("--package", "gold"), "gói OA «gold»"),
    ],
)
def test_bad_zalo_options_are_refused_in_one_line(
    env: str, extra: tuple[str, ...], words: str
) -> None:
    result = add(env, *extra)
    assert result.returncode != 0
    assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    with session_scope(readonly=True) as s:
        assert s.exec(select(Channel)).first() is None


def connect_url(env: str, redirect: str) -> str:
    result = run("channel", "connect", "zalo", "--wait", "0", "--redirect-uri", redirect)
    assert result.returncode == 0, result.stderr
    [url] = [line for line in result.stdout.splitlines() if line.startswith("http")]
    return url


def grant(url: str) -> dict[str, str]:
    """The OA administrator grants access: Zalo redirects with a code and the state."""
    answer = httpx.get(url, follow_redirects=False)
    assert answer.status_code == 302
    query = parse_qs(urlparse(answer.headers["location"]).query)
    return {"code": query["code"][0], "state": query["state"][0]}


def test_channel_connect_stores_the_tokens_from_the_redirect(env: str) -> None:
    assert add(env).returncode == 0
    url = connect_url(env, "http://testserver/zalo/callback")
    assert "code_challenge=" in url and "app_id=app-1" in url
    params = grant(url)
    api = TestClient(create_app())

    answer = api.get("/zalo/callback", params=params)

    assert answer.status_code == 200 and "Đã kết nối OA" in answer.text
    row = channel()
    creds = decrypt_credentials(row.credentials_encrypted)
    assert creds["access_token"].startswith("zat-") and creds["access_token"] != "zat-x1"
    assert row.token_expires_at is not None and row.refresh_expires_at is not None
    # The state is single-use.
    again = api.get("/zalo/callback", params=params)
    assert again.status_code == 400 and "đã dùng hoặc đã hết hạn" in again.text
    with session_scope(readonly=True) as s:
        actions = {e.action for e in s.exec(select(AuditEvent))}
    assert {"channel.connect_start", "channel.connect"} <= actions


def test_a_wrong_state_or_an_expired_code_stores_nothing(env: str, sb: SandboxClient) -> None:
    assert add(env).returncode == 0
    before = channel().credentials_encrypted
    api = TestClient(create_app())
    params = grant(connect_url(env, "http://testserver/zalo/callback"))

    wrong = api.get("/zalo/callback", params={**params, "state": "forged"})
    assert wrong.status_code == 400 and "Liên kết kết nối không hợp lệ" in wrong.text

    sb.zalo(advance=11 * 60)  # Zalo's code lives 10 minutes
    expired = api.get("/zalo/callback", params=params)
    assert expired.status_code == 400 and "Zalo từ chối mã xác thực" in expired.text
    assert channel().credentials_encrypted == before


def test_connect_refuses_another_kind(env: str) -> None:
    added = run(
        "channel",
        "add",
        "--kind",
        "telegram",
        "--name",
        "zalo",
        "--chat-id",
        "@sandbox_x",
        "--token",
        "1:sandbox-x",
    )
    assert added.returncode == 0, added.stderr
    result = run("channel", "connect", "zalo", "--wait", "0")
    assert result.returncode != 0 and "không phải Zalo OA" in result.stderr


def test_channel_test_asks_the_oa(env: str) -> None:
    assert add(env).returncode == 0
    SandboxClient(env).zalo(
        tokens=[
            {
                "oa_id": "4242",
                "app_id": "app-1",
                "access_token": "zat-x1",
                "refresh_token": "zrt-x1",
            }
        ]
    )
    result = run("channel", "test", "zalo", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["ok"] is True
    assert os.environ["ZALO_AT"] not in result.stdout
