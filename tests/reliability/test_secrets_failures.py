"""Planted tokens never leave the vault, whatever way a platform call fails.

Distinct credentials per channel kind (a Facebook page token, a Telegram bot token, a
webhook secret) are planted; every failure path — connection refused, a name that does not
resolve (``.invalid``: fails locally, without any network), a TLS handshake against a
plain-HTTP server, a timeout, dropped connections, and 4xx/5xx answers (JSON and HTML pages)
that echo the request URL, its ``Authorization`` header and its credential fields — is driven
through publishing (the engine) and ``channel test`` (CLI text and ``--json``). Then every
output is searched for every form of every token: CLI output, ``describe``,
``channel.health_detail``, alerts (message and params), deliveries' errors, the audit log and
every other row, logs (plain and JSON), the UI pages as every role, backups and reports
(DOCX/XLSX). A failure that never reached the platform must not flag the channel nor raise
an auth alert.
"""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from sqlmodel import SQLModel, select
from typer.testing import CliRunner

from bench.faults import _engine_pass
from connectors.sandbox import SandboxHandle
from connectors.sandbox.client import SandboxClient
from publisher.cli import app
from publisher.db import session_scope
from publisher.engine.ratelimit import RateLimiter
from publisher.i18n import t
from publisher.logging import configure_logging
from publisher.models import Alert, Channel, ChannelHealth, Delivery
from publisher.services.accounts.actor import Actor
from publisher.services.publishing import channels
from tests.connectors.conftest import closed_port_url
from tests.factories import Office, make_office
from tests.reliability.conftest import read_every_output
from tests.ui import conftest as ui
from ui import nav

FB = "EAAPlantedFbPageTok3nZq9x7Wv"
TG = "7654321987:AAPlantedTgB0tTok3n_qZ7xWvPl-9a8b7c6d"
HOOK = "whsec planted/Hook+Secret=Q9&x"
DNS_FAILS = "http://publisher-planted.invalid"
FORMS = sorted(
    {
        form
        for secret in (FB, TG, HOOK, TG.split(":", 1)[1])
        for form in (secret, quote(secret, safe=""), quote_plus(secret), quote(secret))
    }
)
NAMES = ("fb", "tg", "hook")
PLATFORM = {"fb": "facebook", "tg": "telegram", "hook": "webhook"}


def leaks(text: str) -> list[str]:
    return [f for f in FORMS if f in text]


def channel_specs(base: str) -> dict[str, dict[str, Any]]:
    return {
        "fb": {
            "kind": "facebook",
            "settings": {"page_id": "1001", "graph_url": base + "/"},
            "credentials": {"access_token": FB},
        },
        "tg": {
            "kind": "telegram",
            "settings": {"chat_id": "@planted", "api_base_url": base},
            "credentials": {"bot_token": TG},
        },
        "hook": {
            "kind": "webhook",
            "settings": {"url": f"{base}/hooks/planted", "signature": "hmac"},
            "credentials": {"secret": HOOK},
        },
    }


def point_at(base: str) -> None:
    """Every channel's platform address becomes ``base`` (settings only)."""
    with session_scope() as s:
        for name, spec in channel_specs(base).items():
            channel = channels.get_channel(s, Actor.system(), name)
            assert channel.id is not None
            channels.update_channel(s, Actor.system(), channel.id, settings=spec["settings"])


@pytest.fixture
def planted(sandbox: SandboxHandle, sb: SandboxClient) -> Office:
    sb.set_permissive(False)
    sb.add_facebook_page("1001", FB)
    sb.add_telegram_bot(TG)
    sb.add_telegram_chat("@planted")
    sb.add_hook("planted", HOOK, scheme="hmac")
    return make_office("so-khcn", channels=channel_specs(sandbox.url))


ECHO = "echo: {request}"
#: (name, base URL maker, faults to set): every way a call fails before auth is known.
UNREACHED: list[tuple[str, Callable[[str], str], list[dict[str, Any]]]] = [
    ("refused", lambda url: closed_port_url(), []),
    ("dns", lambda url: DNS_FAILS, []),
    ("tls", lambda url: url.replace("http://", "https://"), []),
    ("timeout", lambda url: url, [{"action": "timeout", "seconds": 2}]),
    ("drop", lambda url: url, [{"action": "drop", "when": "before"}]),
    (
        "echo-5xx-json",
        lambda url: url,
        [{"action": "error", "status": 500, "message": ECHO}],
    ),
    (
        "echo-502-html",
        lambda url: url,
        [{"action": "error", "status": 502, "message": ECHO, "plain": True}],
    ),
]
#: Answers that do say something about the request or the credentials (echoing it all).
ANSWERED: list[tuple[str, list[dict[str, Any]]]] = [
    ("echo-400", [{"action": "error", "status": 400, "code": 100, "message": ECHO}]),
    ("echo-401", [{"action": "error", "status": 401, "code": 190, "message": ECHO}]),
]


def test_no_failure_path_leaks_a_token_anywhere(
    db: Any,
    clock: Any,
    planted: Office,
    sandbox: SandboxHandle,
    sb: SandboxClient,
    tmp_path: Path,
) -> None:
    plain, as_json = io.StringIO(), io.StringIO()
    seen: list[str] = []
    runner = CliRunner()
    counter = iter(range(1000))

    def cli(*args: str) -> Any:
        result = runner.invoke(app, list(args))
        seen.extend([result.stdout, result.stderr, repr(result.exception or "")])
        return result

    def publish_and_test() -> list[dict[str, Any]]:
        for name in NAMES:
            cli(
                "post",
                "create",
                "--text",
                f"Tin {name} {next(counter)}",
                "--channel",
                name,
                "--at",
                "01/10/2026 07:00",
                "--approve",
            )
        _engine_pass("planted", RateLimiter())
        answers = []
        for name in NAMES:
            cli("channel", "test", name)
            answers.append(json.loads(cli("channel", "test", name, "--json").stdout))
        return answers

    def set_faults(faults: list[dict[str, Any]]) -> None:
        sb.clear_faults()
        for spec in faults:
            for platform in ("facebook", "telegram", "webhook"):
                sb.add_fault(platform, times=None, **{"code": None, **spec})

    try:
        configure_logging(json_format=False, level="DEBUG", stream=plain)
        for path, base, faults in UNREACHED:
            point_at(base(sandbox.url))
            set_faults(faults)
            answers = publish_and_test()
            # Facebook and Telegram were asked and could not answer: nothing is known about
            # the credentials (a webhook check only judges its configuration).
            for name, answer in zip(NAMES, answers, strict=True):
                if name != "hook":
                    assert not answer["ok"], (path, answer)
                    assert answer["error_kind"] in ("transient", "ambiguous"), (path, answer)
            with session_scope(readonly=True) as s:
                assert [a.kind for a in s.exec(select(Alert)) if a.kind == "auth"] == [], path
                flagged = [c.name for c in s.exec(select(Channel)) if c.health == "flagged"]
                assert flagged == [], path
        configure_logging(json_format=True, level="DEBUG", stream=as_json)
        point_at(sandbox.url)
        for _path, faults in ANSWERED:
            set_faults(faults)
            publish_and_test()
        sb.clear_faults()
        cli("channel", "list")
        cli("channel", "list", "--json")
        read_every_output(cli, tmp_path)
    finally:
        configure_logging(json_format=False, level="WARNING", stream=io.StringIO())

    # The echoing server did put the tokens into its answers: the scrubber had work to do.
    answers = repr([r.get("response") for r in sb.records()])
    assert FB in answers and TG in answers and HOOK in answers

    with session_scope() as s:
        for ch in s.exec(select(Channel)):
            seen.append(repr(channels.describe(ch)) + ch.health_detail)
        alerts = list(s.exec(select(Alert)))
        for a in alerts:
            seen.append(t(a.message_key, "vi", **a.params) + repr(a.params))
        deliveries = list(s.exec(select(Delivery)))
        seen.extend(f"{d.last_error} {d.error_kind}" for d in deliveries)
        flagged = [c.name for c in s.exec(select(Channel)) if c.health == ChannelHealth.FLAGGED]
    assert {d.status for d in deliveries} >= {"failed"}
    assert "auth" in {a.kind for a in alerts} and flagged  # the 401 did flag, scrubbed

    assert leaks("\n".join(seen)) == [], "a token reached an output or a message"
    logs = plain.getvalue() + as_json.getvalue()
    assert leaks(logs) == [], "a token reached a log line"
    for name in ("r.xlsx", "r.docx"):
        with zipfile.ZipFile(tmp_path / name) as zf:
            text = " ".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist())
        assert leaks(text) == [], name
    with tarfile.open(tmp_path / "backup.tar") as tar:
        for member in tar.getmembers():
            fh = tar.extractfile(member)
            if fh is not None:
                assert leaks(fh.read().decode("latin-1")) == [], member.name
    with session_scope(readonly=True) as s:
        rows = [
            repr(r)
            for table in SQLModel.metadata.sorted_tables
            for r in s.execute(table.select()).all()
        ]
    assert leaks("\n".join(rows)) == [], "a token reached a row (audit log included)"


@pytest.fixture
def leaked_office(
    sqlite_db: Any, clock: Any, planted: Office, sandbox: SandboxHandle, sb: SandboxClient
) -> Iterator[Office]:
    """An office whose channels failed every which way (services, no CLI)."""
    with session_scope() as s:
        ids = {c.name: c.id for c in s.exec(select(Channel))}
    for base, faults in (
        (DNS_FAILS, []),
        (sandbox.url, [{"status": 401, "code": 190, "message": ECHO}]),
    ):
        point_at(base)
        sb.clear_faults()
        for spec in faults:
            for platform in ("facebook", "telegram", "webhook"):
                sb.add_fault(platform, "error", times=None, **spec)
        for name in NAMES:
            with session_scope() as s:
                channels.test_channel(s, Actor.system(), ids[name] or 0)
    sb.clear_faults()
    with session_scope(readonly=True) as s:
        assert any(c.health_detail for c in s.exec(select(Channel)))
    yield planted


PAGES = ("views/channels.py", "views/deliveries.py", "views/calendar.py", "views/reports.py")


@pytest.mark.parametrize("role", ["officer", "editor", "manager", "admin"])
def test_ui_pages_show_no_token_to_any_role(leaked_office: Office, role: str) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(ui.APP, default_timeout=ui.TIMEOUT).run()
    at.text_input(key="login_username").input(leaked_office.users[role].username)
    at.text_input(key="login_password").input(ui.PASSWORD)
    at.button[0].click().run()
    assert "actor" in at.session_state, [e.value for e in at.error]
    shown = []
    opens = {spec.path for spec in nav.visible_specs(leaked_office.actor(role))}
    for page in [p for p in PAGES if p in opens]:  # the navigation lists no other page
        at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        shown.append(ui.texts(at) + repr([e.value for e in at.code]))
    assert leaks("\n".join(shown)) == []


def test_a_dns_failure_is_not_an_auth_alert(
    db: Any, clock: Any, planted: Office, sb: SandboxClient, sandbox: SandboxHandle
) -> None:
    point_at(DNS_FAILS)
    with session_scope() as s:
        ids = {c.name: c.id or 0 for c in s.exec(select(Channel))}
    for name in ("fb", "tg"):
        with session_scope() as s:
            result = channels.test_channel(s, Actor.system(), ids[name])
        assert not result.ok and result.error_kind == "transient", result
        assert leaks(result.detail) == []
    with session_scope(readonly=True) as s:
        assert list(s.exec(select(Alert))) == []
        assert {c.health for c in s.exec(select(Channel))} == {ChannelHealth.UNKNOWN}
    # A token the platform does refuse still flags the channel and raises the auth alert.
    point_at(sandbox.url)
    sb.add_fault("telegram", "error", status=401, message=ECHO)
    with session_scope() as s:
        result = channels.test_channel(s, Actor.system(), ids["tg"])
    assert not result.ok and result.error_kind == "auth" and leaks(result.detail) == []
    with session_scope(readonly=True) as s:
        assert [a.kind for a in s.exec(select(Alert))] == ["auth"]
        tg = s.get(Channel, ids["tg"])
        assert tg is not None and tg.health == ChannelHealth.FLAGGED
        assert "[redacted]" in tg.health_detail and leaks(tg.health_detail) == []
