"""Telegram reaction counts from ``message_reaction_count`` updates (getUpdates).

Bots cannot read view counts, and reaction counts of channel posts only arrive as
``message_reaction_count`` updates when the bot is an administrator of the channel and asks
for that update type. They are batched by Telegram and can lag by minutes. This module reads
them with the channel's bot; the caller keeps the offset and the counts between polls.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from telegram import Bot

ALLOWED_UPDATES = ("message_reaction_count",)


@dataclass(frozen=True)
class ReactionCount:
    chat_id: int
    chat_username: str | None
    message_id: int
    total: int


@dataclass(frozen=True)
class ReactionPoll:
    counts: tuple[ReactionCount, ...]
    #: Offset to pass next time (one past the last update seen), or the given one.
    next_offset: int | None


async def fetch_reaction_counts(bot: Bot, offset: int | None = None) -> ReactionPoll:
    """Fetch pending ``message_reaction_count`` updates of ``bot`` (run by
    :meth:`connectors.telegram.TelegramConnector.poll_metrics`, which maps errors).

    Each count is the message's current total over all reaction types (Telegram sends the
    full current state, not a delta).
    """
    updates = await bot.get_updates(offset=offset, timeout=0, allowed_updates=list(ALLOWED_UPDATES))
    counts: list[ReactionCount] = []
    last = offset
    for update in updates:
        last = update.update_id + 1
        item = update.message_reaction_count
        if item is None:
            continue
        counts.append(
            ReactionCount(
                chat_id=item.chat.id,
                chat_username=item.chat.username,
                message_id=item.message_id,
                total=sum(r.total_count for r in item.reactions),
            )
        )
    return ReactionPoll(tuple(counts), last)
