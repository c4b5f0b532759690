"""Alerts reach the admin Telegram chat, only once committed."""

from __future__ import annotations

import time
from typing import Any

import pytest

from connectors.sandbox.client import SandboxClient
from publisher.db import session_scope
from publisher.engine.notify import TelegramNotifier
from publisher.services.accounts import alerts


def test_committed_alerts_are_sent_rolled_back_ones_are_not(
    sqlite_db: Any, sandbox: Any, sb: SandboxClient
) -> None:
    notifier = TelegramNotifier("4242:sandbox-alerts", "@sandbox_admins", sandbox.url)
    alerts._hooks.append(notifier.hook)
    try:
        with session_scope() as s:
            alerts.raise_alert(
                s,
                "missed",
                "alert.delivery_missed",
                channel="Trang KH&CN",
                post_id=7,
                delivery_id=9,
                due="10/10/2026 08:00",
                hours=6,
            )
        with pytest.raises(RuntimeError), session_scope() as s:
            alerts.raise_alert(
                s,
                "missed",
                "alert.delivery_missed",
                channel="Kênh bị hủy",
                post_id=8,
                delivery_id=10,
                due="10/10/2026 08:00",
                hours=6,
            )
            raise RuntimeError("rolled back")
        # A later committed alert: once it has arrived, the rolled-back one (queued in
        # order, had it been queued) would have arrived before it.
        with session_scope() as s:
            alerts.raise_alert(
                s,
                "unconfirmed",
                "alert.delivery_unconfirmed",
                channel="Kênh Telegram",
                post_id=11,
                delivery_id=12,
                detail="timeout",
            )
        deadline = time.monotonic() + 10
        while len(sb.published("telegram")) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        alerts._hooks.remove(notifier.hook)
    first, second = sb.published("telegram")
    assert first["account"] == "@sandbox_admins"
    assert first["text"].startswith("[Cảnh báo R57] Kênh «Trang KH&CN»: bài #7")
    assert "#11" in second["text"] and "Kênh bị hủy" not in second["text"]
