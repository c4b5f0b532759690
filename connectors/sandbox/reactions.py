"""Sandbox extension: Telegram ``getUpdates`` with ``message_reaction_count`` updates.

The control endpoint ``POST /_sandbox/telegram/reactions`` queues the current reaction counts
of a channel message (``{"chat_id": "@x", "message_id": 3, "reactions": {"👍": 5}}``);
``getUpdates`` hands queued updates to any bot, honouring ``offset`` like Telegram (updates
below the offset are confirmed and dropped).
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
            if allowed is not None and "message_reaction_count" not in allowed:
                result: list[dict[str, Any]] = []
            else:
                result = list(queue[:100])
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
