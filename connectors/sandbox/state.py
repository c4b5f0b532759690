"""What the sandbox knows: accounts, received records, published objects, faults."""

from __future__ import annotations

import json
import re
import threading
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from connectors.sandbox.faults import FaultBook

RECORDS_FILE = "sandbox-records.jsonl"

#: Permissive demo patterns (documented in docs/connectors.md).
FB_DEMO_TOKEN = re.compile(r"^sandbox-fb-(?P<page>\d{1,20})$")
TG_DEMO_TOKEN = re.compile(r"^(?P<bot>\d{1,12}):sandbox[-_A-Za-z0-9]*$")
TG_DEMO_CHAT = re.compile(r"^(@sandbox\w*|-100\d{5,15})$")
HOOK_DEMO_SECRET = "sandbox-secret"  # noqa: S105 - documented public demo value


@dataclass
class Hook:
    name: str
    secret: str
    scheme: str | None = None  # None accepts either scheme
    app_id: str | None = None


@dataclass
class Accounts:
    """Known credentials. With ``permissive`` the demo patterns above are accepted too."""

    fb_tokens: dict[str, str] = field(default_factory=dict)  # token -> page id
    fb_pages: dict[str, str] = field(default_factory=dict)  # page id -> name
    #: token -> (expires_at, data_access_expires_at) as /debug_token says (Unix times; 0 never)
    fb_expiry: dict[str, tuple[int, int]] = field(default_factory=dict)
    tg_bots: dict[str, int] = field(default_factory=dict)  # token -> bot id
    tg_chats: dict[str, dict[str, Any]] = field(default_factory=dict)  # chat key -> chat
    hooks: dict[str, Hook] = field(default_factory=dict)
    permissive: bool = True

    def fb_page_for(self, token: str) -> str | None:
        if token in self.fb_tokens:
            return self.fb_tokens[token]
        m = FB_DEMO_TOKEN.match(token) if self.permissive else None
        return m.group("page") if m else None

    def fb_page_name(self, page_id: str) -> str:
        return self.fb_pages.get(page_id, f"Sandbox page {page_id}")

    def tg_bot_for(self, token: str) -> int | None:
        if token in self.tg_bots:
            return self.tg_bots[token]
        m = TG_DEMO_TOKEN.match(token) if self.permissive else None
        return int(m.group("bot")) if m else None

    def tg_chat(self, chat_id: str) -> dict[str, Any] | None:
        if chat_id in self.tg_chats:
            return self.tg_chats[chat_id]
        if self.permissive and TG_DEMO_CHAT.match(chat_id):
            return make_chat(chat_id)
        return None

    def hook(self, name: str) -> Hook | None:
        if name in self.hooks:
            return self.hooks[name]
        return Hook(name, HOOK_DEMO_SECRET) if self.permissive else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "permissive": self.permissive,
            "facebook": {"tokens": self.fb_tokens, "pages": self.fb_pages},
            "telegram": {"bots": self.tg_bots, "chats": self.tg_chats},
            "webhook": {n: {"scheme": h.scheme, "app_id": h.app_id} for n, h in self.hooks.items()},
        }


def make_chat(chat_id: str, title: str | None = None) -> dict[str, Any]:
    """A Telegram channel object for ``chat_id`` (``@name`` or a ``-100…`` number)."""
    if chat_id.startswith("@"):
        numeric = -(10**12) - (zlib.crc32(chat_id.encode()) % 10**10)
        return {
            "id": numeric,
            "type": "channel",
            "title": title or chat_id[1:],
            "username": chat_id[1:],
        }
    return {"id": int(chat_id), "type": "channel", "title": title or f"Channel {chat_id}"}


class SandboxState:
    """All mutable state of one sandbox server. Thread-safe: handlers run on one event loop
    but the Python client and tests may read from other threads."""

    def __init__(self, data_dir: str | Path | None = None, *, latency: float = 0.0) -> None:
        self.accounts = Accounts()
        self.faults = FaultBook()
        self.latency = latency
        self.lock = threading.Lock()
        self.records: list[dict[str, Any]] = []
        self._seq = 0
        self._ids = 1000
        self.started_at = time.time()
        # Graph objects: posts (id -> post), unpublished photos (id -> page).
        self.fb_posts: dict[str, dict[str, Any]] = {}
        self.fb_feed: dict[str, list[str]] = {}
        self.fb_unpublished: dict[str, str] = {}
        self.fb_metrics: dict[str, dict[str, int]] = {}
        self.tg_message_ids: dict[int, int] = {}
        #: Messages the bots sent, by (chat id, message id): what edits and deletes act on.
        self.tg_messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.hook_seen: dict[tuple[str, str], dict[str, Any]] = {}
        #: ``host:port`` of the mail catcher (``connectors.sandbox.mail``) when it runs.
        self.smtp_address: str | None = None
        self._file: IO[str] | None = None
        self.data_dir = Path(data_dir) if data_dir else None
        if self.data_dir:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self._file = open(self.data_dir / RECORDS_FILE, "a", encoding="utf-8")

    def next_id(self) -> int:
        with self.lock:
            self._ids += 1
            return self._ids

    def next_message_id(self, chat_id: int) -> int:
        with self.lock:
            value = self.tg_message_ids.get(chat_id, 0) + 1
            self.tg_message_ids[chat_id] = value
            return value

    def record(self, entry: dict[str, Any]) -> dict[str, Any]:
        """Append a record (memory + JSON-lines file); returns it with its ``seq``."""
        with self.lock:
            self._seq += 1
            entry = {"seq": self._seq, **entry}
            self.records.append(entry)
            if self._file is not None:
                self._file.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")
                self._file.flush()
        return entry

    def query(
        self,
        platform: str | None = None,
        since: int | None = None,
        after: float | None = None,
        account: str | None = None,
        limit: int | None = None,
        tail: int | None = None,
    ) -> list[dict[str, Any]]:
        """Records with ``seq > since`` and ``received_at > after``, oldest first: the first
        ``limit`` of them, or the newest ``tail`` of them."""
        with self.lock:
            rows = list(self.records)
        if since is not None:
            rows = [r for r in rows if r["seq"] > since]
        if after is not None:
            rows = [r for r in rows if r["received_at"] > after]
        if platform:
            rows = [r for r in rows if r["platform"] == platform]
        if account:
            rows = [r for r in rows if r.get("account") == account]
        if tail:
            rows = rows[-tail:]
        return rows[:limit] if limit else rows

    def reset(self) -> None:
        """Forget faults, records in memory, objects and latency (the file is append-only)."""
        with self.lock:
            self.records = []
            self.fb_posts.clear()
            self.fb_feed.clear()
            self.fb_unpublished.clear()
            self.fb_metrics.clear()
            self.tg_messages.clear()
            self.hook_seen.clear()
            self.__dict__.pop("zalo", None)  # the Zalo emulator's state (sandbox/zalo.py)
            # The citizen chat's queues and transcript (sandbox/botchat.py).
            for key in (
                "tg_bot_updates",
                "tg_citizen_messages",
                "tg_callback_answers",
                "tg_citizen_names",
                "tg_webhooks",
            ):
                self.__dict__.pop(key, None)
        self.faults.clear()
        self.latency = 0.0

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
