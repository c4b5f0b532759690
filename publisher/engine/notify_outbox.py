"""The worker's side of notifications: send the outbox, link Telegram accounts.

Each message is claimed (``pending`` -> ``sending``, committed) before it is sent and marked
``sent`` after; a message whose sending began but whose end was never recorded (the worker
died in between) becomes ``unknown`` and is not retried, so nobody gets a message twice. A
refusal that may pass (the SMTP server or Telegram unreachable, rate limits) is retried with
a growing delay up to :data:`MAX_ATTEMPTS`; then, or on a definite refusal, the message is
``failed`` and an alert says so. Nothing here raises into the worker: errors are recorded.

Telegram linking: the notification bot's private ``/start <code>`` messages are read with
``getUpdates`` (offset kept in the ``keyvalue`` table) and redeemed; the bot answers in the
chat whether it worked.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlmodel import col, select

from connectors.base import ChannelConfig, OutgoingPost
from connectors.errors import ConnectorError
from publisher.config import get_settings
from publisher.db import session_scope
from publisher.engine.mailer import Mailer, MailError
from publisher.engine.txn import write_scope
from publisher.errors import InvalidInput
from publisher.i18n import t
from publisher.models import KeyValue, Notification, NotifyContact, User
from publisher.services.accounts import alerts, notifications
from publisher.timeutil import utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
#: A message still ``sending`` this long after its claim was cut off mid-send.
STUCK_AFTER = timedelta(minutes=10)
OFFSET_KEY = "notify.telegram_offset"


@dataclass
class Senders:
    """How messages leave: the SMTP mailer and the notification bot (None: not set up)."""

    mailer: Mailer | None = None
    telegram_token: str = ""
    telegram_api: str = ""

    @classmethod
    def from_settings(cls) -> Senders:
        settings = get_settings()
        token = (
            settings.notify_telegram_token.get_secret_value()
            if settings.notify_telegram_token
            else os.environ.get("PUBLISHER_ALERT_TELEGRAM_TOKEN", "").strip()
        )
        api = settings.notify_telegram_api or os.environ.get("PUBLISHER_ALERT_TELEGRAM_API", "")
        return cls(Mailer.from_settings(settings), token, api.strip())

    def bot(self, chat_id: str = "0") -> Any:
        from connectors.telegram import TelegramConnector

        settings: dict[str, Any] = {"chat_id": chat_id}
        if self.telegram_api:
            settings["api_base_url"] = self.telegram_api
        config = ChannelConfig(
            "telegram", "notifications", settings, {"bot_token": self.telegram_token}
        )
        return TelegramConnector(config, timeout=15)


class _Retry(Exception):
    def __init__(self, reason: str, retryable: bool) -> None:
        super().__init__(reason)
        self.reason, self.retryable = reason, retryable


def _deliver(senders: Senders, row: Notification, contact: NotifyContact | None) -> None:
    """Send one message. Raises _Retry (with whether to try again)."""
    if row.channel == "email":
        if senders.mailer is None:
            raise _Retry("email is not configured (PUBLISHER_SMTP_HOST)", False)
        if contact is None or not contact.email:
            raise _Retry("no email address", False)
        try:
            senders.mailer.send(contact.email, row.subject, row.body)
        except MailError as exc:
            raise _Retry(exc.reason, exc.retryable) from None
        return
    if not senders.telegram_token:
        raise _Retry("no notification bot (PUBLISHER_NOTIFY_TELEGRAM_TOKEN)", False)
    if contact is None or not contact.telegram_chat_id:
        raise _Retry("Telegram not linked", False)
    try:
        senders.bot(contact.telegram_chat_id).publish(OutgoingPost(text=row.body[:4000]))
    except ConnectorError as exc:
        # The connector's own summary (its error table): never the token or the request.
        raise _Retry(type(exc).__name__, bool(exc.retryable)) from None


def _claim(limit: int) -> list[int]:
    now = utcnow()
    with write_scope() as s:
        stmt = (
            select(Notification)
            .where(Notification.status == "pending", col(Notification.next_at) <= now)
            .order_by(col(Notification.id))
            .limit(limit)
        )
        if s.get_bind().dialect.name == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        rows = list(s.exec(stmt))
        for row in rows:
            row.status = "sending"
            row.attempts += 1
            row.next_at = now  # when the send began: see STUCK_AFTER
            s.add(row)
        return [r.id for r in rows if r.id is not None]


def _sweep_stuck() -> int:
    """Messages whose send began long ago and never ended: ``unknown``, with an alert."""
    cutoff = utcnow() - STUCK_AFTER
    with write_scope() as s:
        rows = list(
            s.exec(
                select(Notification).where(
                    Notification.status == "sending", col(Notification.next_at) < cutoff
                )
            )
        )
        for row in rows:
            row.status = "unknown"
            row.error = "the worker stopped while sending; not retried (never twice)"
            s.add(row)
            _alert(s, row)
        return len(rows)


def _alert(session: Any, row: Notification) -> None:
    alerts.raise_alert(
        session,
        "notify_failed",
        "alert.notify_failed",
        org_id=row.org_id,
        object_type="notification",
        object_id=row.id,
        id=row.id,
        channel=row.channel,
        error=row.error[:200],
    )


def send_due(senders: Senders | None = None, limit: int = 50) -> dict[str, int]:
    """Send the outbox's due messages; returns counts by outcome. Never raises for a
    message's failure (it is recorded on the row and alerted)."""
    senders = senders or Senders.from_settings()
    out = {"sent": 0, "retry": 0, "failed": 0, "unknown": _sweep_stuck()}
    for notification_id in _claim(limit):
        with session_scope() as s:
            row = s.get(Notification, notification_id)
            contact = s.get(NotifyContact, row.user_id) if row is not None else None
            if row is not None:
                s.expunge(row)
            if contact is not None:
                s.expunge(contact)
        if row is None:
            continue
        try:
            _deliver(senders, row, contact)
        except _Retry as exc:
            outcome = _record_failure(notification_id, exc)
        except Exception as exc:  # a bug must not stop the others; recorded, alerted
            log.exception("notification %s", notification_id)
            outcome = _record_failure(notification_id, _Retry(type(exc).__name__, False))
        else:
            with write_scope() as s:
                done = s.get(Notification, notification_id)
                if done is not None:
                    done.status, done.sent_at, done.error = "sent", utcnow(), ""
                    s.add(done)
            outcome = "sent"
        out[outcome] += 1
    return out


def _record_failure(notification_id: int, exc: _Retry) -> str:
    with write_scope() as s:
        row = s.get(Notification, notification_id)
        if row is None:
            return "failed"
        row.error = exc.reason[:500]
        if exc.retryable and row.attempts < MAX_ATTEMPTS:
            row.status = "pending"
            row.next_at = utcnow() + timedelta(minutes=2 ** (row.attempts - 1))
            s.add(row)
            return "retry"
        row.status = "failed"
        s.add(row)
        s.flush()
        _alert(s, row)
        return "failed"


def poll_links(senders: Senders | None = None) -> int:
    """Redeem the ``/start <code>`` messages the bot received; answer each in its chat.
    Returns how many accounts were linked. Errors reaching Telegram are logged, not raised."""
    senders = senders or Senders.from_settings()
    if not senders.telegram_token:
        return 0
    with session_scope() as s:
        stored = s.get(KeyValue, OFFSET_KEY)
        offset = stored.value.get("offset") if stored is not None else None
    try:
        poll = senders.bot().poll_start_codes(offset)
    except ConnectorError as exc:
        log.warning("notification bot: getUpdates failed (%s)", type(exc).__name__)
        return 0
    linked = 0
    for item in poll.codes:
        lang = "vi"
        try:
            with write_scope() as s:
                user_id = notifications.redeem_link_code(s, item.code, item.chat_id, item.name)
                user = s.get(User, user_id)
                lang = user.language if user is not None else "vi"
            answer = t("notify.linked", lang)
            linked += 1
        except InvalidInput:
            answer = t("notify.link_refused", lang)
        try:
            senders.bot(str(item.chat_id)).publish(OutgoingPost(text=answer))
        except ConnectorError as exc:
            log.warning("notification bot: answer failed (%s)", type(exc).__name__)
    with write_scope() as s:
        row = s.get(KeyValue, OFFSET_KEY) or KeyValue(key=OFFSET_KEY)
        row.value = {"offset": poll.next_offset}
        s.add(row)
    return linked
