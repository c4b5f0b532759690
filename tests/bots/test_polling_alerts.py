"""A Telegram FAQ bot whose getUpdates keeps failing alerts its unit once, backs off, and the
alert is resolved when polling works again: python-telegram-bot over real HTTP against the
Bot API emulator, whose getUpdates answers 401, 409 or drops the connection for one bot."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlmodel import select

from connectors.errors import (
    AmbiguousError,
    AuthError,
    PermanentError,
    RateLimitedError,
    TransientError,
)
from connectors.sandbox import SandboxHandle
from connectors.sandbox.client import SandboxClient
from publisher.bots.polling import KIND, PollPolicy, reason_of
from publisher.bots.telegram import BotChannel, TelegramBot, load_channel
from publisher.db import session_scope
from publisher.i18n import t
from publisher.models import Alert, AuditEvent
from tests.bots.conftest import TOKEN, replies, seed_answers, wait_for
from tests.factories import make_office

BOT_ID = TOKEN.split(":")[0]
#: The production rule (3 failures in a row) without its 30 s and its waits.
FAST = PollPolicy(
    alert_seconds=0.0, retry_first=0.05, retry_cap=0.2, refused_first=0.05, refused_cap=0.2
)


@pytest.fixture
def channel(sqlite_db: Any, sandbox: SandboxHandle, monkeypatch: pytest.MonkeyPatch) -> BotChannel:
    monkeypatch.setenv("PUBLISHER_ALLOW_PRIVATE_TARGETS", "1")
    spec = {
        "kind": "telegram",
        "settings": {"chat_id": "@sandbox_khcn", "api_base_url": sandbox.url, "faq_bot": True},
        "credentials": {"bot_token": TOKEN},
    }
    office = make_office("so-khcn-poll", channels={"tg-faq": spec})
    assert office.org.id is not None
    seed_answers(office.org.id)
    return load_channel("tg-faq")


@pytest.fixture
def run_bot(channel: BotChannel) -> Iterator[Callable[..., TelegramBot]]:
    running: list[tuple[threading.Event, threading.Thread]] = []

    def start(*, keep_trying: bool = False) -> TelegramBot:
        bot = TelegramBot(channel, poll_timeout=1.0, outbox_interval=0.2, timeout=5.0, policy=FAST)
        stop = threading.Event()
        thread = threading.Thread(
            target=bot.run, args=(stop,), kwargs={"keep_trying": keep_trying}, daemon=True
        )
        thread.start()
        running.append((stop, thread))
        return bot

    yield start
    for stop, thread in running:
        stop.set()
        thread.join(15)
        assert not thread.is_alive(), "the bot did not stop"


def alerts_of(channel_id: int) -> list[Alert]:
    with session_scope(readonly=True) as session:
        rows = session.exec(
            select(Alert).where(Alert.kind == KIND, Alert.object_id == channel_id)
        ).all()
        return sorted(rows, key=lambda a: a.id or 0)


def open_alerts(channel_id: int) -> list[Alert]:
    return [a for a in alerts_of(channel_id) if a.resolved_at is None]


def own_log(caplog: pytest.LogCaptureFixture) -> str:
    """What the product logged (httpx's request lines are redacted by the product's logging
    setup, which caplog's handler bypasses)."""
    return "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("publisher"))


def worded(alert: Alert) -> tuple[str, str]:
    return t(alert.message_key, "vi", **alert.params), t(alert.message_key, "en", **alert.params)


def answered(sb: SandboxClient, user_id: int) -> str:
    chat = int(
        sb.citizen_says(TOKEN, "Ngày Chuyển đổi số quốc gia là ngày nào?", user_id=user_id)[
            "chat_id"
        ]
    )
    return str(replies(sb, chat, 1)[0]["text"])


FAILURES = [
    pytest.param(
        "token",
        {"action": "error", "status": 401},
        ("Telegram từ chối mã bot", "Check the channel's bot token"),
        id="401-token-refused",
    ),
    pytest.param(
        "conflict",
        {"action": "error", "status": 409},
        ("một chương trình khác đang dùng bot này", "a webhook is set on the bot"),
        id="409-conflict",
    ),
    pytest.param(
        "network",
        {"action": "drop", "when": "before"},
        ("không kết nối được tới Telegram", "Telegram cannot be reached"),
        id="dropped-connection",
    ),
]


@pytest.mark.parametrize(("reason", "fault", "words"), FAILURES)
def test_failing_polls_raise_one_alert_naming_the_reason_and_a_good_poll_resolves_it(
    channel: BotChannel,
    run_bot: Callable[..., TelegramBot],
    sb: SandboxClient,
    caplog: pytest.LogCaptureFixture,
    reason: str,
    fault: dict[str, Any],
    words: tuple[str, str],
) -> None:
    caplog.set_level(logging.INFO)
    bot = run_bot()
    assert "10 tháng 10" in answered(sb, 801)  # polling works before the fault
    rule = sb.add_fault("telegram", method="getUpdates", account=BOT_ID, times=None, **fault)
    wait_for(lambda: bot.watch.failures >= 7)  # well past the third failure
    (alert,) = open_alerts(channel.id)
    assert alert.message_key == f"alert.faq_bot_polling.{reason}"
    assert alert.org_id is not None and alert.object_type == "channel"
    vi, en = worded(alert)
    assert vi.startswith("Bot hỏi đáp của kênh «tg-faq» không nhận được câu hỏi")
    assert en.startswith("The FAQ bot of channel «tg-faq» receives no questions")
    assert words[0] in vi and words[1] in en
    ours = own_log(caplog)
    for text in (vi, en, json.dumps(alert.params), ours):
        assert TOKEN.split(":")[1] not in text
    assert f"polling failed ({reason}, 1 in a row)" in ours

    sb.remove_fault(rule["id"])
    wait_for(lambda: not open_alerts(channel.id))
    assert len(alerts_of(channel.id)) == 1
    assert "10 tháng 10" in answered(sb, 802)  # the bot answers again
    with session_scope(readonly=True) as session:
        audit = session.exec(
            select(AuditEvent).where(
                AuditEvent.action == "alert.resolve", AuditEvent.object_id == alert.id
            )
        ).one()
    assert audit.after == {"automatic": True}


def test_a_later_failure_streak_alerts_again_and_short_hiccups_stay_quiet(
    channel: BotChannel, run_bot: Callable[..., TelegramBot], sb: SandboxClient
) -> None:
    bot = run_bot()
    # Two failures, then success: below the threshold, nobody is bothered.
    sb.add_fault("telegram", "error", status=502, method="getUpdates", account=BOT_ID, times=2)
    assert "10 tháng 10" in answered(sb, 811)
    assert alerts_of(channel.id) == []
    for round_ in (1, 2):
        rule = sb.add_fault(
            "telegram", "error", status=409, method="getUpdates", account=BOT_ID, times=None
        )
        wait_for(lambda: len(open_alerts(channel.id)) == 1)
        wait_for(lambda: bot.watch.failures >= 5)
        assert len(open_alerts(channel.id)) == 1
        sb.remove_fault(rule["id"])
        wait_for(lambda: not open_alerts(channel.id))
        assert len(alerts_of(channel.id)) == round_


def test_another_bots_failing_poll_does_not_touch_this_bot(
    channel: BotChannel, run_bot: Callable[..., TelegramBot], sb: SandboxClient
) -> None:
    bot = run_bot()
    sb.add_fault("telegram", "error", status=401, method="getUpdates", account="9999", times=None)
    assert "10 tháng 10" in answered(sb, 821)
    assert bot.watch.failures == 0 and alerts_of(channel.id) == []


def test_the_workers_bot_whose_token_is_refused_at_start_keeps_trying_alerts_and_recovers(
    channel: BotChannel,
    run_bot: Callable[..., TelegramBot],
    sb: SandboxClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    rule = sb.add_fault("telegram", "error", status=401, method="getMe", times=None)
    bot = run_bot(keep_trying=True)
    wait_for(lambda: open_alerts(channel.id))
    (alert,) = open_alerts(channel.id)
    assert alert.message_key == "alert.faq_bot_polling.token"
    assert TOKEN.split(":")[1] not in own_log(caplog) + json.dumps(alert.params)
    sb.remove_fault(rule["id"])
    wait_for(lambda: not open_alerts(channel.id))
    assert bot.bot is not None
    assert "10 tháng 10" in answered(sb, 831)


def test_a_new_run_resolves_the_alert_an_earlier_run_left_open(
    channel: BotChannel, run_bot: Callable[..., TelegramBot], sb: SandboxClient
) -> None:
    from publisher.bots.polling import raise_alert

    raise_alert(channel.id, "network", 3)  # the worker stopped while Telegram was away
    assert len(open_alerts(channel.id)) == 1
    run_bot()
    wait_for(lambda: not open_alerts(channel.id))


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (AuthError("Unauthorized", code="tg:InvalidToken"), "token"),
        (AuthError("Forbidden", code="tg:Forbidden"), "token"),
        (PermanentError("Conflict", code="tg:Conflict"), "conflict"),
        (TransientError("cannot connect", code="connect"), "network"),
        (AmbiguousError("Bad Gateway", code="tg:NetworkError"), "network"),
        (AmbiguousError("timed out", code="tg:TimedOut"), "network"),
        (PermanentError("Bad Request", code="tg:BadRequest"), "other"),
        (RateLimitedError("slow down", retry_after=9, code="tg:RetryAfter"), "other"),
    ],
)
def test_each_failure_is_named_by_its_reason(error: Any, reason: str) -> None:
    assert reason_of(error) == reason


@pytest.mark.parametrize(
    ("reason", "failures", "retry_after", "seconds"),
    [
        ("token", 1, 0.0, 15.0),
        ("token", 2, 0.0, 30.0),
        ("token", 7, 0.0, 900.0),  # a revoked token is asked about every 15 minutes at most
        ("token", 60, 0.0, 900.0),
        ("network", 1, 0.0, 3.0),
        ("network", 3, 0.0, 12.0),
        ("network", 10, 0.0, 60.0),
        ("conflict", 10, 0.0, 60.0),
        ("other", 1, 20.0, 20.0),  # a 429's retry_after is honoured
    ],
)
def test_failed_polls_back_off_and_a_refused_token_backs_off_longest(
    reason: str, failures: int, retry_after: float, seconds: float
) -> None:
    assert PollPolicy().delay(reason, failures, retry_after) == seconds


def test_the_default_rule_is_three_failures_over_thirty_seconds() -> None:
    policy = PollPolicy()
    assert (policy.alert_failures, policy.alert_seconds) == (3, 30.0)


def test_the_units_editors_are_told_in_person_without_the_token(channel: BotChannel) -> None:
    """The alert also reaches the unit's editors (the «kênh cần kết nối lại» notification),
    as a revoked token of a posting channel does."""
    from publisher.bots.polling import raise_alert
    from publisher.models import Channel, Notification, NotifyContact, User

    with session_scope() as session:
        row = session.get(Channel, channel.id)
        assert row is not None
        editor = session.exec(
            select(User).where(User.org_id == row.org_id, User.role == "editor")
        ).one()
        editor_id = editor.id
        session.add(NotifyContact(user_id=editor_id, email="bientap@so-khcn.example"))
    raise_alert(channel.id, "token", 3)
    with session_scope(readonly=True) as session:
        notes = list(session.exec(select(Notification).where(Notification.user_id == editor_id)))
    assert [(n.event, n.channel) for n in notes] == [("channel_reconnect", "email")]
    assert "Telegram từ chối mã bot" in notes[0].body and "/channels" in notes[0].body
    assert TOKEN.split(":")[1] not in notes[0].body + notes[0].subject


@pytest.mark.parametrize("how", ["faq_bot_off", "channel_disabled"])
def test_switching_the_bot_off_resolves_its_alert(
    channel: BotChannel, sb: SandboxClient, how: str
) -> None:
    from publisher.bots.polling import raise_alert
    from publisher.bots.pool import BotPool
    from publisher.models import Channel

    for method in ("getMe", "getUpdates"):  # the bot cannot mend itself meanwhile
        sb.add_fault("telegram", "error", status=401, method=method, account=BOT_ID, times=None)
    raise_alert(channel.id, "token", 3)
    pool = BotPool(refresh=60.0, poll_timeout=1.0)
    try:
        pool.sync()
        assert channel.id in pool.running
        assert len(open_alerts(channel.id)) == 1  # the bot is on: the alert stands
        with session_scope() as session:
            row = session.get(Channel, channel.id)
            assert row is not None
            if how == "faq_bot_off":
                row.settings = {**row.settings, "faq_bot": False}
            else:
                row.enabled = False
            session.add(row)
        pool.sync()
        assert channel.id not in pool.running
        assert open_alerts(channel.id) == [] and len(alerts_of(channel.id)) == 1
    finally:
        pool.stop()
