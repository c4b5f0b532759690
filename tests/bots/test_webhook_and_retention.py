"""Telegram's webhook mode through the api, the worker's pool, and the retention job."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlmodel import select

from connectors.sandbox import SandboxHandle
from publisher.api.server import run_in_thread
from publisher.bots.pool import BotPool, purge
from publisher.db import session_scope
from publisher.models import FaqHandover
from publisher.services.publishing import faq_inbox
from publisher.timeutil import FrozenClock
from tests.bots.conftest import TOKEN, VNEID, replies, seed_answers
from tests.factories import make_office

SECRET = "hook-secret-123"


def _update(update_id: int, text: str, user_id: int = 501) -> dict[str, Any]:
    user = {"id": user_id, "is_bot": False, "first_name": "Lan"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_790_000_000,
            "chat": {"id": user_id, "type": "private", "first_name": "Lan"},
            "from": user,
            "text": text,
        },
    }


@pytest.fixture
def webhook_office(sqlite_db: Any, sandbox: SandboxHandle, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("PUBLISHER_ALLOW_PRIVATE_TARGETS", "1")
    spec = {
        "kind": "telegram",
        "settings": {"chat_id": "@sandbox_khcn", "api_base_url": sandbox.url, "faq_bot": True},
        "credentials": {"bot_token": TOKEN, "bot_webhook_secret": SECRET},
    }
    office = make_office("so-khcn-hook", channels={"tg-hook": spec})
    seed_answers(office.org.id)
    # The citizen's private chat exists on the emulator once they have written.
    sandbox.client.citizen_says(TOKEN, "xin chào", user_id=501)
    return office


def test_a_forged_webhook_update_is_refused_and_never_answered(
    webhook_office: Any, sandbox: SandboxHandle
) -> None:
    body = json.dumps(_update(9001, "Ngày Chuyển đổi số quốc gia là ngày nào?"))
    with run_in_thread() as api, httpx.Client(base_url=api.url, timeout=10) as client:
        missing = client.post("/bot/telegram/tg-hook", content=body)
        wrong = client.post(
            "/bot/telegram/tg-hook",
            content=body,
            headers={"X-Telegram-Bot-Api-Secret-Token": "guess"},
        )
        unknown = client.post(
            "/bot/telegram/nope", content=body, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
        )
    assert (missing.status_code, wrong.status_code, unknown.status_code) == (403, 403, 404)
    sent = [r for r in sandbox.client.records(platform="telegram") if r["method"] == "sendMessage"]
    assert sent == []


def test_a_signed_webhook_update_is_answered_and_a_malformed_one_ignored(
    webhook_office: Any, sandbox: SandboxHandle
) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    with run_in_thread() as api, httpx.Client(base_url=api.url, timeout=10) as client:
        bad = client.post("/bot/telegram/tg-hook", content=b"{not json", headers=headers)
        odd = client.post(
            "/bot/telegram/tg-hook", json={"update_id": 5, "message": 7}, headers=headers
        )
        good = client.post(
            "/bot/telegram/tg-hook",
            json=_update(9002, "làm sao để đăng ký tài khoản định danh điện tử mức 2?"),
            headers=headers,
        )
        assert (bad.status_code, odd.status_code, good.status_code) == (200, 200, 200)
        (answer,) = replies(sandbox.client, 501, 1)
    assert f"Nguồn: {VNEID}" in answer["text"]


def test_the_worker_pool_runs_the_bot_of_an_enabled_channel_and_stops_cleanly(
    webhook_office: Any, sandbox: SandboxHandle
) -> None:
    spec = {
        "kind": "telegram",
        "settings": {"chat_id": "@sandbox_pool", "api_base_url": sandbox.url, "faq_bot": True},
        "credentials": {"bot_token": "7002:sandbox-pool"},
    }
    make_office(
        "so-khcn-pool",
        channels={
            "tg-pool": spec,
            "tg-off": {**spec, "settings": {**spec["settings"], "faq_bot": False}},
        },
    )
    pool = BotPool(refresh=0.2, poll_timeout=1.0).start()
    try:
        chat = sandbox.client.citizen_says("7002:sandbox-pool", "xin chào bạn", user_id=555)
        replies(sandbox.client, int(chat["chat_id"]), 1)
        names = {item.bot.channel.name for item in pool.running.values()}
    finally:
        pool.stop()
    # The webhook channel's thread only sends staff replies; the disabled one has none.
    assert names == {"tg-pool", "tg-hook"}
    assert all(not item.thread.is_alive() for item in pool.running.values())
    assert pool.running == {}


def test_hand_overs_are_deleted_after_the_retention(webhook_office: Any) -> None:
    clock = FrozenClock(datetime(2026, 10, 1, tzinfo=UTC))
    with session_scope() as session:
        channel_id = webhook_office.channels["tg-hook"].id
        for age in (40, 29):
            faq_inbox.hand_over(
                session,
                channel_id=channel_id,
                chat_id="501",
                display_name="Lan",
                question=f"câu hỏi {age} ngày trước",
                now=clock.now() - timedelta(days=age),
            )
    assert purge(clock, days=30) == 1
    with session_scope() as session:
        left = [row.question for row in session.exec(select(FaqHandover))]
    assert left == ["câu hỏi 29 ngày trước"]
    clock.advance(days=2)
    assert purge(clock, days=30) == 1
