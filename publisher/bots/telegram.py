"""One channel's FAQ bot on Telegram (python-telegram-bot over the channel's Bot API).

Updates come from long polling (:meth:`TelegramBot.serve`, ``getUpdates`` with offset and
timeout) or from Telegram's webhook through the api (:meth:`TelegramBot.accept`, after the
``X-Telegram-Bot-Api-Secret-Token`` check). Each update is parsed on its own (a malformed one
is skipped, never the batch), limited per citizen (:mod:`publisher.bots.limits`: a flood is
dropped, not queued) and queued per chat: chats are answered concurrently, one chat's
messages in order, so one citizen's flood never delays another's answer.

PTB's ``Application`` is not used: its ``run_polling`` owns the main thread and its signals,
while the worker runs several bots in threads with one stop event, and the api feeds webhook
updates into the same per-chat queues.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import warnings
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from connectors.base import ChannelConfig
from connectors.errors import ConnectorError
from connectors.telegram import TelegramConnector
from publisher.bots.limits import ALLOW, NOTICE, UserBuckets
from publisher.bots.polling import PollPolicy, PollWatch, failure_of, sleep_unless
from publisher.config import get_settings
from publisher.db import session_scope
from publisher.errors import InvalidInput
from publisher.i18n import t
from publisher.services.accounts.actor import Actor
from publisher.services.publishing import channels, faq_bot, faq_inbox
from publisher.timeutil import Clock, get_clock

if TYPE_CHECKING:
    from telegram import Bot, Update

log = logging.getLogger(__name__)
ALLOWED_UPDATES = ["message", "callback_query"]
#: Messages waiting in one chat's queue at most (the limiter keeps it far below).
CHAT_QUEUE_MAX = 20


@dataclass(frozen=True)
class BotChannel:
    """What a bot needs of its channel (credentials inside ``config``: never log it)."""

    id: int
    name: str
    org_id: int
    config: ChannelConfig

    @property
    def webhook_secret(self) -> str:
        return str(self.config.credentials.get("bot_webhook_secret") or "")


@dataclass(frozen=True)
class Incoming:
    """A citizen's message or button press, platform details removed."""

    chat_id: int
    user_id: int
    name: str
    text: str = ""
    command: str = ""
    data: str | None = None
    callback_id: str = ""
    message_text: str = ""
    buttons: tuple[tuple[str, str], ...] = ()


def enabled(settings: dict[str, Any]) -> bool:
    return str(settings.get("faq_bot") or "").strip().lower() in ("true", "1", "yes", "on")


def load_channel(
    ref: str | int, *, require_enabled: bool = True, kind: str = "telegram"
) -> BotChannel:
    """The channel ``ref`` (name or id) of platform ``kind``. Raises :class:`NotFound` and
    :class:`InvalidInput` (another platform, or the bot is off)."""
    with session_scope(readonly=True) as session:
        channel = channels.get_channel(session, Actor.system("bot"), ref)
        if channel.kind != kind:
            raise InvalidInput("error.faqbot_kind", channel=channel.name)
        if require_enabled and not enabled(channel.settings):
            raise InvalidInput("error.faqbot_not_enabled", channel=channel.name)
        assert channel.id is not None
        return BotChannel(
            channel.id, channel.name, channel.org_id, channels.channel_config(channel)
        )


def parse(update: Update, username: str) -> Incoming | None:
    """The citizen's part of ``update``, or None when the bot should stay quiet: not a text
    message or a button, from a bot, or a group message that does not mention the bot."""
    query = update.callback_query
    if query is not None:
        message = query.message
        if query.from_user is None or message is None or message.chat is None:
            return None
        markup = getattr(message, "reply_markup", None)
        buttons = tuple(
            (str(b.callback_data), b.text)
            for row in (markup.inline_keyboard if markup else ())
            for b in row
            if b.callback_data is not None
        )
        return Incoming(
            chat_id=message.chat.id,
            user_id=query.from_user.id,
            name=query.from_user.full_name,
            data=str(query.data or ""),
            callback_id=query.id,
            message_text=getattr(message, "text", None) or "",
            buttons=buttons,
        )
    message = update.message
    if message is None or message.from_user is None or message.from_user.is_bot:
        return None
    text = message.text
    if text is None:
        return None
    if message.chat.type != "private":
        mention = f"@{username}".lower()
        replied = message.reply_to_message
        to_bot = replied is not None and replied.from_user is not None and replied.from_user.is_bot
        if mention not in text.lower() and not to_bot:
            return None
        at = text.lower().find(mention)
        if at >= 0:
            text = text[:at] + text[at + len(mention) :]
    command = ""
    stripped = text.strip()
    if stripped.startswith("/"):
        command = stripped.split()[0][1:].split("@")[0].lower()
    return Incoming(
        message.chat.id, message.from_user.id, message.from_user.full_name, text, command
    )


def decide(channel: BotChannel, incoming: Incoming, now: datetime) -> faq_bot.BotReply:
    """What the bot answers (one transaction: the logged query and any hand-over)."""
    if incoming.command in ("start", "help"):
        return faq_bot.greeting()
    with session_scope() as session:
        common: dict[str, Any] = {
            "channel_id": channel.id,
            "org_id": channel.org_id,
            "chat_id": str(incoming.chat_id),
            "display_name": incoming.name,
            "now": now,
        }
        if incoming.data is not None:
            return faq_bot.on_button(
                session,
                data=incoming.data,
                message_text=incoming.message_text,
                buttons=dict(incoming.buttons),
                **common,
            )
        if incoming.command:
            return faq_bot.BotReply(text=t("faqbot.greeting", "vi"))
        return faq_bot.respond(session, text=incoming.text, **common)


def _markup(reply: faq_bot.BotReply) -> Any:
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup

    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.text, callback_data=b.data) for b in row] for row in reply.buttons]
    )


class TelegramBot:
    """The bot of one channel on one event loop (the thread that runs :meth:`serve`, or the
    api's loop for webhooks)."""

    def __init__(
        self,
        channel: BotChannel,
        *,
        clock: Clock | None = None,
        buckets: UserBuckets | None = None,
        poll_timeout: float = 10.0,
        outbox_interval: float = 1.0,
        timeout: float = 20.0,
        policy: PollPolicy | None = None,
    ) -> None:
        settings = get_settings()
        self.channel = channel
        self.clock = clock
        self.buckets = buckets or UserBuckets(
            settings.faq_user_rate_per_minute, settings.faq_user_burst
        )
        self.poll_timeout = poll_timeout
        self.outbox_interval = outbox_interval
        self.connector = TelegramConnector(channel.config, timeout=timeout)
        self.bot: Bot | None = None
        self.username = ""
        self._queues: dict[int, asyncio.Queue[Incoming]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self.answered = 0
        self.watch = PollWatch(channel.id, channel.name, policy)

    def now(self) -> datetime:
        return (self.clock or get_clock()).now()

    # -- life cycle -----------------------------------------------------------------------
    async def start(self) -> Bot:
        """Open the connections and learn the bot's @username (getMe). Raises a
        :class:`connectors.errors.ConnectorError` (bad token, Bot API unreachable)."""
        if self.bot is None:
            bot = self.connector.chat_bot(poll_timeout=self.poll_timeout)
            try:
                await bot.initialize()
            except Exception as exc:  # the token is refused, the Bot API unreachable
                from connectors.telegram_errors import classify

                await bot.shutdown()
                raise self.connector.failure(exc, classify) from None
            self.bot, self.username = bot, bot.username or ""
        return self.bot

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self.bot is not None:
            await self.bot.shutdown()
            self.bot = None

    def run(self, stop: threading.Event, *, poll: bool = True, keep_trying: bool = False) -> None:
        """Serve until ``stop`` is set (blocking; its own event loop)."""
        asyncio.run(self.serve(stop, poll=poll, keep_trying=keep_trying))

    async def serve(
        self, stop: threading.Event, *, poll: bool = True, keep_trying: bool = False
    ) -> None:
        """Long-poll for updates (unless ``poll`` is off: webhook mode) and send the staff
        replies of the inbox, until ``stop`` is set. A failed poll is retried, backed off and
        alerted (:mod:`publisher.bots.polling`); so is a failed start with ``keep_trying``
        (the worker's bots), which otherwise raises a ConnectorError (``bot run``)."""
        if not await self._start_until_up(stop, keep_trying):
            await self.close()
            return
        if not poll:
            await self.watch.succeeded()  # the token works; the api receives the updates
        try:
            outbox = asyncio.create_task(self._outbox_loop(stop))
            offset = 0
            while poll and not stop.is_set():
                fetch = asyncio.create_task(self._fetch(offset))
                waiter = asyncio.create_task(_wait(stop))
                done, _ = await asyncio.wait({fetch, waiter}, return_when=asyncio.FIRST_COMPLETED)
                waiter.cancel()
                if fetch not in done:
                    fetch.cancel()  # unconfirmed updates come again on the next start
                    break
                try:
                    raws = fetch.result()
                except Exception as exc:  # the Bot API is down or refused: wait, retry
                    await self.watch.failed(failure_of(self.connector, exc), stop)
                    continue
                await self.watch.succeeded()
                for raw in raws:
                    if isinstance(raw, dict) and isinstance(raw.get("update_id"), int):
                        offset = max(offset, raw["update_id"] + 1)
                        await self.accept(raw)
            if not poll:
                await _wait(stop)
            outbox.cancel()
            await asyncio.gather(outbox, return_exceptions=True)
        finally:
            await self.close()

    async def _start_until_up(self, stop: threading.Event, keep_trying: bool) -> bool:
        """Start (getMe); with ``keep_trying`` a failure waits and retries until ``stop``."""
        while not stop.is_set():
            try:
                await self.start()
                return True
            except ConnectorError as error:
                if not keep_trying:
                    raise
                await self.watch.failed(error, stop)
        return False

    async def _fetch(self, offset: int) -> list[Any]:
        assert self.bot is not None
        with warnings.catch_warnings():
            # Raw getUpdates (not bot.get_updates): one malformed update must not make the
            # whole batch unreadable (PTB parses the list at once); PTB warns about the alias.
            warnings.simplefilter("ignore")
            result = await self.bot.do_api_request(
                "getUpdates",
                api_kwargs={
                    "offset": offset,
                    "timeout": int(self.poll_timeout),
                    "allowed_updates": ALLOWED_UPDATES,
                },
                read_timeout=self.poll_timeout + self.connector.timeout,
            )
        return list(result) if isinstance(result, list) else []

    # -- updates in -----------------------------------------------------------------------
    async def accept(self, raw: dict[str, Any]) -> bool:
        """Take one update (polled or from the webhook): parse, limit, queue. False when it
        is ignored (malformed, not for the bot, or dropped by the limit)."""
        from telegram import Update

        bot = await self.start()
        try:
            update = Update.de_json(raw, bot)
            incoming = parse(update, self.username) if update is not None else None
        except Exception:  # malformed: skipped, never answered
            log.info("bot %s: malformed update ignored", self.channel.name)
            return False
        if incoming is None:
            return False
        verdict = self.buckets.hit(f"{self.channel.id}:{incoming.user_id}", time.monotonic())
        if verdict != ALLOW:
            if verdict == NOTICE and incoming.data is None:
                self._spawn(self._send_text(incoming.chat_id, t("faqbot.slow_down", "vi")))
            if incoming.callback_id:
                self._spawn(self._answer_callback(incoming.callback_id, ""))
            return False
        queue = self._queues.get(incoming.chat_id)
        if queue is None:
            queue = self._queues[incoming.chat_id] = asyncio.Queue(CHAT_QUEUE_MAX)
            self._spawn(self._chat_loop(incoming.chat_id, queue))
        if queue.full():
            return False
        queue.put_nowait(incoming)
        return True

    def _spawn(self, coro: Any) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _chat_loop(self, chat_id: int, queue: asyncio.Queue[Incoming]) -> None:
        """Answer one chat's messages in order; ends when its queue is empty."""
        try:
            while not queue.empty():
                incoming = queue.get_nowait()
                try:
                    await self._answer(incoming)
                except Exception as exc:  # one failed answer never stops the bot
                    log.warning("bot %s: answer failed: %s", self.channel.name, type(exc).__name__)
        finally:
            self._queues.pop(chat_id, None)

    async def _answer(self, incoming: Incoming) -> None:
        reply = await asyncio.to_thread(decide, self.channel, incoming, self.now())
        if incoming.callback_id:
            await self._answer_callback(incoming.callback_id, reply.toast)
        if reply.text:
            await self._send_text(incoming.chat_id, reply.text, _markup(reply))
        self.answered += 1

    async def _send_text(self, chat_id: int | str, text: str, markup: Any = None) -> None:
        bot = await self.start()
        await bot.send_message(chat_id, text, reply_markup=markup)

    async def _answer_callback(self, callback_id: str, text: str) -> None:
        bot = await self.start()
        try:
            await bot.answer_callback_query(callback_id, text=text or None)
        except Exception as exc:  # an expired query: the message still goes out
            log.info("bot %s: callback not answered: %s", self.channel.name, type(exc).__name__)

    # -- staff replies out ----------------------------------------------------------------
    async def _outbox_loop(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                await self.send_staff_replies()
            except Exception as exc:  # the database or the Bot API: try again next round
                log.warning("bot %s: staff replies: %s", self.channel.name, type(exc).__name__)
            await sleep_unless(stop, self.outbox_interval)

    async def send_staff_replies(self) -> int:
        """Send the inbox replies staff wrote for this channel; how many went out."""
        rows = await asyncio.to_thread(_pending, self.channel.id)
        sent = 0
        for handover_id, chat_id, text in rows:
            try:
                await self._send_text(chat_id, faq_bot.staff_message(text))
                ok = True
            except Exception as exc:  # blocked by the citizen, chat gone: shown as failed
                log.info("bot %s: staff reply not sent: %s", self.channel.name, exc)
                ok = False
            await asyncio.to_thread(_mark, handover_id, ok)
            sent += ok
        return sent


def _pending(channel_id: int) -> list[tuple[int, str, str]]:
    with session_scope(readonly=True) as session:
        rows = faq_inbox.pending_replies(session, channel_id)
        return [(r.id or 0, r.chat_id, r.reply) for r in rows]


def _mark(handover_id: int, ok: bool) -> None:
    with session_scope() as session:
        faq_inbox.mark_sent(session, handover_id, ok=ok)


async def _wait(stop: threading.Event) -> None:
    while not stop.is_set():
        await asyncio.sleep(0.1)
