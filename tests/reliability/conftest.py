"""Reliability fixtures (the sandbox emulators come from tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _loopback_webhooks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sandbox listens on loopback; production refuses such webhook URLs (tested apart)."""
    monkeypatch.setenv("PUBLISHER_ALLOW_PRIVATE_WEBHOOKS", "1")
    monkeypatch.delenv("PUBLISHER_WEBHOOK_ALLOWLIST", raising=False)
    monkeypatch.delenv("PUBLISHER_ALERT_TELEGRAM_TOKEN", raising=False)
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


def read_every_output(cli: Callable[..., object], tmp_path: Path) -> None:
    """Run every command that shows stored data to someone — alerts, posts, health, both
    report formats, a backup — through ``cli``, so a secrets test can search what they print
    and write."""
    cli("alert", "list", "--json")
    cli("alert", "list")
    cli("post", "list", "--json")
    cli("health", "--json")
    cli("report", "--period", "2026-H2", "--out", str(tmp_path / "r.xlsx"), "--format", "xlsx")
    cli("report", "--period", "2026-H2", "--out", str(tmp_path / "r.docx"))
    cli("backup", "--out", str(tmp_path / "backup.tar"), "--json")
