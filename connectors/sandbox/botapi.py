"""Telegram Bot API emulator: getMe, getChat, sendMessage (with inline keyboards), sendPhoto,
sendVideo, sendMediaGroup, answerCallbackQuery, setWebhook, deleteWebhook — url-encoded, JSON
and multipart bodies, ``attach://`` references."""

from __future__ import annotations

import html
import json
import re
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from connectors.sandbox.exchange import Outcome, exchange, file_info, image_size, is_mp4
from connectors.sandbox.faults import Fault
from connectors.sandbox.state import SandboxState

TEXT_MAX = 4096
CAPTION_MAX = 1024
PHOTO_MAX = 10 * 1024 * 1024
UPLOAD_MAX = 50 * 1024 * 1024
ALLOWED_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
    }
)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s[^<>]*)?)>")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
METHODS = (
    "getme",
    "getchat",
    "sendmessage",
    "sendphoto",
    "sendvideo",
    "sendmediagroup",
    "editmessagetext",
    "editmessagecaption",
    "deletemessage",
    "answercallbackquery",
    "setwebhook",
    "deletewebhook",
)
#: Methods that act on no chat.
CHATLESS = frozenset({"answercallbackquery"})
#: Files of a multipart request: field name -> (content, what :func:`file_info` says).
Uploads = dict[str, tuple[bytes, dict[str, Any]]]


def tg_error(status: int, description: str, **parameters: Any) -> Outcome:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return Outcome(status, body, accepted=False)


def fault_answer(fault: Fault) -> Outcome:
    """Bot API answer for an injected error: ``code``/``status`` is the HTTP and error code."""
    status = fault.status or fault.code or 500
    if status == 429:
        wait = int(fault.retry_after if fault.retry_after is not None else 5)
        return tg_error(
            429, fault.message or f"Too Many Requests: retry after {wait}", retry_after=wait
        )
    default = {
        400: "Bad Request: sandbox injected error",
        401: "Unauthorized",
        403: "Forbidden: bot is not a member of the channel chat",
        409: "Conflict: terminated by other getUpdates request; make sure that only one bot"
        " instance is running",
        502: "Bad Gateway",
    }.get(status, "Internal Server Error")
    return tg_error(status, fault.message or default)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def plain_text(text: str, parse_mode: str | None) -> tuple[str, str | None]:
    """The text as shown (entities parsed) and an error description if it cannot parse."""
    if (parse_mode or "").upper() != "HTML":
        return text, None
    stack: list[str] = []
    for m in _TAG.finditer(text):
        closing, tag = m.group(1), m.group(2).lower()
        if tag not in ALLOWED_TAGS:
            return text, f'Bad Request: can\'t parse entities: Unsupported start tag "{tag}"'
        if closing:
            if not stack or stack.pop() != tag:
                return text, f'Bad Request: can\'t parse entities: Unmatched end tag "{tag}"'
        else:
            stack.append(tag)
    if stack:
        return text, f"Bad Request: can't parse entities: Can't find end tag \"{stack[-1]}\""
    stripped = _ENTITY.sub("", _TAG.sub("", text))
    for ch in "<>&":
        if ch in stripped:
            return text, (
                "Bad Request: can't parse entities: Unexpected end of name token"
                if ch == "&"
                else "Bad Request: can't parse entities: Unsupported start tag"
            )
    return html.unescape(_TAG.sub("", text)), None


async def handle(request: Request, state: SandboxState) -> Response:
    received_at = time.time()
    token = request.path_params["token"]
    method = request.path_params["method"]
    params: dict[str, Any] = dict(request.query_params)
    uploads: Uploads = {}
    ctype = request.headers.get("content-type", "")
    if request.method == "POST":
        if ctype.startswith("application/json"):
            try:
                body = json.loads(await request.body() or b"{}")
            except ValueError:
                body = None
            if isinstance(body, dict):
                params.update(body)
        else:
            form = await request.form(max_files=20, max_fields=200)
            for key, value in form.multi_items():
                if isinstance(value, UploadFile):
                    uploads[key] = await file_info(value)
                else:
                    params[key] = value
    chat_key = str(params.get("chat_id") or "") or None
    known_chat = state.accounts.tg_chat(chat_key) if chat_key else None
    details = {
        "fields": {k: v for k, v in params.items() if k not in uploads},
        "files": [info | {"field": k} for k, (_, info) in uploads.items()],
        "text": _shown_text(params),
        # Which bot (its public numeric id, never the token) wrote to which kind of chat:
        # the sandbox page lists a bot's private messages (notifications) on their own.
        "bot_id": state.accounts.tg_bot_for(token),
        "chat_type": known_chat.get("type") if known_chat else None,
    }

    def process() -> Outcome:
        bot_id = state.accounts.tg_bot_for(token)
        if bot_id is None:
            return tg_error(401, "Unauthorized")
        name = method.lower()
        if name not in METHODS:
            return tg_error(404, "Not Found: method not found")
        if name == "getme":
            return Outcome(200, {"ok": True, "result": _me(bot_id)})
        if name == "answercallbackquery":
            return _answer_callback(state, params)
        if name in ("setwebhook", "deletewebhook"):
            return _webhook(state, bot_id, params, name == "setwebhook")
        if not chat_key:
            return tg_error(400, "Bad Request: chat_id is empty")
        chat = state.accounts.tg_chat(chat_key)
        if chat is None:
            return tg_error(400, "Bad Request: chat not found")
        if name == "getchat":
            return Outcome(
                200, {"ok": True, "result": chat | {"accent_color_id": 0, "max_reaction_count": 11}}
            )
        return _SENDERS[name](state, chat, params, uploads)

    return await exchange(
        request,
        state,
        platform="telegram",
        method=method,
        account=chat_key,
        received_at=received_at,
        details=details,
        process=process,
        error_answer=fault_answer,
    )


def _shown_text(params: dict[str, Any]) -> str | None:
    """The text a reader would see (HTML parsed), for records and the UI."""
    source: dict[str, Any] = params
    if "text" not in params and "caption" not in params and params.get("media"):
        try:
            media = params["media"]
            media = json.loads(media) if isinstance(media, str) else media
            source = next((m for m in media if isinstance(m, dict) and m.get("caption")), {})
        except (ValueError, TypeError):
            return None
    raw = source.get("text") or source.get("caption")
    if raw is None:
        return None
    shown, _ = plain_text(str(raw), source.get("parse_mode"))
    return shown


def _me(bot_id: int) -> dict[str, Any]:
    return {
        "id": bot_id,
        "is_bot": True,
        "first_name": "Sandbox bot",
        "username": f"sandbox_{bot_id}_bot",
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
    }


def _message(state: SandboxState, chat: dict[str, Any], **content: Any) -> dict[str, Any]:
    return {
        "message_id": state.next_message_id(chat["id"]),
        "date": int(time.time()),
        "chat": chat,
        **content,
    }


def _checked_text(params: dict[str, Any], key: str, limit: int) -> tuple[str, Outcome | None]:
    raw = str(params.get(key) or "")
    shown, error = plain_text(raw, params.get("parse_mode"))
    if error:
        return shown, tg_error(400, error)
    if utf16_len(shown) > limit:
        what = "message is too long" if key == "text" else "message caption is too long"
        return shown, tg_error(400, f"Bad Request: {what}")
    return shown, None


def _send_message(
    state: SandboxState, chat: dict[str, Any], params: dict[str, Any], uploads: Uploads
) -> Outcome:
    text, error = _checked_text(params, "text", TEXT_MAX)
    if error:
        return error
    if not text.strip():
        return tg_error(400, "Bad Request: message text is empty")
    markup, problem = _reply_markup(params.get("reply_markup"))
    if problem:
        return tg_error(400, problem)
    msg = _message(state, chat, text=text, **({"reply_markup": markup} if markup else {}))
    return _sent(chat, msg, state)


def _reply_markup(raw: Any) -> tuple[dict[str, Any] | None, str | None]:
    """An inline keyboard as Telegram checks it: rows of buttons with text and 1-64 bytes of
    ``callback_data`` (or a ``url``)."""
    if raw in (None, ""):
        return None, None
    try:
        markup = json.loads(raw) if isinstance(raw, str) else raw
        rows = markup["inline_keyboard"]
        for row in rows:
            for button in row:
                data = button.get("callback_data")
                if not str(button.get("text") or "").strip():
                    return None, "Bad Request: text buttons are unallowed in the inline keyboard"
                if data is not None and not 1 <= len(str(data).encode()) <= 64:
                    return None, "Bad Request: BUTTON_DATA_INVALID"
                if data is None and not button.get("url"):
                    return None, "Bad Request: can't parse inline keyboard button"
    except (ValueError, KeyError, TypeError, AttributeError):
        return None, "Bad Request: can't parse reply keyboard markup JSON object"
    return dict(markup), None


def _webhook(state: SandboxState, bot_id: int, params: dict[str, Any], on: bool) -> Outcome:
    """setWebhook / deleteWebhook: remembered per bot (``state.tg_webhooks``), never called
    back (the sandbox's citizens reach a bot by long polling)."""
    url = str(params.get("url") or "")
    if on and not url.startswith("https://"):
        return tg_error(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
    with state.lock:
        hooks = state.__dict__.setdefault("tg_webhooks", {})
        if on:
            hooks[bot_id] = {"url": url, "has_secret": bool(params.get("secret_token"))}
        else:
            hooks.pop(bot_id, None)
    return Outcome(200, {"ok": True, "result": True, "description": "Webhook was set"})


def _answer_callback(state: SandboxState, params: dict[str, Any]) -> Outcome:
    query_id = str(params.get("callback_query_id") or "")
    if not query_id.startswith("cbq-"):
        return tg_error(400, "Bad Request: query is too old and response timeout expired")
    with state.lock:
        answers = state.__dict__.setdefault("tg_callback_answers", [])
        answers.append({"id": query_id, "text": params.get("text") or ""})
    return Outcome(200, {"ok": True, "result": True})


def _sent(chat: dict[str, Any], result: Any, state: SandboxState | None = None) -> Outcome:
    first = result[0] if isinstance(result, list) else result
    if state is not None:
        with state.lock:
            for message in result if isinstance(result, list) else [result]:
                # sent_at orders a chat's messages within one second (the citizen chat).
                stored = {**message, "sent_at": time.time()}
                state.tg_messages[(chat["id"], message["message_id"])] = stored
    return Outcome(
        200,
        {"ok": True, "result": result},
        external_id=f"{chat['id']}:{first['message_id']}",
        # A bot's answer in a citizen's chat (sandbox/botchat.py) is a reply, not a post.
        published=chat.get("type") not in ("private", "group"),
    )


def _media(uploads: Uploads, value: Any, kind: str) -> tuple[dict[str, Any] | None, str | None]:
    """Resolve a photo/video value (upload, ``attach://``, URL or file id) to its object."""
    data: bytes | None = None
    if isinstance(value, str) and value.startswith("attach://"):
        ref = value[len("attach://") :]
        if ref not in uploads:
            return None, f"Bad Request: file {value} not found in the request"
        data = uploads[ref][0]
    elif isinstance(value, str) and value in uploads:
        data = uploads[value][0]
    elif isinstance(value, str) and (value.startswith(("http://", "https://", "sbx-"))):
        data = None  # fetched by Telegram from a URL / a known file id: not checked here
    elif value is None or value == "":
        return None, f"Bad Request: there is no {kind} in the request"
    else:
        return None, "Bad Request: wrong remote file identifier specified"
    size = len(data) if data is not None else 0
    uid = f"sbx-{kind}-{time.time_ns()}"
    if kind == "photo":
        dims = image_size(data) if data is not None else (1280, 720)
        if dims is None:
            return None, "Bad Request: IMAGE_PROCESS_FAILED"
        if size > PHOTO_MAX:
            return None, "Bad Request: PHOTO_SAVE_FILE_INVALID"
        return {
            "photo": [
                {
                    "file_id": uid,
                    "file_unique_id": uid[-12:],
                    "width": dims[0],
                    "height": dims[1],
                    "file_size": size,
                }
            ]
        }, None
    if data is not None and not is_mp4(data):
        return None, "Bad Request: wrong type of the web page content"
    if size > UPLOAD_MAX:
        return None, "Bad Request: file is too big"
    return {
        "video": {
            "file_id": uid,
            "file_unique_id": uid[-12:],
            "width": 1280,
            "height": 720,
            "duration": 1,
            "mime_type": "video/mp4",
            "file_size": size,
        }
    }, None


def _captioned_media(
    source: dict[str, Any], uploads: Uploads, value: Any, kind: str
) -> dict[str, Any] | Outcome:
    """The media object of ``value`` with ``source``'s caption, or the error answer (the
    caption is checked first, then the file)."""
    caption, error = _checked_text(source, "caption", CAPTION_MAX)
    if error:
        return error
    content, problem = _media(uploads, value, kind)
    if problem or content is None:
        return tg_error(400, problem or "Bad Request: no media")
    if caption:
        content["caption"] = caption
    return content


def _send_single(
    state: SandboxState,
    chat: dict[str, Any],
    params: dict[str, Any],
    uploads: Uploads,
    kind: str,
) -> Outcome:
    value = params.get(kind) if kind in params else (kind if kind in uploads else None)
    content = _captioned_media(params, uploads, value, kind)
    if isinstance(content, Outcome):
        return content
    return _sent(chat, _message(state, chat, **content), state)


def _send_media_group(
    state: SandboxState, chat: dict[str, Any], params: dict[str, Any], uploads: Uploads
) -> Outcome:
    media = params.get("media")
    if isinstance(media, str):
        try:
            media = json.loads(media)
        except ValueError:
            return tg_error(400, "Bad Request: can't parse media JSON object")
    if not isinstance(media, list) or not 2 <= len(media) <= 10:
        return tg_error(400, "Bad Request: media must include 2-10 items")
    group_id = str(time.time_ns())
    messages: list[dict[str, Any]] = []
    for item in media:
        if not isinstance(item, dict) or item.get("type") not in ("photo", "video"):
            return tg_error(400, "Bad Request: unsupported media type in the album")
        content = _captioned_media(item, uploads, item.get("media"), item["type"])
        if isinstance(content, Outcome):
            return content
        messages.append(content)
    result = [_message(state, chat, media_group_id=group_id, **c) for c in messages]
    return _sent(chat, result, state)


def _stored(
    state: SandboxState, chat: dict[str, Any], params: dict[str, Any], what: str
) -> tuple[tuple[int, int], dict[str, Any] | None, Outcome | None]:
    raw = str(params.get("message_id") or "")
    if not raw.lstrip("-").isdigit():
        return (0, 0), None, tg_error(400, "Bad Request: message identifier is not specified")
    key = (chat["id"], int(raw))
    with state.lock:
        message = state.tg_messages.get(key)
    if message is None:
        return key, None, tg_error(400, f"Bad Request: message to {what} not found")
    return key, message, None


_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)


def _edit(
    state: SandboxState,
    chat: dict[str, Any],
    params: dict[str, Any],
    uploads: Uploads,
    field: str,
) -> Outcome:
    """editMessageText (``field`` "text") or editMessageCaption ("caption"), as Telegram
    answers them: unknown message, the wrong kind of message, unchanged content."""
    key, message, error = _stored(state, chat, params, "edit")
    if error or message is None:
        return error or tg_error(400, "Bad Request: message to edit not found")
    if field == "text" and "text" not in message:
        return tg_error(400, "Bad Request: there is no text in the message to edit")
    if field == "caption" and "text" in message:
        return tg_error(400, "Bad Request: there is no caption in the message to edit")
    shown, error = _checked_text(params, field, TEXT_MAX if field == "text" else CAPTION_MAX)
    if error:
        return error
    if field == "text" and not shown.strip():
        return tg_error(400, "Bad Request: message text is empty")
    if message.get(field, "") == shown:
        return tg_error(400, _NOT_MODIFIED)
    edited = {**message, field: shown, "edit_date": int(time.time())}
    with state.lock:
        state.tg_messages[key] = edited
    return Outcome(200, {"ok": True, "result": edited}, external_id=f"{key[0]}:{key[1]}")


def _delete(
    state: SandboxState, chat: dict[str, Any], params: dict[str, Any], uploads: Uploads
) -> Outcome:
    key, message, error = _stored(state, chat, params, "delete")
    if error or message is None:
        return error or tg_error(400, "Bad Request: message to delete not found")
    with state.lock:
        state.tg_messages.pop(key, None)
    return Outcome(200, {"ok": True, "result": True}, external_id=f"{key[0]}:{key[1]}")


_SENDERS: dict[str, Callable[[SandboxState, dict[str, Any], dict[str, Any], Uploads], Outcome]] = {
    "sendmessage": _send_message,
    "sendphoto": partial(_send_single, kind="photo"),
    "sendvideo": partial(_send_single, kind="video"),
    "sendmediagroup": _send_media_group,
    "editmessagetext": partial(_edit, field="text"),
    "editmessagecaption": partial(_edit, field="caption"),
    "deletemessage": _delete,
}
