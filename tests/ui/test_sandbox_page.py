"""The «Hộp cát» page shows what people were sent (issue 18): the emails the sandbox's mail
catcher took (recipient, subject, time dd/mm/yyyy HH:MM in Asia/Ho_Chi_Minh, body) and the
notification bot's private Telegram messages, in Vietnamese, to the reader's unit only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from connectors.sandbox import SandboxHandle, run_in_thread
from publisher.config import get_settings
from publisher.db import session_scope
from publisher.engine import notify_outbox
from publisher.models import NotifyContact
from publisher.services.accounts import notifications
from publisher.services.operations import sandbox as sandbox_svc
from publisher.services.operations.demo import smtp_environment
from publisher.timeutil import fmt_local
from tests.factories import make_office, telegram_channel
from tests.ui.conftest import compose, texts

CHAT = "9001001"


@pytest.fixture(scope="module")
def box(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxHandle]:
    handle = run_in_thread(data_dir=tmp_path_factory.mktemp("sandbox"), smtp_port=0)
    yield handle
    handle.stop()


@pytest.fixture
def notified(sqlite_db, clock, box: SandboxHandle, monkeypatch: pytest.MonkeyPatch):
    """An office whose editor takes email and Telegram; a post sent for review; the worker
    has sent both to the sandbox (as the demo is set up)."""
    box.state.reset()
    assert box.mail is not None
    for key, value in smtp_environment(box.mail.host, box.mail.port).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("PUBLISHER_NOTIFY_TELEGRAM_TOKEN", "9000:sandbox-notify")
    monkeypatch.setenv("PUBLISHER_NOTIFY_TELEGRAM_API", box.url)
    monkeypatch.setenv("PUBLISHER_ALLOW_PRIVATE_TARGETS", "1")
    monkeypatch.setenv("PUBLISHER_LANGUAGE", "vi")
    get_settings.cache_clear()
    box.state.accounts.tg_chats[CHAT] = {"id": int(CHAT), "type": "private", "first_name": "Q"}
    office = make_office("so-khcn", channels={"Telegram": telegram_channel()})
    with session_scope() as s:
        sandbox_svc.set_url(s, box.url)
        notifications.set_preferences(
            s, office.actor("editor"), email="bientap@sokhcn.example.gov.vn", events={}
        )
        row = s.get(NotifyContact, office.users["editor"].id)
        row.telegram_chat_id = CHAT
        s.add(row)
    post_id = compose(office, text="Ngày hội đổi mới sáng tạo", submit=True)
    assert notify_outbox.send_due()["sent"] == 2
    yield office, box, post_id
    get_settings.cache_clear()


def test_the_editor_sees_the_email_and_the_telegram_message(notified, app_as):
    office, box, post_id = notified
    at = app_as(office, "editor", "views/sandbox.py")
    assert not at.exception
    labels = [tab.label for tab in at.tabs]
    assert [label.split(": ", 1)[1] for label in labels] == [
        "Bài đăng",
        "Email",
        "Tin nhắn Telegram",
        "Hàng đợi",
    ]
    shown = texts(at)
    [mail] = box.client.records("email")
    when = fmt_local(datetime.fromtimestamp(mail["received_at"], UTC))  # Asia/Ho_Chi_Minh
    editor = notifications.person_label(office.users["editor"])
    assert "Hộp thư giả lập đã nhận 1 email" in shown
    assert "**Bài chờ duyệt**" in shown  # the subject
    assert f"Gửi đến {editor} · bientap@sokhcn.example.gov.vn · lúc {when}" in shown
    assert "1 tin nhắn riêng các bot Telegram đã gửi" in shown
    heads = [str(m.value) for m in at.markdown]
    assert any(h.endswith(f"**Bot thông báo** → {editor}") for h in heads), heads
    assert f"cuộc trò chuyện {CHAT}" in shown
    bodies = [str(t.value) for t in at.text]
    waiting = f"Bài #{post_id} «Ngày hội đổi mới sáng tạo» đang chờ duyệt"
    assert sum(waiting in b for b in bodies) == 2  # the email's body and the message's
    assert any("Mở trong R57 Publisher: http" in b for b in bodies)
    # The outbox names the recipient, and says both were sent.
    [table] = at.dataframe
    frame = table.value
    assert set(frame["Người nhận"]) == {editor}
    assert set(frame["Trạng thái"]) == {"Đã gửi"}


def test_another_unit_sees_none_of_it_and_is_told_so_in_vietnamese(notified, app_as):
    assert notified  # the other unit's post was sent for review and notified
    other = make_office("phuong-1")
    at = app_as(other, "editor", "views/sandbox.py")
    assert not at.exception
    shown = texts(at)
    assert "Hộp thư giả lập đã nhận 0 email" in shown
    assert "Chưa có email nào. Khi cán bộ gửi duyệt một bài" in shown
    assert "Chưa có tin nhắn riêng nào" in shown
    assert "đang chờ duyệt" not in "\n".join(str(t.value) for t in at.text)


def test_without_a_sandbox_the_page_says_so_in_one_line(sqlite_db, clock, app_as, monkeypatch):
    monkeypatch.delenv("PUBLISHER_SANDBOX_URL", raising=False)
    office = make_office("so-khcn")
    at = app_as(office, "editor", "views/sandbox.py")
    assert not at.exception
    [error] = at.error
    assert "\n" not in error.value and "hộp cát" in error.value.lower()
