"""Notifications to people (issue 18, item 5): who is told what, where, and the outbox.

Events and who gets them: a post waits for review (the unit's editors), a post was approved
or sent back (its author), a delivery failed or was missed (the unit's officers and
editors), a channel needs reconnecting (the unit's editors), a report was requested or is
late (the unit's managers). Each user chooses per event whether it comes by Telegram (a
direct message from the notification bot, once they linked their account with a one-time
code) and/or by email; by default every event comes on every channel they set up.

Queuing happens in the caller's transaction (a rolled-back action notifies nobody); the
worker sends (``publisher.engine.notify_outbox``), so no request waits on Telegram or SMTP.
A message names the post, unit or report and links into the interface; it never carries a
token, password or other secret (it is built from the catalogue and object titles only).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from sqlmodel import Session, col, select

from publisher.errors import InvalidInput
from publisher.i18n import t
from publisher.models import Alert, Notification, NotifyContact, Role, User
from publisher.services.accounts.actor import Actor
from publisher.timeutil import utcnow

EVENTS = (
    "review_requested",
    "post_approved",
    "post_rejected",
    "delivery_failed",
    "channel_reconnect",
    "report_requested",
    "report_late",
)
CHANNELS = ("telegram", "email")
LINK_CODE_TTL = timedelta(minutes=15)
#: Alerts that also notify people: alert kind -> (event, roles of the unit told).
ALERT_EVENTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "delivery_failed": ("delivery_failed", (Role.OFFICER, Role.EDITOR)),
    "missed": ("delivery_failed", (Role.OFFICER, Role.EDITOR)),
    "unconfirmed": ("delivery_failed", (Role.OFFICER, Role.EDITOR)),
    "auth": ("channel_reconnect", (Role.EDITOR,)),
    "token": ("channel_reconnect", (Role.EDITOR,)),
    # A FAQ bot that cannot poll (token refused, another consumer, Telegram unreachable).
    "faq_bot_polling": ("channel_reconnect", (Role.EDITOR,)),
    "report_requested": ("report_requested", (Role.MANAGER,)),
    "report_reminder": ("report_late", (Role.MANAGER,)),
    "report_late": ("report_late", (Role.MANAGER,)),
}
#: Where each event's link points in the interface.
PAGES = {
    "review_requested": "/review",
    "post_approved": "/review",
    "post_rejected": "/review",
    "delivery_failed": "/deliveries",
    "channel_reconnect": "/channels",
    "report_requested": "/reports",
    "report_late": "/reports",
}
# A practical address check (one @, a dotted domain, no spaces or angle brackets); the SMTP
# server has the last word, and a bounce shows as a failed notification.
_EMAIL = re.compile(
    r"^[^@\s<>\"',;]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _own(session: Session, actor: Actor) -> NotifyContact:
    if actor.user_id is None:
        raise InvalidInput("notify.no_account")
    row = session.get(NotifyContact, actor.user_id)
    if row is None:
        row = NotifyContact(user_id=actor.user_id)
        session.add(row)
        session.flush()
    return row


def preferences(session: Session, actor: Actor) -> dict[str, Any]:
    """The actor's own contacts and choices: email, whether Telegram is linked, and for each
    event the channels it comes on. Raises InvalidInput for an actor without an account."""
    row = _own(session, actor)
    return {
        "email": row.email,
        "telegram_linked": bool(row.telegram_chat_id),
        "telegram_name": row.telegram_name,
        "events": {e: list(_wanted(row, e)) for e in EVENTS},
    }


def _wanted(row: NotifyContact, event: str) -> tuple[str, ...]:
    chosen = row.events.get(event)
    if chosen is None:
        return CHANNELS
    return tuple(c for c in CHANNELS if c in chosen)


def set_preferences(
    session: Session, actor: Actor, *, email: str, events: Mapping[str, Sequence[str]]
) -> NotifyContact:
    """Save the actor's own email ("" for none) and per-event channels, all or nothing.
    Raises InvalidInput (a malformed email, an unknown event or channel)."""
    row = _own(session, actor)
    email = email.strip()
    if email and not _EMAIL.match(email):
        raise InvalidInput("notify.email_invalid", value=email[:80])
    chosen: dict[str, list[str]] = {}
    for event, channels in events.items():
        if event not in EVENTS:
            raise InvalidInput("notify.event_invalid", value=str(event)[:40])
        bad = [c for c in channels if c not in CHANNELS]
        if bad:
            raise InvalidInput("notify.channel_invalid", value=str(bad[0])[:20])
        chosen[event] = [c for c in CHANNELS if c in channels]
    row.email = email
    row.events = {**row.events, **chosen}
    row.updated_at = utcnow()
    session.add(row)
    return row


def new_link_code(session: Session, actor: Actor) -> str:
    """A one-time code the actor sends the bot (``/start <code>``, i.e. opens
    ``t.me/<bot>?start=<code>``) to link their Telegram account; valid 15 minutes, single
    use; a new code replaces the previous one. Only its hash is stored."""
    row = _own(session, actor)
    code = secrets.token_urlsafe(12)  # 16 characters from [A-Za-z0-9_-]: a valid start value
    row.link_code_hash = _hash(code)
    row.link_code_expires_at = utcnow() + LINK_CODE_TTL
    session.add(row)
    return code


def link_url(code: str) -> str | None:
    """The ``t.me`` deep link that sends ``/start <code>`` to the notification bot, or None
    when the bot's username is not configured (``PUBLISHER_NOTIFY_TELEGRAM_BOT``)."""
    from publisher.config import get_settings

    bot = get_settings().notify_telegram_bot.strip().lstrip("@")
    return f"https://t.me/{bot}?start={code}" if bot else None


def unlink_telegram(session: Session, actor: Actor) -> None:
    """Forget the actor's Telegram chat (no more direct messages)."""
    row = _own(session, actor)
    row.telegram_chat_id = ""
    row.telegram_name = ""
    session.add(row)


def redeem_link_code(session: Session, code: str, chat_id: int | str, name: str = "") -> int:
    """Link the Telegram chat that sent ``/start <code>`` to the code's user (the worker,
    polling the bot); returns the user id. The code is used up.

    Raises InvalidInput ``notify.link_code_invalid`` for a wrong, used or expired code."""
    code = (code or "").strip()
    row = (
        session.exec(
            select(NotifyContact).where(NotifyContact.link_code_hash == _hash(code))
        ).first()
        if 8 <= len(code) <= 64
        else None
    )
    expires = row.link_code_expires_at if row is not None else None
    if row is None or expires is None or expires <= utcnow():
        raise InvalidInput("notify.link_code_invalid")
    row.telegram_chat_id = str(chat_id)
    row.telegram_name = name[:120]
    row.link_code_hash = None
    row.link_code_expires_at = None
    row.updated_at = utcnow()
    session.add(row)
    return row.user_id


def recipients(session: Session, org_id: int | None, roles: Iterable[str]) -> list[User]:
    """Active users of the unit with one of ``roles``."""
    if org_id is None:
        return []
    return list(
        session.exec(
            select(User)
            .where(
                User.org_id == org_id,
                col(User.role).in_(list(roles)),
                col(User.is_active).is_(True),
            )
            .order_by(col(User.id))
        )
    )


def enqueue(
    session: Session,
    event: str,
    users: Iterable[User],
    *,
    key: str,
    org_id: int | None,
    message_key: str,
    params: Mapping[str, Any],
) -> int:
    """Queue ``event`` for ``users`` on the channels each chose and set up, in the caller's
    transaction; ``key`` names the occurrence (the same key never queues twice). Returns how
    many messages were queued."""
    from publisher.config import get_settings

    base = get_settings().ui_url.rstrip("/")
    queued = 0
    for user in users:
        if user.id is None:
            continue
        contact = session.get(NotifyContact, user.id)
        if contact is None:
            continue
        lang = user.language or "vi"
        subject = t(f"notify.event.{event}", lang)
        try:
            text = t(message_key, lang, **params)
        except (KeyError, IndexError, ValueError):
            text = subject
        body = f"{text}\n\n{t('notify.open', lang)}: {base}{PAGES.get(event, '/')}"
        for channel in _wanted(contact, event):
            if channel == "telegram" and not contact.telegram_chat_id:
                continue
            if channel == "email" and not contact.email:
                continue
            dedupe = f"{event}:{key}:{user.id}:{channel}"[:200]
            exists = session.exec(
                select(Notification.id).where(Notification.dedupe_key == dedupe)
            ).first()
            if exists is not None:
                continue
            session.add(
                Notification(
                    user_id=user.id,
                    org_id=org_id,
                    event=event,
                    channel=channel,
                    dedupe_key=dedupe,
                    subject=subject[:255],
                    body=body,
                )
            )
            queued += 1
    if queued:
        session.flush()
    return queued


def withdraw(session: Session, event: str, key: str) -> int:
    """Drop the unsent messages of ``event`` about the occurrence ``key`` names (a prefix):
    once an editor has decided, «Bài chờ duyệt» is no longer true and is not sent. Returns
    how many were dropped; a message already being sent is left to finish."""
    rows = session.exec(
        select(Notification).where(
            Notification.event == event,
            Notification.status == "pending",
            col(Notification.dedupe_key).startswith(f"{event}:{key}"),
        )
    ).all()
    for row in rows:
        session.delete(row)
    return len(rows)


def from_alert(session: Session, alert: Alert) -> int:
    """The people an alert concerns (see :data:`ALERT_EVENTS`), told in their language."""
    found = ALERT_EVENTS.get(alert.kind)
    if found is None or alert.org_id is None:
        return 0
    event, roles = found
    return enqueue(
        session,
        event,
        recipients(session, alert.org_id, roles),
        key=f"alert:{alert.id}",
        org_id=alert.org_id,
        message_key=alert.message_key,
        params=alert.params,
    )


def outbox(session: Session, actor: Actor, limit: int = 100) -> list[tuple[Notification, str]]:
    """The latest notifications queued or sent (the demo's sandbox page: what was sent),
    newest first, each with its recipient (:func:`person_label`): every unit's for an
    administrator, the actor's own otherwise."""
    actor.require("sandbox.view")
    stmt = (
        select(Notification, User)
        .where(Notification.user_id == User.id)
        .order_by(col(Notification.id).desc())
        .limit(limit)
    )
    if not actor.is_admin:
        stmt = stmt.where(Notification.user_id == (actor.user_id or -1))
    return [(n, person_label(u)) for n, u in session.exec(stmt)]


def person_label(user: User) -> str:
    """«Full Name (username)», or the username alone for a user without a name."""
    return f"{user.full_name} ({user.username})" if user.full_name else user.username
