"""Sandbox extension: Telegram ``getUpdates`` with ``message_reaction_count`` and private
``message`` updates.

The control endpoint ``POST /_sandbox/telegram/reactions`` queues the current reaction counts
of a channel message (``{"chat_id": "@x", "message_id": 3, "reactions": {"👍": 5}}``);
``getUpdates`` hands queued updates to any bot, honouring ``offset`` like Telegram (updates
below the offset are confirmed and dropped).

``POST /_sandbox/telegram/messages`` (``{"user_id": 7001, "text": "/start CODE",
"first_name": "An", "bot_token": "..."}``) queues a private message a person sent to that
bot (to any bot without ``bot_token``), as when they open
a ``t.me/<bot>?start=CODE`` link, and opens the private chat so bots can answer there.
"""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from connectors.sandbox.state import SandboxState


def bot_queue(state: SandboxState, bot_id: int) -> list[dict[str, Any]]:
    """Updates for one bot only (a person writing to that bot), beside the shared queue."""
    queues: dict[int, list[dict[str, Any]]] = state.__dict__.setdefault("tg_bot_updates", {})
    return queues.setdefault(bot_id, [])


def _queue(state: SandboxState) -> list[dict[str, Any]]:
    # Kept on the state object so that state.reset() users can clear it with the rest.
    queue: list[dict[str, Any]] = state.__dict__.setdefault("tg_reaction_updates", [])
    return queue


async def add_reactions(request: Request, state: SandboxState) -> Response:
    try:
        body = await request.json()
        chat_key = str(body["chat_id"])
        message_id = int(body["message_id"])
        reactions = {str(k): int(v) for k, v in dict(body.get("reactions") or {}).items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        return JSONResponse(
            {"error": "body needs chat_id, message_id and reactions {emoji: count}"},
            status_code=400,
        )
    chat = state.accounts.tg_chat(chat_key)
    if chat is None:
        return JSONResponse({"error": "unknown chat"}, status_code=404)
    with state.lock:
        queue = _queue(state)
        update_id = state.__dict__.get("tg_last_update_id", 100) + 1
        state.__dict__["tg_last_update_id"] = update_id
        queue.append(
            {
                "update_id": update_id,
                "message_reaction_count": {
                    "chat": chat,
                    "message_id": message_id,
                    "date": int(time.time()),
                    "reactions": [
                        {"type": {"type": "emoji", "emoji": emoji}, "total_count": count}
                        for emoji, count in reactions.items()
                    ],
                },
            }
        )
    return JSONResponse({"update_id": update_id})


async def add_message(request: Request, state: SandboxState) -> Response:
    try:
        body = await request.json()
        user_id = int(body["user_id"])
        text = str(body["text"])
        first_name = str(body.get("first_name") or "Sandbox user")
        bot_token = str(body.get("bot_token") or "")
    except (ValueError, KeyError, TypeError, AttributeError):
        return JSONResponse({"error": "body needs user_id and text"}, status_code=400)
    bot_id = state.accounts.tg_bot_for(bot_token) if bot_token else None
    if bot_token and bot_id is None:
        return JSONResponse({"error": "unknown bot_token"}, status_code=404)
    if user_id <= 0:
        return JSONResponse({"error": "a person's user_id is positive"}, status_code=400)
    chat = {"id": user_id, "type": "private", "first_name": first_name}
    person = {"id": user_id, "is_bot": False, "first_name": first_name}
    with state.lock:
        state.accounts.tg_chats[str(user_id)] = chat
        # Written to one bot (``bot_token``): only that bot gets it; otherwise any bot may.
        queue = bot_queue(state, bot_id) if bot_id is not None else _queue(state)
        update_id = state.__dict__.get("tg_last_update_id", 100) + 1
        state.__dict__["tg_last_update_id"] = update_id
        queue.append(
            {
                "update_id": update_id,
                "message": {
                    "message_id": update_id,
                    "from": person,
                    "chat": chat,
                    "date": int(time.time()),
                    "text": text,
                },
            }
        )
    return JSONResponse({"update_id": update_id})
