"""Telegram's webhook mode: ``POST /bot/telegram/<channel>`` on the api feeds the bot.

Telegram sends each update with the ``X-Telegram-Bot-Api-Secret-Token`` header set to the
secret given in ``setWebhook``; here it must equal the channel's ``bot_webhook_secret``
(compared in constant time). A request without it, with another one, or for a channel
whose bot is off is refused before its body is read as an update: a forged update is never
answered. A malformed body is acknowledged (200) and ignored, so Telegram does not retry it.
The bots live on the api's event loop, one per channel (the staff replies of a webhook
channel are sent by the worker's pool, see :mod:`publisher.bots.pool`).
"""

from __future__ import annotations

import asyncio
import hmac
import json
from typing import Any

from publisher.bots.limits import UserBuckets
from publisher.bots.telegram import BotChannel, TelegramBot, load_channel
from publisher.config import get_settings
from publisher.errors import PublisherError
from publisher.timeutil import Clock

SECRET_HEADER = "x-telegram-bot-api-secret-token"  # noqa: S105 (a header name)
#: Largest update body read (Telegram's text updates are a few kilobytes).
MAX_BODY = 256 * 1024


class WebhookBots:
    """The webhook-fed bots of one api process."""

    def __init__(self, clock: Clock | None = None) -> None:
        settings = get_settings()
        self.clock = clock
        self.buckets = UserBuckets(settings.faq_user_rate_per_minute, settings.faq_user_burst)
        self._bots: dict[int, tuple[BotChannel, TelegramBot]] = {}

    async def handle(self, channel_ref: str, body: bytes, headers: dict[str, str]) -> int:
        """The HTTP status to answer: 404 (no such webhook bot), 403 (bad secret), 200."""
        try:
            channel = await asyncio.to_thread(load_channel, channel_ref)
        except PublisherError:
            return 404
        expected = channel.webhook_secret
        given = headers.get(SECRET_HEADER, "")
        if not expected:
            return 404
        if not hmac.compare_digest(given.encode(), expected.encode()):
            return 403
        try:
            raw: Any = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return 200
        if not isinstance(raw, dict) or not isinstance(raw.get("update_id"), int):
            return 200
        await self._bot(channel).accept(raw)
        return 200

    def _bot(self, channel: BotChannel) -> TelegramBot:
        kept = self._bots.get(channel.id)
        if kept is None or kept[0] != channel:
            bot = TelegramBot(channel, clock=self.clock, buckets=self.buckets)
            self._bots[channel.id] = (channel, bot)
            return bot
        return kept[1]
