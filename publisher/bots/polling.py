"""A Telegram FAQ bot that cannot poll: backed off, and its unit alerted once per streak.

A failed ``getUpdates`` (or ``getMe`` when the worker starts the bot) is named by its reason:

* ``token``: Telegram refuses the bot token (401, 403, 404): a revoked token does not come
  back by itself, so the bot asks again after 15 s, doubling up to once every 15 minutes;
* ``conflict``: 409, another program polls with the same bot or a webhook is set on it;
* ``network``: Telegram unreachable (connection refused or dropped, timeout, 5xx);
* ``other``: any other refusal.

All but ``token`` are asked again after 3 s, doubling up to once a minute (never before a
429's ``retry_after``). Once polling has failed :attr:`PollPolicy.alert_failures` times in a
row over at least :attr:`PollPolicy.alert_seconds` (3 failures, 30 s: a worker restart, whose
old long poll holds the bot for a few seconds, stays quiet), ONE open alert of kind
``faq_bot_polling`` names the channel and the reason. The next successful ``getUpdates``
resolves it, and a later streak may alert again; so does switching the bot off (its
channel's FAQ bot turned off, the channel disabled or deleted, or a webhook set instead), since
nobody can mend a bot that is off. The alert, like the log, carries the reason and the
scrubbed error, never the token.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from connectors.errors import (
    AmbiguousError,
    AuthError,
    ConnectorError,
    RateLimitedError,
    TransientError,
)
from publisher.db import session_scope
from publisher.models import Channel
from publisher.services.accounts import alerts
from publisher.services.accounts.actor import Actor

if TYPE_CHECKING:
    from connectors.telegram import TelegramConnector

log = logging.getLogger(__name__)
KIND = "faq_bot_polling"
TOKEN, CONFLICT, NETWORK, OTHER = "token", "conflict", "network", "other"


@dataclass(frozen=True)
class PollPolicy:
    """When a failing bot alerts and how long it waits before asking Telegram again."""

    alert_failures: int = 3
    alert_seconds: float = 30.0
    retry_first: float = 3.0
    retry_cap: float = 60.0
    refused_first: float = 15.0
    refused_cap: float = 900.0

    def delay(self, reason: str, failures: int, retry_after: float = 0.0) -> float:
        """Seconds to wait after the ``failures``-th failure in a row for ``reason``."""
        first, cap = (
            (self.refused_first, self.refused_cap)
            if reason == TOKEN
            else (self.retry_first, self.retry_cap)
        )
        return max(min(cap, first * 2 ** min(max(failures, 1) - 1, 30)), retry_after)


def reason_of(error: ConnectorError) -> str:
    """``token``, ``conflict``, ``network`` or ``other`` (see the module docstring)."""
    if isinstance(error, AuthError):
        return TOKEN
    if error.code == "tg:Conflict":
        return CONFLICT
    if isinstance(error, TransientError | AmbiguousError):
        return NETWORK
    return OTHER


def failure_of(connector: TelegramConnector, exc: BaseException) -> ConnectorError:
    """A failed poll's exception as our error, classified and scrubbed of the token. A refused
    token reaches ``do_api_request`` as PTB's EndPointNotFound (401/404 once initialised)
    caused by InvalidToken: getUpdates exists, so it is the token. The outbound guard's
    refusal comes wrapped in a NetworkError."""
    from telegram.error import InvalidToken

    from connectors.telegram_errors import classify

    cause = exc.__cause__
    real = cause if isinstance(cause, ConnectorError | InvalidToken) else exc
    return connector.failure(real, classify)


class PollWatch:
    """The failure streak of one bot (used on its event loop only)."""

    def __init__(
        self,
        channel_id: int,
        channel_name: str,
        policy: PollPolicy | None = None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.channel_id = channel_id
        self.channel_name = channel_name
        self.policy = policy or PollPolicy()
        self.monotonic = monotonic
        self.failures = 0
        self.since: float | None = None
        self.alerted = False
        # An alert left open by an earlier run of this bot (worker restart, new token) is
        # resolved by this run's first success.
        self._first_success = True

    async def failed(self, error: ConnectorError, stop: threading.Event) -> None:
        """Count the failure, alert when the streak is long enough, wait before retrying."""
        reason = reason_of(error)
        now = self.monotonic()
        self.failures += 1
        if self.since is None:
            self.since = now
        log.warning(
            "bot %s: polling failed (%s, %s in a row): %s",
            self.channel_name,
            reason,
            self.failures,
            error,
        )
        if (
            not self.alerted
            and self.failures >= self.policy.alert_failures
            and now - self.since >= self.policy.alert_seconds
        ):
            self.alerted = await _in_thread(raise_alert, self.channel_id, reason, self.failures)
        retry_after = error.retry_after if isinstance(error, RateLimitedError) else 0.0
        await sleep_unless(stop, self.policy.delay(reason, self.failures, retry_after))

    async def succeeded(self) -> None:
        """Polling works: end the streak and resolve its alert (or an earlier run's)."""
        if self.failures:
            log.info("bot %s: getUpdates works again", self.channel_name)
        resolve = self.alerted or self._first_success
        self.failures, self.since = 0, None
        if resolve and await _in_thread(resolve_alert, self.channel_id):
            self.alerted = self._first_success = False


async def _in_thread(fn: Callable[..., bool], *args: object) -> bool:
    try:
        return await asyncio.to_thread(fn, *args)
    except Exception as exc:  # the database is away: the next failure or success tries again
        log.warning("faq bot alert not written: %s", type(exc).__name__)
        return False


def raise_alert(channel_id: int, reason: str, failures: int) -> bool:
    """Open the channel's polling alert (one open alert per channel); True once written."""
    with session_scope() as session:
        channel = session.get(Channel, channel_id)
        if channel is None:
            return True
        alerts.raise_alert(
            session,
            KIND,
            f"alert.faq_bot_polling.{reason}",
            org_id=channel.org_id,
            severity="error" if reason == TOKEN else "warning",
            object_type="channel",
            object_id=channel_id,
            channel=channel.name,
            failures=failures,
        )
    return True


def resolve_alert(channel_id: int) -> bool:
    """Resolve the channel's open polling alerts; True once done (even if there were none)."""
    with session_scope() as session:
        alerts.resolve_open(
            session, KIND, object_type="channel", object_id=channel_id, actor=Actor.system("bot")
        )
    return True


def resolve_unpolled(polling: set[int]) -> int:
    """Resolve the polling alerts of channels whose bot no longer polls: switched off, its
    channel disabled or deleted, or fed by a webhook now. Nobody can mend a bot that is off,
    and its alert would otherwise stay open for ever. Returns how many channels."""
    with session_scope() as session:
        stale = alerts.open_objects(session, KIND, "channel") - polling
        for channel_id in sorted(stale):
            alerts.resolve_open(
                session,
                KIND,
                object_type="channel",
                object_id=channel_id,
                actor=Actor.system("bot"),
            )
    return len(stale)


async def sleep_unless(stop: threading.Event, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not stop.is_set() and time.monotonic() < deadline:
        await asyncio.sleep(min(0.1, seconds))
