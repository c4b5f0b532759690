"""Planted tokens never leave their encrypted column.

A distinctive Facebook page token, Telegram bot token and webhook secret are planted; then
the add / list / publish (successes and failures) / alert / test / report / backup / health
flows run through the CLI, the services and the engine with DEBUG logging (plain and JSON)
captured. Every captured log line, CLI output (human and ``--json``), message a person is
shown (alerts, delivery errors, channel tests, ``describe``), audit row, export and the
backup archive is searched for the tokens; so is every row of the database.
"""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import SQLModel, select
from typer.testing import CliRunner

from bench.faults import _engine_pass
from connectors.sandbox.client import SandboxClient
from publisher.cli import app
from publisher.db import session_scope
from publisher.engine.ratelimit import RateLimiter
from publisher.i18n import t
from publisher.logging import configure_logging
from publisher.models import Alert, Channel, Delivery
from publisher.services.accounts.actor import Actor
from publisher.services.publishing import channels
from tests.factories import make_office
from tests.reliability.conftest import read_every_output

FB = "EAAGcanaryFBpage0tok3nZQ7xW"
TG = "987654321:AAcanaryTGbotTok3n_zq7XwPlmN0b1c2d"
HOOK = "whsec-canary-webhook-5ecret-Q9"
SECRETS = (FB, TG, HOOK, TG.split(":", 1)[1])


def _unzip_all(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return " ".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist())


def _leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


@pytest.fixture
def planted(db: Any, clock: Any, sandbox: Any, sb: SandboxClient) -> Any:
    sb.add_facebook_page("1001", FB)
    sb.add_telegram_bot(TG)
    sb.add_hook("canary", HOOK)
    return make_office("so-khcn")


def test_planted_tokens_appear_nowhere(
    planted: Any, db: Any, clock: Any, sandbox: Any, sb: SandboxClient, tmp_path: Path
) -> None:
    plain, as_json = io.StringIO(), io.StringIO()
    seen: list[str] = []
    runner = CliRunner()

    def cli(*args: str) -> None:
        result = runner.invoke(app, list(args))
        seen.extend([result.stdout, result.stderr, repr(result.exception or "")])

    try:
        configure_logging(json_format=False, level="DEBUG", stream=plain)
        url = sandbox.url
        cli(
            "channel",
            "add",
            "--kind",
            "facebook",
            "--name",
            "fb",
            "--org",
            "so-khcn",
            "--page-id",
            "1001",
            "--token",
            FB,
            "--graph-url",
            url + "/",
        )
        cli(
            "channel",
            "add",
            "--kind",
            "telegram",
            "--name",
            "tg",
            "--org",
            "so-khcn",
            "--chat-id",
            "@sandbox_canary",
            "--token",
            TG,
            "--api-base-url",
            url,
            "--json",
        )
        cli(
            "channel",
            "add",
            "--kind",
            "webhook",
            "--name",
            "hook",
            "--org",
            "so-khcn",
            "--url",
            f"{url}/hooks/canary",
            "--secret",
            HOOK,
            "--signature",
            "hmac",
        )
        cli(
            "channel",
            "add",
            "--kind",
            "telegram",
            "--name",
            "tg-bad",
            "--org",
            "so-khcn",
            "--chat-id",
            "@sandbox_canary",
            "--token",
            TG + "!",
            "--json",
        )  # refused input
        cli("channel", "list")
        cli("channel", "list", "--json")
        configure_logging(json_format=True, level="DEBUG", stream=as_json)
        for name in ("fb", "tg", "hook"):
            cli(
                "post",
                "create",
                "--text",
                f"Tin {name}",
                "--channel",
                name,
                "--at",
                "01/10/2026 07:00",
                "--approve",
            )
        # One success per platform, then one failure of every kind on each.
        assert sorted(_engine_pass("canary", RateLimiter()).values()) == ["sent"] * 3
        sb.add_fault("facebook", "error", code=190)
        sb.add_fault("telegram", "error", status=401)
        sb.add_fault("webhook", "drop", when="after")
        for name in ("fb", "tg", "hook"):
            cli(
                "post",
                "create",
                "--text",
                f"Tin lỗi {name}",
                "--channel",
                name,
                "--at",
                "01/10/2026 07:00",
                "--approve",
            )
        _engine_pass("canary", RateLimiter())
        for name in ("fb", "tg", "hook"):
            cli("channel", "test", name)
        read_every_output(cli, tmp_path)
    finally:
        configure_logging(json_format=False, level="WARNING", stream=io.StringIO())

    # What a person is shown in the UI and the CLI.
    with session_scope() as s:
        for ch in s.exec(select(Channel)):
            seen.append(repr(channels.describe(ch)))
            seen.append(ch.health_detail or "")
        for a in s.exec(select(Alert)):
            seen.append(t(a.message_key, "vi", **a.params) + repr(a.params))
        for d in s.exec(select(Delivery)):
            seen.append(f"{d.last_error} {d.error_kind}")
        statuses = sorted(d.status for d in s.exec(select(Delivery)))
    assert statuses.count("sent") >= 3 and "failed" in statuses  # the failures did happen

    logs = plain.getvalue() + as_json.getvalue()
    assert "sendMessage" in logs or "HTTP Request" in logs or "delivery" in logs.lower()
    assert _leaks(logs) == [], "a token reached a log line"
    # The Bot API token travels in every request URL: the redactor did have work to do.
    assert "[redacted]" in logs
    assert _leaks("\n".join(seen)) == [], "a token reached an output or a message"
    for name in ("r.xlsx", "r.docx"):
        assert _leaks(_unzip_all((tmp_path / name).read_bytes())) == []
    archive = tmp_path / "backup.tar"
    assert archive.is_file()
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            fh = tar.extractfile(member)
            if fh is not None:
                assert _leaks(fh.read().decode("latin-1")) == [], member.name

    # At rest: every row of every table, and the encrypted column is a Fernet token.
    with session_scope(readonly=True) as s:
        rows = [
            repr(r)
            for table in SQLModel.metadata.sorted_tables
            for r in s.execute(table.select()).all()
        ]
        stored = [c.credentials_encrypted for c in s.exec(select(Channel))]
    assert _leaks("\n".join(rows)) == []
    assert stored and all(v.startswith("gAAAA") for v in stored)
    if db.backend == "sqlite":
        raw = Path(db.url.removeprefix("sqlite:///")).read_bytes().decode("latin-1")
        assert _leaks(raw) == []
    # ...and the service still decrypts them for the connectors.
    with session_scope(readonly=True) as s:
        tg = channels.get_channel(s, Actor.system(), "tg")
        assert channels.channel_config(tg).credentials["bot_token"] == TG
