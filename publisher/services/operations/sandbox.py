"""What the sandbox emulators received, for the "Hộp cát" page (the UI never talks to
connectors itself). The demo stores the emulator's address in the database."""

from __future__ import annotations

import os
from typing import Any

import httpx
from sqlmodel import Session

from publisher.errors import PublisherError
from publisher.models import KeyValue
from publisher.services.accounts.actor import Actor

URL_KEY = "sandbox.url"
URL_ENV = "PUBLISHER_SANDBOX_URL"


def platforms() -> tuple[str, ...]:
    """The platforms the emulators speak (their records' ``platform``). Raises nothing."""
    from connectors.sandbox.faults import PLATFORMS

    return tuple(p for p in PLATFORMS if p != "*")


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


def received(
    session: Session, actor: Actor, platform: str | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    """The newest records first. Raises PublisherError (``error.sandbox_missing`` when no
    sandbox is configured, ``error.sandbox_unreachable`` when it does not answer)."""
    actor.require("sandbox.view")
    from connectors.sandbox.client import SandboxClient

    url = get_url(session)
    if not url:
        raise PublisherError("error.sandbox_missing")
    try:
        rows = SandboxClient(url, timeout=5).records(platform or None)
    except httpx.HTTPError as exc:
        raise PublisherError("error.sandbox_unreachable", url=url, detail=str(exc)[:120]) from exc
    # Checks and the FAQ bots' long polls are not what a trainee looks for.
    hidden = ("getMe", "me", "check", "getoa", "getUpdates", "answerCallbackQuery")
    rows = [r for r in rows if r.get("method") not in hidden]
    return list(reversed(rows))[:limit]


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
