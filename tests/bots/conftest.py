"""A unit with a knowledge base and a Telegram channel whose FAQ bot runs against the
sandbox's Bot API emulator (the real python-telegram-bot over real HTTP)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from connectors.sandbox import SandboxHandle
from connectors.sandbox.client import SandboxClient
from publisher.bots.telegram import TelegramBot, load_channel
from publisher.db import session_scope
from publisher.models import FaqAnswer
from tests.factories import Office, make_office

TOKEN = "7001:sandbox-faq"
VNEID = "https://vneid.gov.vn/huong-dan-dinh-danh-muc-2"
ANSWERS = [
    (
        "Làm sao để đăng ký tài khoản định danh điện tử mức 2?",
        "Bạn mang căn cước công dân gắn chip tới công an xã/phường để được chụp ảnh, lấy vân"
        " tay và kích hoạt tài khoản định danh điện tử mức 2 trên ứng dụng VNeID.",
        VNEID,
        ["đăng ký VNeID mức 2", "kích hoạt định danh điện tử mức 2"],
    ),
    (
        "Ngày Chuyển đổi số quốc gia là ngày nào?",
        "Ngày Chuyển đổi số quốc gia là ngày 10 tháng 10 hằng năm.",
        "https://mic.gov.vn/ngay-chuyen-doi-so",
        ["ngày cđs quốc gia"],
    ),
    (
        "Thủ tục đăng ký nhiệm vụ khoa học và công nghệ cấp tỉnh?",
        "Tổ chức, cá nhân nộp hồ sơ đề xuất nhiệm vụ KH&CN cấp tỉnh tại Sở KH&CN theo thông báo"
        " đặt hàng hằng năm.",
        "https://sokhcn.example.gov.vn/nhiem-vu",
        ["đăng ký đề tài KH&CN cấp tỉnh"],
    ),
]


@dataclass
class BotRig:
    office: Office
    channel_id: int
    sb: SandboxClient
    bot: TelegramBot
    stop: threading.Event
    thread: threading.Thread

    def say(self, text: str, user_id: int = 501, **extra: Any) -> int:
        """A citizen writes; the chat id."""
        return int(self.sb.citizen_says(TOKEN, text, user_id=user_id, **extra)["chat_id"])

    def bot_messages(self, chat_id: int) -> list[dict[str, Any]]:
        return bot_messages(self.sb, chat_id)

    def wait_for(self, check: Callable[[], Any], seconds: float = 20.0) -> Any:
        return wait_for(check, seconds)

    def reply_count(self, chat_id: int, count: int) -> list[dict[str, Any]]:
        return replies(self.sb, chat_id, count)


def bot_messages(sb: SandboxClient, chat_id: int) -> list[dict[str, Any]]:
    """What the bot sent to a chat, oldest first."""
    return [m for m in sb.chat(chat_id)["messages"] if m["side"] == "bot"]


def wait_for(check: Callable[[], Any], seconds: float = 20.0) -> Any:
    """Poll until ``check()`` is truthy (a condition, not a timing assertion)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def replies(sb: SandboxClient, chat_id: int, count: int) -> list[dict[str, Any]]:
    """The bot's messages to a chat once there are at least ``count``."""
    return wait_for(lambda: (m := bot_messages(sb, chat_id)) and len(m) >= count and m)


def seed_answers(org_id: int) -> None:
    with session_scope() as session:
        for question, answer, url, variants in ANSWERS:
            session.add(
                FaqAnswer(
                    org_id=org_id,
                    status="approved",
                    question=question,
                    answer=answer,
                    source_url=url,
                    variants=variants,
                )
            )


@pytest.fixture
def rig(
    sqlite_db: Any, sandbox: SandboxHandle, monkeypatch: pytest.MonkeyPatch
) -> Iterator[BotRig]:
    monkeypatch.setenv("PUBLISHER_ALLOW_PRIVATE_TARGETS", "1")
    spec = {
        "kind": "telegram",
        "settings": {"chat_id": "@sandbox_khcn", "api_base_url": sandbox.url, "faq_bot": True},
        "credentials": {"bot_token": TOKEN},
    }
    office = make_office("so-khcn-bot", channels={"tg-faq": spec})
    seed_answers(office.org.id)
    channel = load_channel("tg-faq")
    bot = TelegramBot(channel, poll_timeout=1.0, outbox_interval=0.2, timeout=10.0)
    stop = threading.Event()
    thread = threading.Thread(target=bot.run, args=(stop,), daemon=True)
    thread.start()
    try:
        yield BotRig(office, channel.id, SandboxClient(sandbox.url), bot, stop, thread)
    finally:
        stop.set()
        thread.join(15)
        assert not thread.is_alive(), "the bot did not stop"
