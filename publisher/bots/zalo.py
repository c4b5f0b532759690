"""The FAQ bot on a Zalo Official Account.

Zalo posts the OA's webhook events to the api's ``/inbound/<channel>``, which checks the
``X-ZEvent-Signature`` (:meth:`connectors.zalo_oa.ZaloOAConnector.verify_inbound`) and stores
the event before anything else happens: a forged, stale or replayed event never reaches this
module. For a new ``user_send_text`` event of a channel with ``faq_bot`` on, :func:`answer`
replies with a customer-service message (``/v3.0/oa/message/cs``). Zalo's text messages have
no inline buttons: suggestions are listed as lines and the 👍/👎 buttons are left out. Staff
replies of the inbox go out through :class:`ZaloOutbox` (a thread of the worker's pool).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import datetime
from typing import Any

from connectors.zalo_oa import ZaloOAConnector
from publisher.bots.limits import ALLOW, NOTICE, UserBuckets
from publisher.bots.telegram import BotChannel, enabled, load_channel
from publisher.config import get_settings
from publisher.db import session_scope
from publisher.errors import PublisherError
from publisher.i18n import t
from publisher.services.publishing import faq_bot, faq_inbox
from publisher.timeutil import Clock, get_clock

log = logging.getLogger(__name__)
KIND = "zalo_oa"


def as_text(reply: faq_bot.BotReply) -> str:
    """A reply as one Zalo text message: suggested questions become numbered lines."""
    lines = [reply.text]
    suggestions = [b.text for row in reply.buttons for b in row if b.data.startswith("q:")]
    lines += [f"{n}. {text}" for n, text in enumerate(suggestions, 1)]
    return "\n".join(line for line in lines if line)


class ZaloBots:
    """Answers the stored ``user_send_text`` events of one process (the api)."""

    def __init__(self, clock: Clock | None = None) -> None:
        settings = get_settings()
        self.clock = clock
        self.buckets = UserBuckets(settings.faq_user_rate_per_minute, settings.faq_user_burst)

    def answer(self, row: dict[str, Any], body: bytes) -> bool:
        """Reply to one verified, newly stored event (``row``, the request ``body``: the
        stored row keeps no words); False when it is not for the bot. Raises nothing (a
        failure is logged: the event itself is already stored)."""
        try:
            return self._answer(row, json.loads(body))
        except Exception as exc:  # the OA refused, the database is away: logged, no retry
            log.warning("zalo faq bot: %s", type(exc).__name__)
            return False

    def _answer(self, row: dict[str, Any], payload: Any) -> bool:
        if not isinstance(payload, dict) or payload.get("event_name") != "user_send_text":
            return False
        sender, message = (_dict(payload.get(key)) for key in ("sender", "message"))
        user_id, text = str(sender.get("id") or ""), message.get("text")
        if not user_id.isdigit() or not isinstance(text, str):
            return False
        try:
            channel = load_channel(int(row["channel_id"]), kind=KIND)
        except PublisherError:
            return False  # not a Zalo OA or its bot is off
        verdict = self.buckets.hit(f"{channel.id}:{user_id}", time.monotonic())
        connector = ZaloOAConnector(channel.config, timeout=20.0)
        if verdict != ALLOW:
            if verdict == NOTICE:
                connector.send_cs_text(user_id, t("faqbot.slow_down", "vi"))
            return False
        now: datetime = (self.clock or get_clock()).now()
        with session_scope() as session:
            reply = faq_bot.respond(
                session,
                channel_id=channel.id,
                org_id=channel.org_id,
                chat_id=user_id,
                display_name="",
                text=text,
                now=now,
            )
        body = as_text(reply)
        if body:
            connector.send_cs_text(user_id, body)
        return True


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


class ZaloOutbox:
    """Sends a Zalo OA channel's staff replies (a thread of the worker's pool)."""

    def __init__(self, channel: BotChannel, *, interval: float = 1.0) -> None:
        self.channel = channel
        self.interval = interval
        self.connector = ZaloOAConnector(channel.config, timeout=20.0)

    def run(self, stop: threading.Event, *, poll: bool = True) -> None:
        while not stop.is_set():
            try:
                self.send_staff_replies()
            except Exception as exc:  # the database is away: next round
                log.warning("zalo faq bot %s: %s", self.channel.name, type(exc).__name__)
            stop.wait(self.interval)

    def send_staff_replies(self) -> int:
        with session_scope(readonly=True) as session:
            rows = [(r.id or 0, r.chat_id, r.reply) for r in faq_inbox.pending_replies(
                session, self.channel.id
            )]  # fmt: skip
        sent = 0
        for handover_id, user_id, text in rows:
            try:
                self.connector.send_cs_text(user_id, faq_bot.staff_message(text))
                ok = True
            except Exception as exc:  # the user left the OA, the 7-day window closed, ...
                log.info("zalo faq bot %s: staff reply not sent: %s", self.channel.name, exc)
                ok = False
            with session_scope() as session:
                faq_inbox.mark_sent(session, handover_id, ok=ok)
            sent += ok
        return sent


__all__ = ["KIND", "ZaloBots", "ZaloOutbox", "as_text", "enabled"]
