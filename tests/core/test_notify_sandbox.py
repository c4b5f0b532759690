"""The demo's mail server (issue 18, item 5): the sandbox's mail catcher takes the product's
notification emails over real SMTP on loopback (smtplib through ``engine.mailer``), beside
the notification bot's private Telegram messages; the «Hộp cát» service lists both, to the
people of the reader's own unit only. On every backend."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator

import pytest

from connectors.sandbox import SandboxHandle, run_in_thread
from publisher.config import get_settings
from publisher.db import session_scope
from publisher.engine import notify_outbox
from publisher.engine.mailer import Mailer, MailError
from publisher.models import NotifyContact
from publisher.services.accounts import notifications
from publisher.services.operations import sandbox as sandbox_svc
from publisher.services.operations.demo import smtp_environment
from publisher.services.publishing import posts
from publisher.services.publishing.posts import PostInput
from publisher.timeutil import parse_local
from tests.factories import make_office, telegram_channel

BOT = "5151:sandbox-notify"
EDITOR_CHAT = "9001001"


@pytest.fixture(scope="module")
def box(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxHandle]:
    """A sandbox with its mail catcher on a free loopback port."""
    handle = run_in_thread(data_dir=tmp_path_factory.mktemp("sandbox"), smtp_port=0)
    yield handle
    handle.stop()


@pytest.fixture
def mailbox(box: SandboxHandle) -> SandboxHandle:
    box.state.reset()
    return box


@pytest.fixture
def demo_env(db, clock, mailbox: SandboxHandle, monkeypatch: pytest.MonkeyPatch):
    """The settings the demo sets: SMTP to the mail catcher, the sandbox's notification bot."""
    assert mailbox.mail is not None
    for key, value in smtp_environment(mailbox.mail.host, mailbox.mail.port).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("PUBLISHER_NOTIFY_TELEGRAM_TOKEN", BOT)
    monkeypatch.setenv("PUBLISHER_NOTIFY_TELEGRAM_API", mailbox.url)
    monkeypatch.setenv("PUBLISHER_ALLOW_PRIVATE_TARGETS", "1")  # the sandbox is on loopback
    get_settings.cache_clear()
    mailbox.state.accounts.tg_chats[EDITOR_CHAT] = {
        "id": int(EDITOR_CHAT),
        "type": "private",
        "first_name": "Quân",
    }
    with session_scope() as s:
        sandbox_svc.set_url(s, mailbox.url)
    yield mailbox
    get_settings.cache_clear()


def test_the_products_mailer_delivers_to_the_mail_catcher_over_loopback(demo_env):
    mailer = Mailer.from_settings(get_settings())
    assert mailer is not None and mailer.security == "none" and mailer.password == ""
    mailer.send("bientap@sokhcn.example.gov.vn", "Bài chờ duyệt", "Bài #7 «Ngày hội ĐMST»\nhết.")
    [mail] = demo_env.client.records("email")
    assert mail["to"] == ["bientap@sokhcn.example.gov.vn"]
    assert mail["mail_from"] == "thongbao@sokhcn.example.gov.vn"
    assert mail["subject"] == "Bài chờ duyệt"  # the encoded header, decoded
    assert mail["text"] == "Bài #7 «Ngày hội ĐMST»\nhết.\n" and mail["accepted"] is True
    # Loopback only, and no login offered: no password can ever reach it.
    assert demo_env.mail.host == "127.0.0.1"
    with smtplib.SMTP(demo_env.mail.host, demo_env.mail.port, timeout=5) as client:
        client.ehlo()
        assert not client.has_extn("auth")


def test_an_injected_refusal_is_retryable_or_final_as_its_code_says(demo_env):
    mailer = Mailer.from_settings(get_settings())
    assert mailer is not None
    for code, retryable in ((451, True), (550, False)):
        demo_env.client.add_fault(platform="email", action="error", code=code)
        with pytest.raises(MailError) as refused:
            mailer.send("bientap@sokhcn.example.gov.vn", "Bài chờ duyệt", "x")
        assert refused.value.retryable is retryable
    records = demo_env.client.records("email")
    assert [r["accepted"] for r in records] == [False, False]
    mailer.send("bientap@sokhcn.example.gov.vn", "Bài chờ duyệt", "x")  # faults used up
    assert demo_env.client.records("email")[-1]["accepted"] is True


def _link(office, role: str, email: str, chat: str = "") -> None:
    with session_scope() as s:
        notifications.set_preferences(s, office.actor(role), email=email, events={})
        if chat:
            row = s.get(NotifyContact, office.users[role].id)
            row.telegram_chat_id = chat
            s.add(row)


def test_a_post_sent_for_review_reaches_the_editor_by_email_and_telegram(demo_env):
    office = make_office("so-khcn", channels={"tg": telegram_channel()})
    other = make_office("phuong-1")
    _link(office, "editor", "bientap@sokhcn.example.gov.vn", EDITOR_CHAT)
    _link(other, "editor", "bientap@phuong1.example.gov.vn")
    with session_scope() as s:
        data = PostInput(
            text="Ngày hội ĐMST", channels=["tg"], due_at=parse_local("10/10/2026 08:00")
        )
        post = posts.compose(s, office.actor("officer"), data)
        posts.submit(s, office.actor("officer"), post.id or 0)
        post_id = post.id
    # The worker's own path: settings -> Senders -> smtplib / python-telegram-bot.
    assert notify_outbox.send_due()["sent"] == 2
    waiting = f"Bài #{post_id} «Ngày hội ĐMST» đang chờ duyệt"

    with session_scope() as s:
        seen = sandbox_svc.sent_messages(s, office.actor("officer"))
    assert sorted(m.channel for m in seen) == ["email", "telegram"]
    for m in seen:
        assert waiting in m.text and m.accepted
        assert m.person == notifications.person_label(office.users["editor"])
    [mail] = [m for m in seen if m.channel == "email"]
    assert mail.to == "bientap@sokhcn.example.gov.vn" and mail.subject == "Bài chờ duyệt"
    [dm] = [m for m in seen if m.channel == "telegram"]
    assert dm.to == EDITOR_CHAT and dm.notify_bot
    assert BOT not in dm.text and BOT not in mail.text  # never a secret in a message

    # Another unit's people see none of it; the administrator sees all.
    with session_scope() as s:
        assert sandbox_svc.sent_messages(s, other.actor("editor")) == []
        assert len(sandbox_svc.sent_messages(s, office.actor("admin"))) == 2
    # The platform list no longer repeats people's messages.
    with session_scope() as s:
        shown = sandbox_svc.received(s, office.actor("officer"))
    assert all(r["platform"] != "email" and r.get("chat_type") != "private" for r in shown)


def test_without_a_sandbox_the_page_service_says_so_in_one_line(db, clock, monkeypatch):
    monkeypatch.delenv("PUBLISHER_SANDBOX_URL", raising=False)
    office = make_office("so-khcn")
    with pytest.raises(Exception) as missing, session_scope() as s:
        sandbox_svc.sent_messages(s, office.actor("editor"))
    assert missing.value.key == "error.sandbox_missing"  # type: ignore[attr-defined]
    assert "\n" not in missing.value.message("vi")  # type: ignore[attr-defined]


def test_publisher_sandbox_refuses_a_taken_smtp_port_in_one_line(tmp_path):
    import os
    import socket
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    with socket.socket() as busy, socket.socket() as free:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        free.bind(("127.0.0.1", 0))
        port, http = busy.getsockname()[1], free.getsockname()[1]
        free.close()
        command = ["sandbox", "--port", str(http), "--smtp-port", str(port)]
        result = subprocess.run(
            [sys.executable, "-m", "publisher.cli", *command],
            cwd=root,
            env=dict(os.environ, PYTHONPATH=str(root), PUBLISHER_LANGUAGE="vi"),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1 and result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert f"Không mở được cổng {port} cho hộp thư giả lập" in line


def test_publisher_sandbox_names_a_taken_sftp_port_not_the_smtp_one(tmp_path):
    """The mail catcher starts first: a taken SFTP port was reported as the SMTP port's."""
    import os
    import socket
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    with socket.socket() as busy, socket.socket() as free, socket.socket() as mail:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        free.bind(("127.0.0.1", 0))
        mail.bind(("127.0.0.1", 0))
        port, http, smtp = (s.getsockname()[1] for s in (busy, free, mail))
        free.close()
        mail.close()
        command = ["sandbox", "--port", str(http), "--smtp-port", str(smtp)]
        result = subprocess.run(
            [sys.executable, "-m", "publisher.cli", *command, "--sftp-port", str(port)],
            cwd=root,
            env=dict(os.environ, PYTHONPATH=str(root), PUBLISHER_LANGUAGE="vi"),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert f"Không mở được cổng {port} cho thư mục SFTP giả lập" in line
    assert "Traceback" not in result.stderr
