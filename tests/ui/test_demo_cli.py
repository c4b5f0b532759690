"""``publisher demo`` from the command line (a subprocess: it configures its environment)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _demo(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), PUBLISHER_LANGUAGE="vi")
    for key in ("PUBLISHER_DATABASE_URL", "PUBLISHER_SECRET_KEY", "PUBLISHER_DATA_DIR"):
        env.pop(key, None)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "publisher.cli",
            "demo",
            "--no-browser",
            "--data-dir",
            str(data),
            *args,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )


def test_seeding_twice_prints_the_passwords_once(tmp_path):
    first = _demo(tmp_path, "--seed-only", "--sandbox-port", "0")
    assert first.returncode == 0, first.stderr
    accounts = dict(re.findall(r"^\s+.+?\s{2,}([\w.]+)\s+(\S+)\s*$", first.stdout, re.M))
    office = {"admin", "canbo", "bientap", "lanhdao"}
    # The province's past adds the coordinator and two units' managers.
    assert set(accounts) == office | {"dieuphoi", "lanhdao.phuong", "lanhdao.congthuong"}
    assert all(len(p) >= 8 for p in accounts.values())
    assert (tmp_path / "publisher.db").is_file()
    second = _demo(tmp_path, "--seed-only", "--sandbox-port", "0")
    assert second.returncode == 0, second.stderr
    assert second.stdout.count("(đã in ở lần chạy đầu)") == 7
    assert not any(p in second.stdout for p in accounts.values())


def test_a_taken_sandbox_port_is_one_clear_line(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = _demo(tmp_path, "--sandbox-port", str(port))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"Không mở được cổng {port}" in lines[0], result.stderr


def test_a_taken_smtp_port_is_one_clear_line(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = _demo(tmp_path, "--seed-only", "--sandbox-port", "0", "--smtp-port", str(port))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"Không mở được cổng {port} cho hộp thư giả lập" in lines[0]


def test_the_demo_editor_is_told_by_email_and_telegram_from_the_first_launch(tmp_path):
    """Issue 18's «Done when»: the seed gives the demo people an address and a linked
    Telegram chat, so the seed's own posts sent for review are queued for the editor on both
    channels (the worker sends them to the sandbox: tests/ui/test_browser_notify.py)."""
    import sqlite3

    result = _demo(tmp_path, "--seed-only", "--sandbox-port", "0")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / "publisher.db") as db:
        contacts = dict(
            (name, (email, chat))
            for name, email, chat in db.execute(
                "SELECT u.username, c.email, c.telegram_chat_id FROM notifycontact c "
                'JOIN "user" u ON u.id = c.user_id'
            )
        )
        queued = set(
            db.execute(
                'SELECT n.channel FROM notification n JOIN "user" u ON u.id = n.user_id '
                "WHERE u.username = 'bientap' AND n.event = 'review_requested'"
            )
        )
    assert contacts["bientap"] == ("bientap@sokhcn.example.gov.vn", "9001001")
    assert contacts["canbo"][0] == "canbo@sokhcn.example.gov.vn"
    assert queued == {("email",), ("telegram",)}
