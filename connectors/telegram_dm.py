"""Direct messages through a bot: people link their Telegram account by opening
``t.me/<bot>?start=<code>`` (Telegram then sends the bot ``/start <code>`` from their private
chat), and the bot writes to that chat afterwards (notifications)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from telegram import Bot

ALLOWED_UPDATES = ("message",)


@dataclass(frozen=True)
class StartCode:
    """``/start <code>`` sent to the bot from a private chat."""

    chat_id: int
    code: str
    name: str


@dataclass(frozen=True)
class StartPoll:
    codes: tuple[StartCode, ...]
    #: Offset to pass next time (one past the last update seen), or the given one.
    next_offset: int | None


async def fetch_start_codes(bot: Bot, offset: int | None = None) -> StartPoll:
    """Pending private ``/start <code>`` messages of ``bot`` (run by
    :meth:`connectors.telegram.TelegramConnector.poll_start_codes`, which maps errors).
    Other messages are confirmed and ignored."""
    updates = await bot.get_updates(offset=offset, timeout=0, allowed_updates=list(ALLOWED_UPDATES))
    codes: list[StartCode] = []
    last = offset
    for update in updates:
        last = update.update_id + 1
        message = update.message
        if message is None or message.chat.type != "private" or not message.text:
            continue
        parts = message.text.strip().split()
        if len(parts) == 2 and parts[0] == "/start":
            codes.append(StartCode(message.chat.id, parts[1], message.chat.first_name or ""))
    return StartPoll(tuple(codes), last)
