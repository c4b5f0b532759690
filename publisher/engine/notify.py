"""Alerts also sent to an administrators' Telegram chat (optional).

Configured by environment: ``PUBLISHER_ALERT_TELEGRAM_TOKEN`` (bot token),
``PUBLISHER_ALERT_TELEGRAM_CHAT`` (chat id) and optionally ``PUBLISHER_ALERT_TELEGRAM_API``
(a Bot API base URL, e.g. the sandbox). Messages are sent only after the alert's transaction
commits (never about an alert that was rolled back), from a background thread, so a slow
Telegram never delays publishing.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, object_session

from connectors.base import ChannelConfig, OutgoingPost
from connectors.errors import ConnectorError
from connectors.telegram import TelegramConnector
from publisher.i18n import t
from publisher.models import Alert
from publisher.services.accounts import alerts

log = logging.getLogger(__name__)
_PENDING_KEY = "engine_notify_pending"
_installed: TelegramNotifier | None = None
_install_lock = threading.Lock()


class TelegramNotifier:
    """Sends alert texts to one chat through :class:`TelegramConnector`."""

    def __init__(
        self, token: str, chat_id: str, api_url: str | None = None, language: str = "vi"
    ) -> None:
        settings: dict[str, Any] = {"chat_id": chat_id}
        if api_url:
            settings["api_base_url"] = api_url
        self.connector = TelegramConnector(
            ChannelConfig("telegram", "admin-alerts", settings, {"bot_token": token}), timeout=10
        )
        self.language = language
        self._queue: queue.Queue[str | None] = queue.Queue(maxsize=1000)
        self._thread = threading.Thread(target=self._run, name="alert-notify", daemon=True)
        self._thread.start()

    def text(self, alert: Alert) -> str:
        prefix = t("engine.notify_prefix", self.language)
        try:
            body = t(alert.message_key, self.language, **alert.params)
        except (KeyError, IndexError, ValueError):
            body = alert.message_key
        return f"{prefix} {body}"

    def hook(self, alert: Alert) -> None:
        """Alert hook: queue the message for after the transaction commits."""
        session = object_session(alert)
        text = self.text(alert)
        if session is None:
            self._put(text)
            return
        pending = session.info.setdefault(_PENDING_KEY, [])
        if not pending:
            event.listen(session, "after_commit", self._after_commit, once=True)
            event.listen(session, "after_rollback", self._after_rollback, once=True)
        pending.append(text)

    def _after_commit(self, session: Session) -> None:
        for text in session.info.pop(_PENDING_KEY, []):
            self._put(text)

    def _after_rollback(self, session: Session) -> None:
        session.info.pop(_PENDING_KEY, None)

    def _put(self, text: str) -> None:
        try:
            self._queue.put_nowait(text)
        except queue.Full:
            log.warning("alert notification dropped: queue full")

    def _run(self) -> None:
        while True:
            text = self._queue.get()
            if text is None:
                return
            try:
                self.connector.publish(OutgoingPost(text=text[:4000]))
            except ConnectorError as exc:
                log.warning("alert notification failed: %s", exc)

    def flush(self, timeout: float = 10.0) -> None:
        """Wait until queued messages were attempted (tests, shutdown)."""
        import time

        deadline = time.monotonic() + timeout
        while not self._queue.empty() and time.monotonic() < deadline:
            time.sleep(0.02)


def install_from_env() -> TelegramNotifier | None:
    """Register the notifier once per process if the environment configures it."""
    global _installed
    token = os.environ.get("PUBLISHER_ALERT_TELEGRAM_TOKEN", "").strip()
    chat = os.environ.get("PUBLISHER_ALERT_TELEGRAM_CHAT", "").strip()
    if not token or not chat:
        return None
    with _install_lock:
        if _installed is None:
            from publisher.config import get_settings

            _installed = TelegramNotifier(
                token,
                chat,
                os.environ.get("PUBLISHER_ALERT_TELEGRAM_API") or None,
                language=get_settings().language,
            )
            alerts.add_hook(_installed.hook)
        return _installed
