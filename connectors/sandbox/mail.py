"""Sandbox extension: a mail catcher, the SMTP server of the demo (aiosmtpd).

Every message it is given is accepted (nothing is relayed anywhere) and recorded beside the
other emulators' records, ``platform`` ``email``, ``method`` ``sendmail``, ``account`` the
first recipient, with ``mail_from``, ``to`` (the envelope's recipients), ``subject``,
``message_id``, ``text`` (the plain-text body, decoded) and ``size``. The demo points the
product's SMTP settings at it (``PUBLISHER_SMTP_SECURITY=none``, no login): it listens on
loopback only, offers no AUTH (aiosmtpd offers it only over TLS) and so never sees a password.

Faults (``platform`` ``email``, ``method`` ``sendmail``, ``account`` a recipient) apply as
for the other emulators: ``error`` answers the DATA command with ``code`` (an SMTP reply
code, 451 unless a 4xx/5xx is given) and ``message``; ``latency`` waits ``seconds`` first;
``timeout`` holds the answer ``seconds`` then answers 451; ``drop`` hangs up.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as email_policy
from typing import Any

from aiosmtpd.smtp import SMTP

from connectors.sandbox.state import SandboxState

#: The largest message accepted (the product sends short plain-text notices).
MAX_BYTES = 10 * 1024 * 1024
#: How much of a body is kept in the record.
MAX_TEXT = 20_000
#: What the server calls itself (no DNS lookup of the machine's name).
HOSTNAME = "sandbox.r57.local"


def _text(msg: EmailMessage) -> str:
    """The plain-text body (decoded), or "" when the message has none."""
    try:
        part = msg.get_body(preferencelist=("plain",))
        content = part.get_content() if part is not None else ""
    except (LookupError, ValueError, AttributeError):
        content = ""
    return str(content).replace("\r\n", "\n")[:MAX_TEXT]


def _header(msg: EmailMessage, name: str) -> str:
    try:
        return str(msg.get(name) or "")
    except (ValueError, IndexError):  # a malformed header is shown empty, not fatal
        return ""


class MailCatcher:
    """The aiosmtpd handler: records each message in ``state``."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state

    async def handle_DATA(self, server: SMTP, session: Any, envelope: Any) -> str:
        received_at = time.time()
        recipients = [str(r) for r in envelope.rcpt_tos]
        first = recipients[0] if recipients else None
        raw: bytes = envelope.original_content or envelope.content or b""
        msg = message_from_bytes(raw, policy=email_policy)
        assert isinstance(msg, EmailMessage)
        base = {
            "received_at": received_at,
            "platform": "email",
            "method": "sendmail",
            "account": first,
            "mail_from": str(envelope.mail_from or ""),
            "to": recipients,
            "subject": _header(msg, "Subject"),
            "message_id": _header(msg, "Message-ID"),
            "text": _text(msg),
            "size": len(raw),
        }
        fault = self.state.faults.take("email", first, "sendmail", None)
        label = f"{fault.action}:{fault.when}" if fault else None
        if fault is not None and fault.action == "latency":
            await asyncio.sleep(fault.seconds)
        elif fault is not None:
            self.state.record({**base, "accepted": False, "published": False, "fault": label})
            if fault.action == "drop":
                if server.transport is not None:
                    server.transport.close()
                return "421 4.3.0 Sandbox: connection dropped"
            if fault.action == "timeout":
                await asyncio.sleep(fault.seconds)
                return "451 4.4.2 Sandbox: timed out"
            code = fault.code if fault.code and 400 <= fault.code <= 599 else 451
            return f"{code} {fault.message or 'Sandbox: refused'}"
        self.state.record({**base, "accepted": True, "published": False, "fault": label})
        return "250 2.0.0 Accepted by the sandbox (not delivered anywhere)"


@dataclass
class MailServer:
    """The mail catcher running on an event loop of its own thread."""

    host: str
    port: int
    loop: asyncio.AbstractEventLoop
    thread: threading.Thread

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def stop(self) -> None:
        """Stop listening, hang up on open sessions; waits up to a few seconds."""
        if self.loop.is_running():
            self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


def start(state: SandboxState, host: str = "127.0.0.1", port: int = 0) -> MailServer:
    """Serve SMTP on ``host:port`` (0: any free port), recording into ``state``.

    Returns once it listens; ``state.smtp_address`` then says where. Raises :class:`OSError`
    if the port is taken."""
    # aiosmtpd logs every command at INFO: the demo's console is for people.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    bound = int(sock.getsockname()[1])
    loop = asyncio.new_event_loop()
    handler = MailCatcher(state)
    ready = threading.Event()
    failed: list[BaseException] = []

    def protocol() -> SMTP:
        return SMTP(
            handler,
            hostname=HOSTNAME,
            ident="R57 sandbox SMTP",
            enable_SMTPUTF8=True,
            data_size_limit=MAX_BYTES,
            timeout=60,
            loop=loop,
        )

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            server = loop.run_until_complete(loop.create_server(protocol, sock=sock))
        except BaseException as exc:  # reported to start(), which raises it
            failed.append(exc)
            ready.set()
            loop.close()
            return
        ready.set()
        try:
            loop.run_forever()
        finally:
            server.close()
            # Open sessions end with the loop (wait_closed would wait for them).
            close_clients = getattr(server, "close_clients", None)
            if close_clients is not None:  # Python 3.13
                close_clients()
            pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()

    thread = threading.Thread(target=run, name="sandbox-smtp", daemon=True)
    thread.start()
    if not ready.wait(10) or failed:
        sock.close()
        if failed:
            raise OSError(f"sandbox SMTP server did not start ({failed[0]!r})")
        raise OSError("sandbox SMTP server did not start")
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    state.smtp_address = f"{shown}:{bound}"
    return MailServer(host, bound, loop, thread)
