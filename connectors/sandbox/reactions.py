"""Sandbox extension: Telegram ``getUpdates`` with ``message_reaction_count`` and private
``message`` updates.

The control endpoint ``POST /_sandbox/telegram/reactions`` queues the current reaction counts
of a channel message (``{"chat_id": "@x", "message_id": 3, "reactions": {"👍": 5}}``);
``getUpdates`` hands queued updates to any bot, honouring ``offset`` like Telegram (updates
below the offset are confirmed and dropped).

``POST /_sandbox/telegram/messages`` (``{"user_id": 7001, "text": "/start CODE",
"first_name": "An"}``) queues a private message a person sent to the bots, as when they open
a ``t.me/<bot>?start=CODE`` link, and opens the private chat so bots can answer there.
"""

from __future__ import annotations

import json
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from connectors.sandbox import botapi
from connectors.sandbox.exchange import Outcome, exchange
from connectors.sandbox.state import SandboxState


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
    except (ValueError, KeyError, TypeError, AttributeError):
        return JSONResponse({"error": "body needs user_id and text"}, status_code=400)
    if user_id <= 0:
        return JSONResponse({"error": "a person's user_id is positive"}, status_code=400)
    chat = {"id": user_id, "type": "private", "first_name": first_name}
    person = {"id": user_id, "is_bot": False, "first_name": first_name}
    with state.lock:
        state.accounts.tg_chats[str(user_id)] = chat
        queue = _queue(state)
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


def _kind(update: dict[str, Any]) -> str:
    return next(k for k in update if k != "update_id")


async def get_updates(request: Request, state: SandboxState) -> Response:
    """``getUpdates`` through the shared exchange (faults, records and latency apply)."""
    received_at = time.time()
    token = request.path_params["token"]
    params: dict[str, Any] = dict(request.query_params)
    if request.method == "POST":
        ctype = request.headers.get("content-type", "")
        if ctype.startswith("application/json"):
            params.update(json.loads(await request.body() or b"{}"))
        else:
            params.update(dict(await request.form()))
    allowed = params.get("allowed_updates")
    if isinstance(allowed, str):
        allowed = json.loads(allowed)
    offset = int(params.get("offset") or 0)

    def process() -> Outcome:
        if state.accounts.tg_bot_for(token) is None:
            return botapi.tg_error(401, "Unauthorized")
        with state.lock:
            queue = _queue(state)
            if offset:
                queue[:] = [u for u in queue if u["update_id"] >= offset]
            # Like Telegram, an update of a type not asked for is not handed out (and, the
            # sandbox being shared by the bots, stays for the bot that asks for it).
            result = [u for u in queue if allowed is None or _kind(u) in allowed][:100]
        return Outcome(200, {"ok": True, "result": result})

    return await exchange(
        request,
        state,
        platform="telegram",
        method="getUpdates",
        account=None,
        received_at=received_at,
        details={"fields": params},
        process=process,
        error_answer=botapi.fault_answer,
    )
