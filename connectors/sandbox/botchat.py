"""Sandbox extension: citizens writing to a bot, and the bot's long polling.

Control endpoints (the demo's "citizen chat" and the tests drive a bot through them):

* ``POST /_sandbox/telegram/citizen`` ``{"token": "<bot token>", "user_id": 501,
  "name": "Lan", "text": "..."}`` queues a private message to the bot;
  ``"chat_type": "group"`` with ``"chat_id": -1001`` sends it in a group instead;
  ``{"callback_data": "...", "message_id": 7}`` presses an inline button of a message the
  bot sent to that chat. Answers ``{"update_id": n, "chat_id": ...}``.
* ``GET /_sandbox/telegram/chat?chat_id=501&since=0`` the chat as the citizen sees it: the
  messages the bot sent (with their buttons) and the citizen's own, oldest first, each with
  ``side`` ``bot`` or ``citizen``.

``getUpdates`` hands a bot its own queued updates plus the shared reaction updates of
:mod:`connectors.sandbox.reactions`, honours ``offset`` (updates below it are confirmed and
dropped) and waits up to ``timeout`` seconds for one to arrive, like Telegram's long polling.
Its faults match the bot's numeric id as ``account`` (``{"platform": "telegram", "method":
"getUpdates", "account": "7001", "action": "error", "status": 409, "times": null}``: that
bot's polling meets a conflict until the rule is removed); a faulty poll answers at once.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from connectors.sandbox import botapi
from connectors.sandbox.exchange import Outcome, exchange
from connectors.sandbox.reactions import _queue as reaction_queue
from connectors.sandbox.reactions import bot_queue
from connectors.sandbox.state import SandboxState

#: Telegram's own ceiling for a long poll's ``timeout``.
MAX_POLL_SECONDS = 50.0


_bot_queue = bot_queue


def _transcript(state: SandboxState) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = state.__dict__.setdefault("tg_citizen_messages", [])
    return rows


def _next_update_id(state: SandboxState) -> int:
    value = int(state.__dict__.get("tg_last_update_id", 100)) + 1
    state.__dict__["tg_last_update_id"] = value
    return value


def _chat_of(body: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
    if str(body.get("chat_type") or "private") == "private":
        return {"id": user["id"], "type": "private", "first_name": user["first_name"]}
    return {"id": int(body["chat_id"]), "type": "group", "title": str(body.get("title") or "Nhóm")}


async def citizen(request: Request, state: SandboxState) -> Response:
    """Queue a citizen's message (or button press) for the bot of ``token``."""
    try:
        body = await request.json()
        token = str(body["token"])
        user_id = int(body.get("user_id") or 501)
        # A citizen keeps the name they first wrote with (button presses give none).
        names: dict[int, str] = state.__dict__.setdefault("tg_citizen_names", {})
        name = str(body.get("name") or names.get(user_id) or "Công dân")
        names[user_id] = name
        user = {"id": user_id, "is_bot": False, "first_name": name, "language_code": "vi"}
        chat = _chat_of(body, user)
    except (ValueError, KeyError, TypeError, AttributeError):
        return JSONResponse(
            {"error": "body needs token and text (or callback_data and message_id)"},
            status_code=400,
        )
    bot_id = state.accounts.tg_bot_for(token)
    if bot_id is None:
        return JSONResponse({"error": "unknown bot token"}, status_code=404)
    now = int(time.time())
    with state.lock:
        # The bot may answer in this chat from now on (sendMessage looks chats up here).
        state.accounts.tg_chats.setdefault(str(chat["id"]), chat)
        update_id = _next_update_id(state)
        if body.get("callback_data") is not None:
            sent = state.tg_messages.get((chat["id"], int(body.get("message_id") or 0)))
            if sent is None:
                return JSONResponse({"error": "no such bot message"}, status_code=404)
            update: dict[str, Any] = {
                "update_id": update_id,
                "callback_query": {
                    "id": f"cbq-{update_id}",
                    "from": user,
                    "chat_instance": str(chat["id"]),
                    "message": sent,
                    "data": str(body["callback_data"]),
                },
            }
        else:
            message_id = state.tg_message_ids.get(chat["id"], 0) + 1
            state.tg_message_ids[chat["id"]] = message_id
            text = str(body.get("text") if body.get("text") is not None else "")
            message: dict[str, Any] = {
                "message_id": message_id,
                "date": now,
                "chat": chat,
                "from": user,
                "text": text,
            }
            entities = body.get("entities")
            if isinstance(entities, list):
                message["entities"] = entities
            update = {"update_id": update_id, "message": message}
            _transcript(state).append(
                {**message, "chat_id": chat["id"], "side": "citizen", "at": time.time()}
            )
        if body.get("raw") is not None:  # a malformed update, exactly as given (tests)
            update = {"update_id": update_id, **dict(body["raw"])}
        _bot_queue(state, bot_id).append(update)
    return JSONResponse({"update_id": update_id, "chat_id": chat["id"]})


async def chat(request: Request, state: SandboxState) -> Response:
    """What the citizen sees in one chat: the bot's messages and their own, oldest first."""
    try:
        chat_id = int(request.query_params["chat_id"])
        since = float(request.query_params.get("since") or 0)
    except (KeyError, ValueError):
        return JSONResponse({"error": "chat_id (a number) is required"}, status_code=400)
    with state.lock:
        mine = [m for m in _transcript(state) if m["chat_id"] == chat_id]
        sent = [
            {**m, "chat_id": chat_id, "side": "bot", "at": m.get("sent_at", m["date"])}
            for (cid, _), m in state.tg_messages.items()
            if cid == chat_id
        ]
        answered = list(state.__dict__.get("tg_callback_answers", []))
    rows = sorted((r for r in mine + sent if r["at"] > since), key=lambda r: r["at"])
    return JSONResponse({"messages": rows, "callback_answers": answered})


def _pending(state: SandboxState, bot_id: int, offset: int, allowed: Any) -> list[dict[str, Any]]:
    def wanted(update: dict[str, Any]) -> bool:
        return allowed is None or any(key in update for key in allowed) or _malformed(update)

    with state.lock:
        own = _bot_queue(state, bot_id)
        shared = reaction_queue(state)
        if offset:
            own[:] = [u for u in own if u["update_id"] >= offset]
            # A shared update is confirmed only by a bot that asks for its kind: one bot's
            # offset must not drop what another bot has still to read.
            shared[:] = [u for u in shared if u["update_id"] >= offset or not wanted(u)]
        rows = [u for u in own if wanted(u)] + [u for u in shared if wanted(u)]
    return sorted(rows, key=lambda u: u["update_id"])[:100]


def _malformed(update: dict[str, Any]) -> bool:
    return not any(k != "update_id" for k in update)


async def get_updates(request: Request, state: SandboxState) -> Response:
    """``getUpdates`` through the shared exchange (faults, records and latency apply)."""
    received_at = time.time()
    token = request.path_params["token"]
    params: dict[str, Any] = dict(request.query_params)
    try:
        if request.method == "POST":
            if request.headers.get("content-type", "").startswith("application/json"):
                params.update(json.loads(await request.body() or b"{}"))
            else:
                params.update(dict(await request.form()))
        allowed = params.get("allowed_updates")
        if isinstance(allowed, str):
            allowed = json.loads(allowed)
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), MAX_POLL_SECONDS)
    except (ValueError, TypeError):
        return JSONResponse(
            {"ok": False, "error_code": 400, "description": "Bad Request: invalid parameters"},
            status_code=400,
        )
    bot_id = state.accounts.tg_bot_for(token)
    account = str(bot_id) if bot_id is not None else None
    faulty = state.faults.pending("telegram", account, "getUpdates", request.method)
    if bot_id is not None and timeout > 0 and not faulty:
        deadline = time.monotonic() + timeout
        while not _pending(state, bot_id, offset, allowed) and time.monotonic() < deadline:
            if await request.is_disconnected():
                # The bot gave up its poll (it is stopping): end the wait, or a server
                # shutdown would have to cancel it.
                return Response(status_code=499)
            await asyncio.sleep(0.05)

    def process() -> Outcome:
        if bot_id is None:
            return botapi.tg_error(401, "Unauthorized")
        return Outcome(200, {"ok": True, "result": _pending(state, bot_id, offset, allowed)})

    return await exchange(
        request,
        state,
        platform="telegram",
        method="getUpdates",
        account=account,
        received_at=received_at,
        details={"fields": params},
        process=process,
        error_answer=botapi.fault_answer,
    )
