"""Logs never contain a token: a planted one is published through the sandbox with every
library logging at DEBUG, and the captured JSON lines are searched for it."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from connectors.base import ChannelConfig, OutgoingPost
from connectors.sandbox import SandboxHandle, run_in_thread
from connectors.telegram import TelegramConnector
from publisher import logging as plog
from publisher.db import session_scope
from publisher.services.publishing import channels as channels_svc
from tests.factories import ADMIN, make_office

PLANTED_TG = "987654:sandbox-PLANTED-0a1b2c3d4e5f6a7b8c9d0e1f"
PLANTED_FB = "sandbox-fb-424242"
UNREGISTERED_TG = "555001:sandbox-NEVER-REGISTERED-aa11bb22cc33dd44"


@pytest.fixture(autouse=True)
def _loopback_platforms(monkeypatch: pytest.MonkeyPatch) -> None:
    # The sandbox is on 127.0.0.1: the outbound guard refuses loopback base URLs otherwise.
    monkeypatch.setenv("PUBLISHER_ALLOW_PRIVATE_TARGETS", "1")


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxHandle]:
    handle = run_in_thread(data_dir=tmp_path_factory.mktemp("sandbox-logs"))
    yield handle
    handle.stop()


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """JSON logs of every logger at DEBUG into a buffer; the root logger restored after."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    noisy = ["httpx", "httpcore", "telegram", "urllib3", "requests", "facebook"]
    saved_levels = {n: logging.getLogger(n).level for n in noisy}
    buf = io.StringIO()
    plog.configure_logging(json_format=True, level=logging.DEBUG, stream=buf)
    for name in noisy:  # configure_logging quiets httpx; here we want every line it can write
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield buf
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    for name, level in saved_levels.items():
        logging.getLogger(name).setLevel(level)


def lines(buf: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buf.getvalue().splitlines() if line.strip()]


def test_adding_testing_and_publishing_never_logs_the_tokens(
    db: Any, clock: Any, sandbox: SandboxHandle, captured: io.StringIO
) -> None:
    office = make_office("so-khcn")
    with session_scope() as s:
        tg = channels_svc.add_channel(
            s,
            ADMIN,
            kind="telegram",
            name="Kênh thử",
            org=office.org.slug,
            settings={"chat_id": "@sandbox_news", "api_base_url": sandbox.url},
            credentials={"bot_token": PLANTED_TG},
        )
        fb = channels_svc.add_channel(
            s,
            ADMIN,
            kind="facebook",
            name="Trang thử",
            org=office.org.slug,
            settings={"page_id": "424242", "graph_url": sandbox.url + "/"},
            credentials={"access_token": PLANTED_FB},
        )
        tg_id, fb_id = tg.id, fb.id
    with session_scope() as s:
        assert tg_id is not None and fb_id is not None
        assert channels_svc.test_channel(s, ADMIN, tg_id).ok
        assert channels_svc.test_channel(s, ADMIN, fb_id).ok
        for cid in (tg_id, fb_id):
            channel = channels_svc.get_channel(s, ADMIN, cid)
            result = channels_svc.make_connector(channel, timeout=5).publish(
                OutgoingPost(
                    text="Chào mừng Ngày Chuyển đổi số quốc gia 10/10", idempotency_key=f"k{cid}"
                )
            )
            assert result.external_id
    log = logging.getLogger("publisher.test")
    log.info(
        "channel config",
        extra={
            "credentials": {"bot_token": PLANTED_TG},
            "url": f"{sandbox.url}/bot{PLANTED_TG}/getMe",
        },
    )
    try:
        raise RuntimeError(f"platform said no to {PLANTED_FB}")
    except RuntimeError:
        log.exception("publish failed")

    text = captured.getvalue()
    records = lines(captured)
    # The libraries did log the requests (so redaction had work to do) ...
    assert any("getMe" in r["message"] or "getMe" in json.dumps(r) for r in records)
    assert any(r["logger"].startswith("httpx") for r in records)
    assert plog.REDACTED in text
    # ... and no token survived, in any field.
    assert PLANTED_TG not in text
    assert PLANTED_TG.split(":")[1] not in text
    assert PLANTED_FB not in text
    assert "test-secret-key-0123456789" not in text


def test_tokens_never_registered_are_still_caught_by_shape(
    sandbox: SandboxHandle, captured: io.StringIO
) -> None:
    config = ChannelConfig(
        "telegram",
        "raw",
        {"chat_id": "@sandbox_news", "api_base_url": sandbox.url},
        {"bot_token": UNREGISTERED_TG},
    )
    connector = TelegramConnector(config, timeout=5)
    assert connector.check().ok
    connector.publish(OutgoingPost(text="xin chào", idempotency_key="raw-1"))
    logging.getLogger("publisher.test").warning(
        "retrying https://graph.facebook.com/v23.0/me?access_token=EAAGnever-registered&x=1 "
        "with postgresql://publisher:pg-pass-never@db/publisher and Authorization: Bearer abc.def"
    )
    text = captured.getvalue()
    assert "sendMessage" in text or "getMe" in text
    assert UNREGISTERED_TG.split(":")[1] not in text
    assert "EAAGnever-registered" not in text
    assert "pg-pass-never" not in text
    assert "abc.def" not in text


def test_plain_format_redacts_too() -> None:
    buf = io.StringIO()
    handler = plog.make_handler(buf, json_format=False)
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "GET %s", ("/bot1234567:" + "A" * 35 + "/getMe",), None
    )
    buf.write(handler.format(record))
    assert "A" * 35 not in buf.getvalue()
    assert "/bot[redacted]/getMe" in buf.getvalue()


def test_the_key_files_secret_is_redacted_too(
    db: Any, monkeypatch: pytest.MonkeyPatch, captured: io.StringIO
) -> None:
    from publisher.config import get_settings
    from publisher.security import load_secret

    monkeypatch.delenv("PUBLISHER_SECRET_KEY")
    get_settings.cache_clear()
    get_settings().secret_key_file.write_text("file-held-secret-key-abcdef123456")
    load_secret.cache_clear()
    plog.configure_logging(json_format=True, level=logging.DEBUG, stream=captured)
    logging.getLogger("publisher.test").error("key is file-held-secret-key-abcdef123456")
    assert "file-held-secret-key-abcdef123456" not in captured.getvalue()
    assert plog.REDACTED in captured.getvalue()
