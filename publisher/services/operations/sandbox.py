"""What the sandbox emulators received, for the "Hộp cát" page (the UI never talks to
connectors itself): posts to the platforms, and the notifications people were sent — the
emails its mail catcher took and the notification bot's private Telegram messages. The
demo stores the emulator's address in the database."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlmodel import Session, select

from publisher.errors import PublisherError
from publisher.models import KeyValue, NotifyContact, User
from publisher.services.accounts.actor import Actor
from publisher.services.accounts.notifications import person_label

URL_KEY = "sandbox.url"
URL_ENV = "PUBLISHER_SANDBOX_URL"


def platforms() -> tuple[str, ...]:
    """The platforms the emulators speak (their records' ``platform``). Raises nothing."""
    from connectors.sandbox.faults import PLATFORMS

    # Emails are people's notifications, shown apart (sent_messages).
    return tuple(p for p in PLATFORMS if p not in ("*", "email"))


def get_url(session: Session) -> str | None:
    """The sandbox address: ``PUBLISHER_SANDBOX_URL`` or the one the demo recorded."""
    env = os.environ.get(URL_ENV, "").strip()
    if env:
        return env.rstrip("/")
    row = session.get(KeyValue, URL_KEY)
    url = (row.value or {}).get("url") if row else None
    return str(url).rstrip("/") if url else None


def set_url(session: Session, url: str) -> None:
    row = session.get(KeyValue, URL_KEY) or KeyValue(key=URL_KEY, value={})
    row.value = {"url": url.rstrip("/")}
    session.add(row)


#: The demo's api address (its ``PUBLISHER_PUBLIC_URL``), recorded for commands run from
#: another terminal that do not have the demo's environment (``publisher feeds``).
API_URL_KEY = "sandbox.api_url"


def set_api_url(session: Session, url: str) -> None:
    row = session.get(KeyValue, API_URL_KEY) or KeyValue(key=API_URL_KEY, value={})
    row.value = {"url": url.rstrip("/")}
    session.add(row)


def public_url(session: Session) -> str | None:
    """The api's public address: ``PUBLISHER_PUBLIC_URL`` or, without it, the one the demo
    recorded (``None`` when neither is known)."""
    env = os.environ.get("PUBLISHER_PUBLIC_URL", "").strip()
    if env:
        return env.rstrip("/")
    row = session.get(KeyValue, API_URL_KEY)
    url = (row.value or {}).get("url") if row else None
    return str(url).rstrip("/") if url else None


#: Requests that are checks or polls, not what a trainee looks for.
_HIDDEN = ("getMe", "me", "check", "getoa", "getUpdates", "answerCallbackQuery")


def _fetch(session: Session, platform: str | None, tail: int | None = None) -> list[dict[str, Any]]:
    """The emulator's records, oldest first. Raises PublisherError (``error.sandbox_missing``
    when no sandbox is configured, ``error.sandbox_unreachable`` when it does not answer)."""
    from connectors.sandbox.client import SandboxClient

    url = get_url(session)
    if not url:
        raise PublisherError("error.sandbox_missing")
    try:
        return SandboxClient(url, timeout=5).records(platform or None, tail=tail)
    except httpx.HTTPError as exc:
        raise PublisherError("error.sandbox_unreachable", url=url, detail=str(exc)[:120]) from exc


def _personal(row: dict[str, Any]) -> bool:
    """An email or a bot's private Telegram message: a message to one person."""
    return row.get("platform") == "email" or (
        row.get("platform") == "telegram" and row.get("chat_type") == "private"
    )


def received(
    session: Session, actor: Actor, platform: str | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    """What the platforms received, newest first; messages to people (emails, bots' private
    messages) are :func:`sent_messages`'. Raises PublisherError (``error.sandbox_missing``
    when no sandbox is configured, ``error.sandbox_unreachable`` when it does not answer)."""
    actor.require("sandbox.view")
    rows = _fetch(session, platform)
    rows = [r for r in rows if r.get("method") not in _HIDDEN and not _personal(r)]
    return list(reversed(rows))[:limit]


@dataclass(frozen=True)
class SentMessage:
    """One email or private Telegram message the sandbox received for a person."""

    #: email | telegram
    channel: str
    at: datetime
    #: The address, or the Telegram chat id.
    to: str
    #: The recipient's name and username when they are a user the actor may see, else "".
    person: str
    #: The email's subject ("" for Telegram).
    subject: str
    text: str
    #: Accepted by the emulator (False: an injected fault refused it).
    accepted: bool
    #: Telegram only: sent by the notification bot (else another bot, e.g. a FAQ bot).
    notify_bot: bool = False


def notify_bot_id() -> int | None:
    """The public numeric id of the notification bot (the part of its token before ":"),
    None when none is configured."""
    from publisher.config import get_settings

    settings = get_settings()
    token = (
        settings.notify_telegram_token.get_secret_value()
        if settings.notify_telegram_token
        else os.environ.get("PUBLISHER_ALERT_TELEGRAM_TOKEN", "")
    )
    head = token.strip().partition(":")[0]
    return int(head) if head.isdigit() else None


def sent_messages(session: Session, actor: Actor, limit: int = 100) -> list[SentMessage]:
    """The emails and bots' private Telegram messages the sandbox received, newest first,
    to the people ``actor`` may see (:func:`messages_from`). Raises PublisherError like
    :func:`received`."""
    actor.require("sandbox.view")
    rows = _fetch(session, "email", tail=limit) + _fetch(session, "telegram", tail=2000)
    return messages_from(session, actor, rows)[:limit]


def messages_from(
    session: Session, actor: Actor, rows: Iterable[dict[str, Any]]
) -> list[SentMessage]:
    """The personal messages among the emulator's records ``rows``, newest first: an
    administrator's every one; anyone else's only those to users of their own unit (matched
    by the email address or Telegram chat on «Thông báo»), never another unit's."""
    actor.require("sandbox.view")
    by_email: dict[str, User] = {}
    by_chat: dict[str, User] = {}
    for contact, known in session.exec(
        select(NotifyContact, User).where(NotifyContact.user_id == User.id)
    ):
        if not actor.sees(known.org_id):
            continue
        if contact.email:
            by_email[contact.email.strip().lower()] = known
        if contact.telegram_chat_id:
            by_chat[contact.telegram_chat_id] = known
    bot = notify_bot_id()
    out: list[SentMessage] = []
    for row in rows:
        email = row.get("platform") == "email"
        sent = email or str(row.get("method") or "").lower().startswith("send")
        if not _personal(row) or not sent:
            continue
        to = str(row.get("account") or "")
        user = (by_email.get(to.strip().lower()) if email else by_chat.get(to)) if to else None
        if user is None and not actor.all_orgs:
            continue
        name = person_label(user) if user else ""
        at = datetime.fromtimestamp(float(row.get("received_at") or 0), UTC)
        out.append(
            SentMessage(
                channel="email" if email else "telegram",
                at=at,
                to=", ".join(str(a) for a in row.get("to") or [to]) if email else to,
                person=name,
                subject=str(row.get("subject") or "") if email else "",
                text=str(row.get("text") or ""),
                accepted=bool(row.get("accepted")),
                notify_bot=not email and bot is not None and row.get("bot_id") == bot,
            )
        )
    out.sort(key=lambda m: m.at, reverse=True)
    return out


def sandbox_channels(session: Session, actor: Actor) -> set[int]:
    """Ids of the channels (that ``actor`` sees) pointed at the sandbox emulator: their posts'
    links lead to the «Hộp cát» page, not to the real facebook.com or t.me."""
    from publisher.services.publishing.channels import list_channels

    url = get_url(session)
    if not url:
        return set()
    found = set()
    for channel in list_channels(session, actor):
        values = [str(v) for v in (channel.settings or {}).values()]
        if any(v.rstrip("/").startswith(url) for v in values) and channel.id is not None:
            found.add(channel.id)
    return found
