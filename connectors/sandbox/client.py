"""Python client of the sandbox control API (for the UI, the demo and tests).

Example::

    sb = SandboxClient("http://127.0.0.1:8765")
    sb.add_fault("facebook", "error", code=368, times=1)          # next Graph call: policy block
    sb.add_fault("telegram", "error", status=429, retry_after=7)  # RetryAfter(7)
    sb.add_fault("webhook", "timeout", when="after", seconds=3)   # accepted, answer too late
    sb.add_fault("facebook", "drop", account="1001", method="feed")
    sb.set_latency(0.05)
    rows = sb.records(platform="telegram", since=0)
"""

from __future__ import annotations

from typing import Any

import httpx


class SandboxClient:
    """Thin synchronous wrapper over ``/_sandbox/*``; raises :class:`httpx.HTTPStatusError`
    when the sandbox refuses a request and :class:`httpx.HTTPError` when it cannot be
    reached."""

    def __init__(self, url: str, *, timeout: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        with httpx.Client(timeout=self.timeout) as http:
            response = http.request(method, f"{self.url}/_sandbox/{path}", **kwargs)
        response.raise_for_status()
        return response.json()

    # -- records --------------------------------------------------------------------------
    def records(
        self,
        platform: str | None = None,
        *,
        since: int | None = None,
        after: float | None = None,
        account: str | None = None,
        limit: int | None = None,
        tail: int | None = None,
    ) -> list[dict[str, Any]]:
        """Records received (oldest first): ``since`` is an exclusive ``seq``, ``after`` a
        Unix time compared with ``received_at``; ``limit`` keeps the oldest N, ``tail`` the
        newest N (for a UI that shows the latest)."""
        params = {
            k: v
            for k, v in {
                "platform": platform,
                "since": since,
                "after": after,
                "account": account,
                "limit": limit,
                "tail": tail,
            }.items()
            if v is not None
        }
        rows: list[dict[str, Any]] = self._call("GET", "records", params=params)["records"]
        return rows

    def published(self, platform: str | None = None, **kwargs: Any) -> list[dict[str, Any]]:
        """Only the records that made a post public (what would have been published)."""
        return [r for r in self.records(platform, **kwargs) if r.get("published")]

    def clear_records(self) -> None:
        self._call("DELETE", "records")

    # -- faults ---------------------------------------------------------------------------
    def add_fault(self, platform: str, action: str, **spec: Any) -> dict[str, Any]:
        """Add a rule (see :class:`connectors.sandbox.faults.Fault`): ``account``, ``method``,
        ``when`` ("before"/"after"), ``code``, ``status``, ``retry_after``, ``seconds``,
        ``message``, ``times`` (``None`` = always), ``http_method``. Returns the stored rule
        with its id."""
        fault: dict[str, Any] = self._call(
            "POST", "faults", json={"platform": platform, "action": action, **spec}
        )
        return fault

    def faults(self) -> list[dict[str, Any]]:
        rules: list[dict[str, Any]] = self._call("GET", "faults")["faults"]
        return rules

    def remove_fault(self, fault_id: int) -> None:
        self._call("DELETE", f"faults/{fault_id}")

    def clear_faults(self) -> None:
        self._call("DELETE", "faults")

    # -- behaviour ------------------------------------------------------------------------
    def set_latency(self, seconds: float) -> None:
        """Latency added to every emulated platform answer."""
        self._call("PUT", "latency", json={"seconds": seconds})

    def set_metrics(self, object_id: str, **counters: int) -> None:
        """Fix a Graph post's counters (``reactions``, ``comments``, ``shares``, ``views``)."""
        self._call("POST", f"metrics/{object_id}", json=counters)

    def reset(self) -> None:
        """Forget faults, in-memory records, published objects and latency."""
        self._call("POST", "reset")

    # -- accounts -------------------------------------------------------------------------
    def accounts(self) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", "accounts")
        return result

    def add_accounts(self, spec: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self._call("POST", "accounts", json=spec)
        return result

    def add_facebook_page(self, page_id: str, token: str, name: str | None = None) -> None:
        self.add_accounts({"facebook": [{"page_id": page_id, "token": token, "name": name}]})

    def add_telegram_bot(self, token: str) -> None:
        self.add_accounts({"telegram": {"bots": [{"token": token}]}})

    def add_telegram_chat(self, chat_id: str, title: str | None = None) -> None:
        self.add_accounts({"telegram": {"chats": [{"chat_id": chat_id, "title": title}]}})

    def add_hook(
        self, name: str, secret: str, scheme: str | None = None, app_id: str | None = None
    ) -> None:
        self.add_accounts(
            {"webhook": [{"name": name, "secret": secret, "scheme": scheme, "app_id": app_id}]}
        )

    def zalo(self, **spec: Any) -> dict[str, Any]:
        """Configure the Zalo emulator (see :func:`connectors.sandbox.zalo.control`): ``apps``,
        ``oas``, ``tokens``, ``processing_polls``, ``advance`` (seconds), ``at`` (Unix time),
        ``permissive``, ``views``. With no argument, returns its state (articles, broadcasts)."""
        if not spec:
            result: dict[str, Any] = self._call("GET", "zalo")
            return result
        result = self._call("POST", "zalo", json=spec)
        return result

    def set_permissive(self, permissive: bool) -> None:
        """With ``False`` only registered accounts work (the demo patterns are refused)."""
        self.add_accounts({"permissive": permissive})

    # -- a citizen writing to a bot (sandbox/botchat.py) ------------------------------------
    def citizen_says(
        self, token: str, text: str, *, user_id: int = 501, name: str = "", **extra: Any
    ) -> dict[str, Any]:
        """Queue a citizen's message to the bot of ``token``; ``{"update_id", "chat_id"}``."""
        body = {"token": token, "text": text, "user_id": user_id, "name": name, **extra}
        result: dict[str, Any] = self._call("POST", "telegram/citizen", json=body)
        return result

    def citizen_presses(
        self, token: str, message_id: int, data: str, *, user_id: int = 501
    ) -> dict[str, Any]:
        """Press the inline button carrying ``data`` under the bot's message ``message_id``."""
        body = {
            "token": token,
            "user_id": user_id,
            "message_id": message_id,
            "callback_data": data,
        }
        result: dict[str, Any] = self._call("POST", "telegram/citizen", json=body)
        return result

    def chat(self, chat_id: int, since: float = 0.0) -> dict[str, Any]:
        """The chat as the citizen sees it: ``{"messages": [...], "callback_answers": [...]}``."""
        result: dict[str, Any] = self._call(
            "GET", "telegram/chat", params={"chat_id": chat_id, "since": since}
        )
        return result
