"""The worker's bots: one thread per channel with ``faq_bot`` on, and the retention job.

Every ``refresh`` seconds the pool looks at the channels: a bot starts for a newly enabled
Telegram channel, stops for one turned off, and restarts when its settings or token change.
A Zalo OA channel's thread only sends the staff replies (its events come through the api).
Only one worker runs the bots (``should_run``: the scheduler's leader), because Telegram
allows one ``getUpdates`` poller per bot. A channel with a webhook secret is fed by the api;
its thread only sends the staff replies.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import col, select

from publisher.bots.limits import UserBuckets
from publisher.bots.polling import resolve_unpolled
from publisher.bots.telegram import BotChannel, TelegramBot, enabled, load_channel
from publisher.bots.zalo import ZaloOutbox
from publisher.config import get_settings
from publisher.db import session_scope
from publisher.models import Channel
from publisher.services.publishing import faq_inbox
from publisher.timeutil import Clock, get_clock

log = logging.getLogger(__name__)
PURGE_EVERY_S = 3600.0


@dataclass
class _Running:
    fingerprint: str
    stop: threading.Event
    thread: threading.Thread
    bot: TelegramBot | ZaloOutbox


#: Platforms with a FAQ bot.
BOT_KINDS = ("telegram", "zalo_oa")


def enabled_channels() -> list[tuple[int, str]]:
    """(id, kind) of the channels whose FAQ bot is on (and the channel itself enabled)."""
    with session_scope(readonly=True) as session:
        rows = session.exec(
            select(Channel).where(
                col(Channel.kind).in_(BOT_KINDS),
                Channel.enabled == True,  # noqa: E712
            )
        ).all()
        return [(c.id, c.kind) for c in rows if c.id is not None and enabled(c.settings)]


def purge(clock: Clock | None = None, days: int | None = None) -> int:
    """Delete the hand-overs older than the retention; how many went."""
    keep = days if days is not None else get_settings().faq_retention_days
    with session_scope() as session:
        return faq_inbox.purge_expired(session, now=(clock or get_clock()).now(), days=keep)


def _fingerprint(channel: BotChannel) -> str:
    blob = json.dumps(
        [channel.config.settings, channel.config.credentials], sort_keys=True, default=str
    )
    return hashlib.sha256(blob.encode()).hexdigest()


class BotPool:
    """Start with :meth:`start`, stop (cleanly, joining every bot) with :meth:`stop`."""

    def __init__(
        self,
        *,
        should_run: Callable[[], bool] = lambda: True,
        clock: Clock | None = None,
        refresh: float = 5.0,
        poll_timeout: float = 10.0,
    ) -> None:
        settings = get_settings()
        self.should_run = should_run
        self.clock = clock
        self.refresh = refresh
        self.poll_timeout = poll_timeout
        # One limiter for every bot of the process: a citizen is limited per channel.
        self.buckets = UserBuckets(settings.faq_user_rate_per_minute, settings.faq_user_burst)
        self.running: dict[int, _Running] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_purge = float("-inf")

    def start(self) -> BotPool:
        self._thread = threading.Thread(target=self._loop, name="faq-bots", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 15.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._stop_all(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.sync()
            except Exception as exc:  # the database is away: try again next round
                log.warning("faq bots: %s", type(exc).__name__)
            self._stop.wait(self.refresh)

    def sync(self) -> None:
        """Bring the running bots in line with the channels; purge when due."""
        if not self.should_run():
            self._stop_all()
            return
        if time.monotonic() - self._last_purge >= PURGE_EVERY_S:
            gone = purge(self.clock)
            self._last_purge = time.monotonic()
            if gone:
                log.info("faq bots: %s expired hand-overs deleted", gone)
        wanted = {}
        for channel_id, kind in enabled_channels():
            try:
                wanted[channel_id] = load_channel(channel_id, kind=kind)
            except Exception as exc:  # credentials unreadable: that bot stays off
                log.warning("faq bot of channel %s: %s", channel_id, type(exc).__name__)
        for channel_id in list(self.running):
            item = self.running[channel_id]
            channel = wanted.get(channel_id)
            if (
                channel is None
                or _fingerprint(channel) != item.fingerprint
                or not item.thread.is_alive()
            ):
                self._stop_one(channel_id)
        for channel_id, channel in wanted.items():
            if channel_id not in self.running:
                self._start_one(channel)
        # After the stopped bots are joined (none of them can alert any more).
        polling = {
            i for i, c in wanted.items() if c.config.kind == "telegram" and not c.webhook_secret
        }
        if resolved := resolve_unpolled(polling):
            log.info("faq bots: polling alerts of %s switched-off bots resolved", resolved)

    def _start_one(self, channel: BotChannel) -> None:
        stop = threading.Event()
        bot: TelegramBot | ZaloOutbox
        if channel.config.kind == "zalo_oa":
            # Zalo's events come through the api; this thread sends the staff replies.
            bot, poll = ZaloOutbox(channel), False
        else:
            bot = TelegramBot(
                channel, clock=self.clock, buckets=self.buckets, poll_timeout=self.poll_timeout
            )
            poll = not channel.webhook_secret
        thread = threading.Thread(
            target=_guarded, args=(bot, stop, poll), name=f"faq-bot-{channel.id}", daemon=True
        )
        thread.start()
        self.running[channel.id] = _Running(_fingerprint(channel), stop, thread, bot)
        log.info("faq bot of %s started (%s)", channel.name, "polling" if poll else "webhook")

    def _stop_one(self, channel_id: int, timeout: float = 15.0) -> None:
        item = self.running.pop(channel_id)
        item.stop.set()
        item.thread.join(timeout)

    def _stop_all(self, timeout: float = 15.0) -> None:
        for channel_id in list(self.running):
            self._stop_one(channel_id, timeout)


def _guarded(bot: TelegramBot | ZaloOutbox, stop: threading.Event, poll: bool) -> None:
    try:
        if isinstance(bot, TelegramBot):
            # A refused token or an unreachable Bot API is retried, backed off and alerted
            # in the bot's thread (publisher.bots.polling), not by restarting the thread.
            bot.run(stop, poll=poll, keep_trying=True)
        else:
            bot.run(stop, poll=poll)
    except Exception as exc:  # the pool restarts a dead bot on its next round
        log.warning("faq bot of %s stopped: %s", bot.channel.name, type(exc).__name__)
