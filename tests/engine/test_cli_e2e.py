"""End to end with the real console entry point: ``post create --approve`` then
``worker --until-idle``; the emulators received exactly what was scheduled."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from connectors.sandbox.client import SandboxClient
from tests.engine.conftest import fb_spec, hook_spec, tg_spec
from tests.factories import make_office

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PUBLISHER_LEASE_SECONDS": "30"}
    return subprocess.run(
        [sys.executable, "-m", "publisher.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_post_create_then_worker_until_idle_publishes_exactly_once(
    sqlite_db: Any, sandbox: Any, sb: SandboxClient
) -> None:
    make_office(
        "so-khcn",
        channels={
            "fb": fb_spec(sandbox.url),
            "tg": tg_spec(sandbox.url),
            "hook": hook_spec(sandbox.url),
        },
    )
    text = "Hưởng ứng Ngày Chuyển đổi số quốc gia 10/10 — «Dữ liệu số, giá trị mới»"
    created = cli(
        "post",
        "create",
        "--text",
        text,
        "--channel",
        "fb",
        "--channel",
        "tg",
        "--channel",
        "hook",
        "--at",
        datetime.now(UTC).isoformat(),
        "--approve",
        "--json",
    )
    assert created.returncode == 0, created.stderr
    post = json.loads(created.stdout)
    assert post["status"] == "scheduled" and len(post["deliveries"]) == 3

    ran = cli("worker", "--until-idle", "--threads", "2", "--json")
    assert ran.returncode == 0, ran.stderr
    summary = json.loads(ran.stdout)
    assert summary["sent"] == 3 and summary["failed"] == 0

    published = sb.published()
    assert sorted(r["platform"] for r in published) == ["facebook", "telegram", "webhook"]
    assert all(r["text"] == text for r in published)
    shown = cli("post", "show", str(post["id"]), "--json")
    assert json.loads(shown.stdout)["status"] == "published"

    again = cli("worker", "--until-idle", "--json")  # nothing left: exits, sends nothing
    assert again.returncode == 0 and json.loads(again.stdout)["sent"] == 0
    assert len(sb.published()) == 3


def test_worker_refuses_a_bad_thread_count_in_one_line(sqlite_db: Any) -> None:
    ran = cli("worker", "--threads", "0")
    assert ran.returncode == 1
    assert ran.stderr.strip().count("\n") == 0 and "luồng" in ran.stderr


def test_worker_refuses_a_bad_call_process_count_in_one_line(sqlite_db: Any) -> None:
    ran = cli("worker", "--call-processes", "17")
    assert ran.returncode == 1
    assert ran.stderr.strip().count("\n") == 0 and "tiến trình gọi nền tảng" in ran.stderr
