"""``publisher bot run`` (foreground long polling, Ctrl-C clean) and ``publisher bot chat``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from connectors.sandbox import SandboxHandle
from tests.bots.conftest import TOKEN, VNEID, BotRig, replies, seed_answers
from tests.factories import make_office

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "publisher.cli", *args]


def _env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT), PUBLISHER_LANGUAGE="vi")


def test_bot_run_answers_until_ctrl_c_and_stops_cleanly(
    sqlite_db: Any, sandbox: SandboxHandle, monkeypatch: Any
) -> None:
    monkeypatch.setenv("PUBLISHER_ALLOW_PRIVATE_TARGETS", "1")
    spec = {
        "kind": "telegram",
        "settings": {"chat_id": "@sandbox_cli", "api_base_url": sandbox.url},
        "credentials": {"bot_token": TOKEN},
    }
    office = make_office("so-khcn-cli", channels={"tg-cli": spec})
    seed_answers(office.org.id)
    proc = subprocess.Popen(
        _cli("bot", "run", "--channel", "tg-cli", "--poll-timeout", "1"),
        cwd=ROOT,
        env=_env(),
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        assert "đang chạy" in proc.stderr.readline()
        chat = sandbox.client.citizen_says(
            TOKEN, "lam sao de dang ky tai khoan dinh danh dien tu muc 2", user_id=321
        )
        (answer,) = replies(sandbox.client, int(chat["chat_id"]), 1)
        assert f"Nguồn: {VNEID}" in answer["text"]
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Đã dừng trợ lý hỏi đáp của kênh tg-cli." in err
    assert "Traceback" not in err


def test_bot_run_for_an_unknown_channel_is_one_line_in_vietnamese(sqlite_db: Any) -> None:
    done = subprocess.run(
        _cli("bot", "run", "--channel", "khong-co"),
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1 and "khong-co" in done.stderr


def test_bot_chat_writes_as_a_citizen_and_prints_the_answer(rig: BotRig) -> None:
    done = subprocess.run(
        _cli("bot", "chat", "--channel", "tg-faq", "--user-id", "432", "--json",
             "làm sao để đăng ký tài khoản định danh điện tử mức 2?"),
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (answer,) = json.loads(done.stdout)
    assert f"Nguồn: {VNEID}" in answer["text"]
    assert [b["text"] for b in answer["buttons"]] == ["👍", "👎"]


def test_bot_run_against_an_unreachable_bot_api_fails_with_one_line(
    sqlite_db: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv("PUBLISHER_ALLOW_PRIVATE_TARGETS", "1")
    spec = {
        "kind": "telegram",
        "settings": {"chat_id": "@sandbox_off", "api_base_url": "http://127.0.0.1:9"},
        "credentials": {"bot_token": TOKEN},
    }
    make_office("so-khcn-off", channels={"tg-off": spec})
    done = subprocess.run(
        _cli("bot", "run", "--channel", "tg-off"),
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith("Bot của kênh tg-off không chạy được")
    assert "Traceback" not in done.stderr


def test_bot_webhook_registers_the_api_url_with_the_secret_and_off_removes_it(
    sqlite_db: Any, sandbox: SandboxHandle, monkeypatch: Any
) -> None:
    monkeypatch.setenv("PUBLISHER_ALLOW_PRIVATE_TARGETS", "1")
    spec = {
        "kind": "telegram",
        "settings": {"chat_id": "@sandbox_hook", "api_base_url": sandbox.url},
        "credentials": {"bot_token": TOKEN, "bot_webhook_secret": "s3cret-hook"},
    }
    make_office("so-khcn-hook2", channels={"tg-hook2": spec})
    url = "https://api.example.gov.vn/bot/telegram/tg-hook2"
    on = subprocess.run(
        _cli("bot", "webhook", "--channel", "tg-hook2", "--url", url),
        cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert on.returncode == 0, on.stderr
    assert sandbox.state.__dict__["tg_webhooks"][7001] == {"url": url, "has_secret": True}
    off = subprocess.run(
        _cli("bot", "webhook", "--channel", "tg-hook2", "--off"),
        cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert off.returncode == 0, off.stderr
    assert sandbox.state.__dict__["tg_webhooks"] == {}


def test_bot_chat_refuses_an_empty_message_at_once_in_one_line(sqlite_db: Any) -> None:
    done = subprocess.run(
        _cli("bot", "chat", "--channel", "khong-co", "   "),
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.strip() == "Tin nhắn đang trống: hãy viết câu hỏi của người dân."
