"""Reliability fixtures (the sandbox emulators come from tests/conftest.py)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _loopback_webhooks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sandbox listens on loopback; production refuses such webhook URLs (tested apart)."""
    monkeypatch.setenv("PUBLISHER_ALLOW_PRIVATE_WEBHOOKS", "1")
    monkeypatch.delenv("PUBLISHER_WEBHOOK_ALLOWLIST", raising=False)
    monkeypatch.delenv("PUBLISHER_ALERT_TELEGRAM_TOKEN", raising=False)
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
