"""Notifications (issue 18, item 5): the right people are told, in Vietnamese, on the
channels they chose — a Telegram direct message from the notification bot (linked with a
one-time code, python-telegram-bot over real HTTP against the sandbox) and email (a local
aiosmtpd server) — sent by the worker from an outbox, never twice, failures alerted.
On every backend."""

from __future__ import annotations

import socket
from datetime import date
from email import message_from_bytes
from email.policy import default as email_policy
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from publisher.config import get_settings
from publisher.db import session_scope
from publisher.engine import notify_outbox
from publisher.engine.mailer import Mailer, MailError
from publisher.errors import InvalidInput
from publisher.models import Alert, Notification, NotifyContact
from publisher.services.accounts import notifications
from publisher.services.insight import collection
from publisher.services.publishing import posts
from publisher.services.publishing.posts import PostInput
from publisher.timeutil import parse_local
from tests.factories import make_office, telegram_channel

BOT = "5151:sandbox-notify"


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=email_policy))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        return int(free.getsockname()[1])


@pytest.fixture
def smtp() -> Any:
    inbox = Inbox()
    inbox.port = _free_port()  # type: ignore[attr-defined]
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)  # type: ignore[attr-defined]
    controller.start()
    yield inbox
    controller.stop()


@pytest.fixture
def office(db, clock):
    return make_office(channels={"tg": telegram_channel()})


def _mailer(port: int) -> Mailer:
    return Mailer("127.0.0.1", port, "none", "", "", "r57@sokhcn.gov.vn", 5)


def _contact(office, role: str, *, email: str = "", chat: str = "") -> None:
    with session_scope() as s:
        notifications.set_preferences(s, office.actor(role), email=email, events={})
        if chat:
            row = s.get(NotifyContact, office.users[role].id)
            row.telegram_chat_id = chat
            s.add(row)


def _submitted(office) -> int:
    with session_scope() as s:
        data = PostInput(
            text="Ngày hội ĐMST", channels=["tg"], due_at=parse_local("10/10/2026 08:00")
        )
        post = posts.compose(s, office.actor("officer"), data)
        posts.submit(s, office.actor("officer"), post.id)
        return post.id or 0


def _outbox() -> list[Notification]:
    with session_scope() as s:
        return list(s.exec(select(Notification).order_by(Notification.id)))


def test_a_bad_email_or_event_is_refused_and_nothing_written(office):
    for kwargs, key in (
        ({"email": "khong-phai-email", "events": {}}, "notify.email_invalid"),
        ({"email": "a@b.vn", "events": {"party": ["email"]}}, "notify.event_invalid"),
        ({"email": "a@b.vn", "events": {"post_approved": ["sms"]}}, "notify.channel_invalid"),
    ):
        with pytest.raises(InvalidInput) as refused, session_scope() as s:
            notifications.set_preferences(s, office.actor("editor"), **kwargs)
        assert refused.value.key == key and "\n" not in refused.value.message("vi")
    with session_scope() as s:
        assert s.get(NotifyContact, office.users["editor"].id) is None


def test_a_post_sent_for_review_is_queued_for_the_units_editors_in_vietnamese(office):
    _contact(office, "editor", email="bientap@sokhcn.gov.vn", chat="7001")
    _contact(office, "manager", email="lanhdao@sokhcn.gov.vn")  # not an editor: not told
    post_id = _submitted(office)
    rows = _outbox()
    assert sorted(r.channel for r in rows) == ["email", "telegram"]
    assert {r.user_id for r in rows} == {office.users["editor"].id}
    body = rows[0].body
    assert f"Bài #{post_id} «Ngày hội ĐMST» đang chờ duyệt" in body
    assert "http://127.0.0.1:8501/review" in body
    assert rows[0].subject == "Bài chờ duyệt"


def test_the_author_hears_of_approval_and_rejection_on_the_channels_chosen(office):
    _contact(office, "officer", email="canbo@sokhcn.gov.vn", chat="7002")
    with session_scope() as s:
        notifications.set_preferences(
            s, office.actor("officer"), email="canbo@sokhcn.gov.vn",
            events={"post_rejected": ["telegram"]},
        )  # fmt: skip
    post_id = _submitted(office)
    with session_scope() as s:
        posts.reject(s, office.actor("editor"), post_id, "Thiếu nguồn ảnh")
    rows = [r for r in _outbox() if r.event == "post_rejected"]
    assert [r.channel for r in rows] == ["telegram"]
    assert "bị trả lại: Thiếu nguồn ảnh" in rows[0].body


def test_a_decided_post_is_no_longer_announced_as_waiting(office):
    _contact(office, "editor", email="bientap@sokhcn.gov.vn", chat="7001")
    post_id = _submitted(office)
    assert [r.event for r in _outbox()] == ["review_requested"] * 2
    with session_scope() as s:
        posts.reject(s, office.actor("editor"), post_id, "Thiếu nguồn ảnh")
    assert [r.event for r in _outbox()] == []  # the unsent «chờ duyệt» messages are dropped


def test_a_report_request_tells_the_units_managers(office):
    _contact(office, "manager", email="lanhdao@sokhcn.gov.vn")
    with session_scope() as s:
        collection.open_request(
            s, office.actor("admin"), date(2026, 7, 1), date(2026, 9, 30), date(2026, 10, 15),
            units=[office.org.slug],
        )  # fmt: skip
    rows = [r for r in _outbox() if r.event == "report_requested"]
    assert len(rows) == 1 and rows[0].user_id == office.users["manager"].id


def test_the_worker_emails_once_through_smtp(office, smtp):
    _contact(office, "editor", email="bientap@sokhcn.gov.vn")
    _submitted(office)
    senders = notify_outbox.Senders(mailer=_mailer(smtp.port))
    assert notify_outbox.send_due(senders)["sent"] == 1
    assert notify_outbox.send_due(senders)["sent"] == 0  # never twice
    [mail] = smtp.messages
    assert mail["To"] == "bientap@sokhcn.gov.vn" and mail["Subject"] == "Bài chờ duyệt"
    assert "đang chờ duyệt" in mail.get_content()
    assert [r.status for r in _outbox()] == ["sent"]


def test_an_unreachable_smtp_server_is_retried_then_failed_and_alerted(office, clock):
    _contact(office, "editor", email="bientap@sokhcn.gov.vn")
    _submitted(office)
    senders = notify_outbox.Senders(mailer=_mailer(_free_port()))
    assert notify_outbox.send_due(senders)["retry"] == 1
    for _ in range(notify_outbox.MAX_ATTEMPTS):
        clock.advance(3600)
        notify_outbox.send_due(senders)
    [row] = _outbox()
    assert row.status == "failed" and row.attempts == notify_outbox.MAX_ATTEMPTS
    with session_scope() as s:
        alert = s.exec(select(Alert).where(Alert.kind == "notify_failed")).one()
        assert alert.object_id == row.id


def test_a_send_cut_off_midway_is_never_repeated(office, clock):
    _contact(office, "editor", email="bientap@sokhcn.gov.vn")
    _submitted(office)
    assert notify_outbox._claim(10)  # the worker claimed it, then died
    clock.advance(int(notify_outbox.STUCK_AFTER.total_seconds()) + 1)
    counts = notify_outbox.send_due(notify_outbox.Senders(mailer=None))
    assert counts["unknown"] == 1 and counts["sent"] == 0
    assert [r.status for r in _outbox()] == ["unknown"]


def test_a_telegram_account_links_with_a_one_time_code_and_gets_direct_messages(
    office, sandbox, sb, monkeypatch
):
    monkeypatch.setenv("PUBLISHER_ALLOW_PRIVATE_TARGETS", "1")  # the sandbox is on loopback
    senders = notify_outbox.Senders(telegram_token=BOT, telegram_api=sandbox.url)
    with session_scope() as s:
        notifications.set_preferences(s, office.actor("editor"), email="", events={})
        code = notifications.new_link_code(s, office.actor("editor"))
    say = f"{sandbox.url}/_sandbox/telegram/messages"
    httpx.post(say, json={"user_id": 7003, "text": f"/start {code}", "first_name": "Lan"})
    assert notify_outbox.poll_links(senders) == 1
    with session_scope() as s:
        assert s.get(NotifyContact, office.users["editor"].id).telegram_chat_id == "7003"
    httpx.post(say, json={"user_id": 7004, "text": f"/start {code}"})  # used up
    assert notify_outbox.poll_links(senders) == 0
    answers = [r for r in sb.records("telegram") if r["method"].lower() == "sendmessage"]
    assert "Đã liên kết tài khoản Telegram" in answers[0]["text"]
    assert "không đúng hoặc đã hết hạn" in answers[1]["text"]

    post_id = _submitted(office)
    assert notify_outbox.send_due(senders)["sent"] == 1
    sent = [r for r in sb.records("telegram", account="7003") if "chờ duyệt" in str(r.get("text"))]
    assert f"Bài #{post_id}" in sent[-1]["text"]


def test_an_expired_or_wrong_link_code_is_refused(office, clock):
    with session_scope() as s:
        code = notifications.new_link_code(s, office.actor("editor"))
    for wrong in ("x", code[:-1] + ("A" if code[-1] != "A" else "B")):
        with pytest.raises(InvalidInput) as refused, session_scope() as s:
            notifications.redeem_link_code(s, wrong, 7005)
        assert refused.value.key == "notify.link_code_invalid"
    clock.advance(16 * 60)
    with pytest.raises(InvalidInput), session_scope() as s:
        notifications.redeem_link_code(s, code, 7005)


def test_no_secret_reaches_a_message(office):
    _contact(office, "editor", email="bientap@sokhcn.gov.vn", chat="7001")
    post_id = _submitted(office)
    with session_scope() as s:
        posts.reject(s, office.actor("editor"), post_id, "Sửa lại")
    token = telegram_channel()["credentials"]["bot_token"]
    secret = get_settings().read_secret_key() or "never-there"
    for row in _outbox():
        assert token not in row.body and secret not in row.body


def test_the_smtp_password_is_redacted_from_logs(db, monkeypatch):
    import io
    import logging

    from publisher import logging as plog

    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    monkeypatch.setenv("PUBLISHER_SMTP_PASSWORD", "mat-khau-smtp-rat-bi-mat")
    get_settings.cache_clear()
    captured = io.StringIO()
    try:
        plog.configure_logging(json_format=True, level=logging.INFO, stream=captured)
        logging.getLogger("publisher.test").error("smtp login mat-khau-smtp-rat-bi-mat failed")
        assert "mat-khau-smtp-rat-bi-mat" not in captured.getvalue()
        assert plog.REDACTED in captured.getvalue()
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        get_settings.cache_clear()


def _tls_pair(tmp_path: Any) -> tuple[Any, Any]:
    """A self-signed certificate for 127.0.0.1: the server's context and a client context
    that trusts only it."""
    import datetime as dt
    import ipaddress
    import ssl

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(cafile=str(cert_file))
    return server, client


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_email_goes_over_starttls_or_ssl_with_a_login(tmp_path, security):
    from aiosmtpd.smtp import AuthResult

    server_ctx, client_ctx = _tls_pair(tmp_path)
    inbox = Inbox()
    seen: list[str] = []

    def check(server: Any, session: Any, envelope: Any, mechanism: Any, auth: Any) -> Any:
        seen.append(auth.login.decode())
        return AuthResult(success=auth.password == b"mat-khau-smtp")

    port = _free_port()
    # Implicit TLS is TLS from the start: aiosmtpd's auth_require_tls only knows STARTTLS.
    kwargs: dict[str, Any] = {"authenticator": check, "auth_require_tls": security == "starttls"}
    if security == "ssl":
        controller = Controller(
            inbox, hostname="127.0.0.1", port=port, ssl_context=server_ctx, **kwargs
        )
    else:
        controller = Controller(
            inbox, hostname="127.0.0.1", port=port, tls_context=server_ctx,
            require_starttls=True, **kwargs,
        )  # fmt: skip
    controller.start()
    try:
        mailer = Mailer(
            "127.0.0.1", port, security, "thongbao", "mat-khau-smtp", "thongbao@sokhcn.gov.vn",
            5, context=client_ctx,
        )  # fmt: skip
        mailer.send("bientap@sokhcn.gov.vn", "Bài chờ duyệt", "Bài #1 đang chờ duyệt.")
        wrong = Mailer(
            "127.0.0.1", port, security, "thongbao", "sai", "thongbao@sokhcn.gov.vn", 5,
            context=client_ctx,
        )  # fmt: skip
        with pytest.raises(MailError) as refused:
            wrong.send("bientap@sokhcn.gov.vn", "x", "y")
    finally:
        controller.stop()
    assert seen[0] == "thongbao" and len(inbox.messages) == 1
    # Refused (a 535, or aiosmtpd hanging up after it); the password is never in the text.
    assert "sai" not in str(refused.value) and "mat-khau" not in str(refused.value)
