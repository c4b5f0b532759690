"""The bad-input corpus (tests/corpus/cases.toml): every case through its real entry point.

An error case must end with exactly one line in Vietnamese (the catalogue message of the
expected key), exit code 1 (CLI) or a 4xx JSON error (API), no traceback, and leave every
table and the media store exactly as they were. An accepted case is checked for what it
promises (stored NFC, inert HTML in every preview, no formula in the XLSX report...).
"""

from __future__ import annotations

import json
import re
import tomllib
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel
from typer.testing import CliRunner

from connectors import signing
from publisher.cli import app
from publisher.db import session_scope
from publisher.i18n import catalogue
from publisher.models import Alert, Delivery, InboundEvent, Post
from tests.corpus import recipes
from tests.factories import facebook_channel, make_office, telegram_channel

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
CASES: list[dict[str, Any]] = tomllib.loads((CORPUS / "cases.toml").read_text())["case"]
HOOK_SECRET = "corpus-inbound-secret"


def test_the_corpus_is_large_and_every_file_exists() -> None:
    assert len(CASES) >= 40
    assert len({c["id"] for c in CASES}) == len(CASES)
    for case in CASES:
        assert ("file" in case) != ("recipe" in case), case["id"]
        if "file" in case:
            assert (CORPUS / "files" / case["file"]).is_file(), case["id"]
        elif not case["recipe"].startswith("redirect:"):
            assert case["recipe"] in recipes.RECIPES, case["id"]
        key = case["expect"]
        if "." in key:
            assert key in catalogue(), f"{case['id']}: unknown message key {key}"


def template(key: str) -> re.Pattern[str]:
    """The Vietnamese message of ``key`` as a pattern (placeholders match anything)."""
    vi = catalogue()[key][0]
    parts = re.split(r"\{[^{}]*\}", vi)
    return re.compile(".*".join(re.escape(p) for p in parts), re.S)


# -- the state that must not change -------------------------------------------------------
def snapshot(data_dir: Path) -> dict[str, Any]:
    counts: dict[str, Any] = {}
    with session_scope(readonly=True) as s:
        for table in SQLModel.metadata.sorted_tables:
            counts[table.name] = s.execute(select(func.count()).select_from(table)).scalar()
    counts["files"] = sorted(
        str(p.relative_to(data_dir))
        for p in data_dir.rglob("*")
        if p.is_file() and not p.name.startswith("publisher.db")  # the SQLite file itself
    )
    return counts


@pytest.fixture
def office(db: Any, clock: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("PUBLISHER_LANGUAGE", "vi")
    from publisher.services import inbound

    inbound.clear_cache()
    return make_office(
        "so-khcn",
        channels={
            "tg": telegram_channel(),
            "fb": facebook_channel(),
            "hook-in": {
                "kind": "webhook",
                "settings": {"url": "https://hooks.example.org/r57", "signature": "hmac"},
                "credentials": {"secret": HOOK_SECRET},
            },
        },
    )


def case_input(case: dict[str, Any], tmp: Path) -> Path:
    if "file" in case:
        return CORPUS / "files" / case["file"]
    return recipes.make(case["recipe"], tmp)


#: Inputs that reach the database as text or rows run on every backend (PostgreSQL refuses
#: what SQLite stores, e.g. NUL); the others never touch storage differently: SQLite only.
STORAGE = {"text", "time", "tasks", "channel-input", "ids", "kpi"}
SQLITE_ONLY = pytest.mark.parametrize("db", ["sqlite"], indirect=True)


def by_entry(entry: str, storage: bool | None = None) -> list[Any]:
    return [
        pytest.param(c, id=c["id"])
        for c in CASES
        if c["entry"] == entry and (storage is None or (c["category"] in STORAGE) == storage)
    ]


# -- CLI ----------------------------------------------------------------------------------
@pytest.mark.parametrize("case", by_entry("cli", storage=True))
def test_cli_case_on_every_backend(
    case: dict[str, Any], office: Any, db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_cli_case(case, db, tmp_path, monkeypatch)


@SQLITE_ONLY
@pytest.mark.parametrize("case", by_entry("cli", storage=False))
def test_cli_case(
    case: dict[str, Any], office: Any, db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_cli_case(case, db, tmp_path, monkeypatch)


def run_cli_case(
    case: dict[str, Any], db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if case["category"] in ("webhook-url", "platform-url"):
        monkeypatch.delenv("PUBLISHER_ALLOW_PRIVATE_WEBHOOKS", raising=False)
    path = case_input(case, tmp_path)
    text = (
        path.read_bytes().decode("utf-8", errors="surrogateescape")
        if "{text}" in str(case["args"])
        else ""
    )
    args = [a.replace("{file}", str(path)).replace("{text}", text) for a in case["args"]]
    target = Path(args[-1].split("sqlite:///", 1)[1]) if case["category"] == "dbtarget" else None
    target_before = target.read_bytes() if target is not None else b""
    before = snapshot(db.data_dir)
    result = CliRunner().invoke(app, args)
    after = snapshot(db.data_dir)
    if target is not None:
        assert target.read_bytes() == target_before, "the migrate-db target was written"
    if case["expect"] == "ok":
        assert result.exit_code == 0, (result.stderr, result.exception)
        name, _, arg = case["check"].partition(":")
        CHECKS[name](arg, text, path)
        return
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), f"crashed: {result.exception!r}"
    assert result.exit_code == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert template(case["expect"]).search(lines[0]), lines[0]
    if case["category"] == "media":
        assert f"«{path.name}»" in lines[0], "the message names the user's file"
    assert before == after, "a refused input left rows or files behind"


def _newest_post() -> Post:
    with session_scope(readonly=True) as s:
        post = s.exec(select(Post).order_by(Post.id.desc())).scalars().first()  # type: ignore[attr-defined]
        assert post is not None
        s.expunge(post)
        return post


def check_stored_nfc(arg: str, text: str, path: Path) -> None:
    stored = _newest_post().text
    assert stored == unicodedata.normalize("NFC", text).strip()
    assert unicodedata.is_normalized("NFC", stored)


def check_due_utc(arg: str, text: str, path: Path) -> None:
    from datetime import datetime

    from publisher.timeutil import ensure_utc

    due = _newest_post().due_at
    assert due is not None and ensure_utc(due) == datetime.fromisoformat(arg)


def check_stored_verbatim(arg: str, text: str, path: Path) -> None:
    assert _newest_post().text == text.strip()


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [(k, v or "") for k, v in attrs]


def check_inert_html(arg: str, text: str, path: Path) -> None:
    """The text is stored as typed but no preview, and no Telegram message, carries it as
    markup: only the card's own tags, no event handlers, no javascript: URLs."""
    import streamlit as st

    from ui.components import previews

    stored = _newest_post().text
    assert stored == text.strip()
    shown: list[str] = []
    original = st.html
    st.html = shown.append  # type: ignore[assignment]
    try:
        previews.feed_card("Sở KH&CN", stored, "10/10/2026 08:00")
        previews.chat_bubble("Sở KH&CN", stored, "10/10/2026 08:00")
    finally:
        st.html = original  # type: ignore[assignment]
    assert len(shown) == 2
    for markup in shown:
        parser = _Tags()
        parser.feed(markup)
        assert set(parser.tags) <= {"style", "div", "span", "img"}, parser.tags
        assert not [k for k, _ in parser.attrs if k.startswith("on")]
        assert not [v for _, v in parser.attrs if "javascript:" in v.lower()]
    with session_scope(readonly=True) as s:
        from publisher.models import Channel
        from publisher.services.channels import make_connector

        channel = s.exec(select(Channel).where(Channel.name == "tg")).scalars().one()
        sent = make_connector(channel)._html(stored)  # type: ignore[attr-defined]
    parser = _Tags()
    parser.feed(sent)
    assert parser.tags == [], f"Telegram would render markup: {parser.tags}"


def check_xlsx_formula_inert(arg: str, text: str, path: Path) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    from publisher.services import reports
    from publisher.services.actor import Actor

    with session_scope(readonly=True) as s:
        content, _ = reports.generate(s, Actor.system("test"), "2026-H2", "xlsx")
    wb = load_workbook(BytesIO(content))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    titles = [c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert titles, "the imported task titles are in the report"
    assert [c.coordinate for c in cells if c.data_type == "f"] == []


def check_tasks_imported(arg: str, text: str, path: Path) -> None:
    from publisher.models import STTask

    with session_scope(readonly=True) as s:
        assert s.execute(select(func.count()).select_from(STTask)).scalar() == int(arg)


def check_blocked_at_publish(arg: str, text: str, path: Path) -> None:
    """Accepted as a channel, but publishing resolves the name and refuses the address
    before any request is made."""
    from connectors.base import OutgoingPost
    from connectors.netguard import BlockedTargetError
    from publisher.models import Channel
    from publisher.services.channels import make_connector

    with session_scope(readonly=True) as s:
        channel = s.exec(select(Channel).where(Channel.name == "hook-bad")).scalars().one()
        connector = make_connector(channel, timeout=2)
    with pytest.raises(BlockedTargetError):
        connector.publish(OutgoingPost("Tin", idempotency_key="corpus-decimal-ip"))


CHECKS = {
    "tasks_imported": check_tasks_imported,
    "blocked_at_publish": check_blocked_at_publish,
    "stored_nfc": check_stored_nfc,
    "due_utc": check_due_utc,
    "stored_verbatim": check_stored_verbatim,
    "inert_html": check_inert_html,
    "xlsx_formula_inert": check_xlsx_formula_inert,
}


# -- API ----------------------------------------------------------------------------------
def _signed(body: bytes, clock: Any, skew: float = 0) -> dict[str, str]:
    ts = str(int(clock.now().timestamp() + skew))
    return {
        signing.TIMESTAMP_HEADER: ts,
        signing.HMAC_HEADER: signing.hmac_signature(HOOK_SECRET, ts, body),
        "content-type": "application/json",
    }


@SQLITE_ONLY
@pytest.mark.parametrize("case", by_entry("api"))
def test_api_case(case: dict[str, Any], office: Any, db: Any, clock: Any, tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    from publisher.api import create_app
    from tests.stats.conftest import published

    published(office, "hook-in", clock.now(), external_id="m1")
    body = case_input(case, tmp_path).read_bytes()
    headers = _signed(body, clock)
    if case["check"] == "bad_signature":
        headers[signing.HMAC_HEADER] = "sha256=" + "0" * 64
    elif case["check"] == "unsigned":
        headers = {"content-type": "application/json"}
    elif case["check"] == "stale":
        headers = _signed(body, clock, skew=-3600)
    client = TestClient(create_app(clock=clock))
    before = snapshot(db.data_dir)
    response = client.post(case["args"][0], content=body, headers=headers)
    if case["expect"] == "replayed":
        assert response.status_code == 200, response.text
        again = client.post(case["args"][0], content=body, headers=headers)
        assert again.status_code == 200, again.text
        with session_scope(readonly=True) as s:
            assert s.execute(select(func.count()).select_from(InboundEvent)).scalar() == 1
        return
    assert 400 <= response.status_code < 500, response.text
    data = response.json()
    assert data["error"] == case["expect"]
    assert "\n" not in data["message"] and template(case["expect"]).search(data["message"])
    assert snapshot(db.data_dir) == before


# -- the engine (redirects) ---------------------------------------------------------------
@SQLITE_ONLY
@pytest.mark.parametrize("case", by_entry("engine"))
def test_engine_case(
    case: dict[str, Any], office: Any, db: Any, clock: Any, sb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bench.faults import _engine_pass
    from connectors import netguard
    from publisher.engine.ratelimit import RateLimiter
    from publisher.services import channels as channels_svc
    from publisher.services import posts as posts_svc
    from tests.connectors.conftest import Redirector
    from tests.factories import ADMIN

    redirector = Redirector()
    try:
        monkeypatch.delenv(netguard.ALLOW_ENV, raising=False)
        monkeypatch.setenv(netguard.ALLOWLIST_ENV, f"127.0.0.1:{redirector.port}")
        redirector.target = (
            case["recipe"].removeprefix("redirect:").format(sandbox_port=sb.url.rsplit(":", 1)[1])
        )
        with session_scope() as s:
            channels_svc.add_channel(
                s,
                ADMIN,
                kind="webhook",
                name="hook-redirect",
                org="so-khcn",
                settings={"url": redirector.url, "signature": "hmac"},
                credentials={"secret": "sandbox-secret"},
            )
            post = posts_svc.compose(
                s,
                ADMIN,
                posts_svc.PostInput(
                    text="Tin chuyển hướng", channels=["hook-redirect"], due_at=clock.now()
                ),
            )
            assert post.id is not None
            posts_svc.approve(s, ADMIN, post.id)
        states = _engine_pass("corpus", RateLimiter())
        assert list(states.values()) == [case["expect"]]
        assert redirector.hits == 1
        assert sb.records() == []
        with session_scope(readonly=True) as s:
            d = s.exec(select(Delivery)).scalars().one()
            assert d.status == "failed" and d.attempts == 1
            alerts = list(s.exec(select(Alert).where(Alert.object_id == d.id)).scalars())
            assert [a.kind for a in alerts] == ["delivery_failed"]
    finally:
        redirector.close()


def test_the_manifest_is_valid_json_compatible() -> None:
    # The manifest is also read by docs/reliability.md tooling: plain TOML, no dates.
    json.dumps(CASES, ensure_ascii=False)
