"""A platform is one module: the ``channel add/edit`` options, the service's checks and the
channels form come from the connector's settings schema (issue 15, item 3).

A connector that exists only here (:mod:`tests.core.dummy_platform`) is registered, and the
real command line (in a fresh interpreter, since its options are built when it loads), the
channel service and the channels page take its fields without knowing anything about it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import func, select

from connectors import registry
from connectors.base import ChannelConfig
from publisher.db import session_scope
from publisher.errors import InvalidInput, ValidationFailed
from publisher.models import Channel
from publisher.security import decrypt_credentials
from publisher.services import channels as channels_svc
from publisher.services.actor import Actor
from tests.core.dummy_platform import KIND, TARGET, DummyConnector
from tests.factories import make_office

ROOT = Path(__file__).resolve().parents[2]
ADMIN = Actor.system("test")

#: Runs the console script's entry point with the dummy platform registered first.
DRIVER = f"""
import sys
from connectors import registry
registry.CONNECTORS[{KIND!r}] = {TARGET!r}
registry.KINDS = (*registry.KINDS, {KIND!r})
from publisher.cli import main
sys.argv = ["publisher", *sys.argv[1:]]
main()
"""


@pytest.fixture
def dummy(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(registry.CONNECTORS, KIND, TARGET)
    monkeypatch.setattr(registry, "KINDS", (*registry.KINDS, KIND))
    registry.get.cache_clear()
    yield
    registry.get.cache_clear()


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "PUBLISHER_LANGUAGE": "en", **(env or {})}
    return subprocess.run(
        [sys.executable, "-c", DRIVER, *args],
        capture_output=True,
        text=True,
        env=full,
        cwd=ROOT,
        timeout=120,
    )


def stored(name: str) -> tuple[dict[str, Any], dict[str, str]]:
    with session_scope(readonly=True) as s:
        channel = s.exec(select(Channel).where(Channel.name == name)).one()
        return dict(channel.settings), decrypt_credentials(channel.credentials_encrypted)


def count() -> int:
    with session_scope(readonly=True) as s:
        return int(s.exec(select(func.count()).select_from(Channel)).one())


# -- command line -------------------------------------------------------------------------------
def test_a_registered_platform_gets_its_options_and_the_old_ones_stay() -> None:
    result = cli("channel", "add", "--help", env={"COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    for option in ("--board", "--page-size", "--flavour", "--api-url", "--api-key"):
        assert option in result.stdout
    # A credential's option comes with its file and environment forms.
    assert "--api-key-file" in result.stdout and "--api-key-env" in result.stdout
    assert "Dummy API key" in result.stdout and "Board name" in result.stdout
    assert "--pinned" not in result.stdout  # a field without `cli` is on the form only
    for option in ("--page-id", "--chat-id", "--url", "--token-file", "--secret-env"):
        assert option in result.stdout
    assert f"|{KIND}" in result.stdout  # --kind lists the registered kinds


def test_channel_add_and_edit_fill_the_dummy_fields(sqlite_db: Any) -> None:
    make_office("so-khcn")
    added = cli(
        "channel",
        "add",
        "--kind",
        KIND,
        "--name",
        "bảng tin",
        "--board",
        "news",
        "--page-size",
        "20",
        "--api-key-env",
        "DUMMY_KEY",
        "--json",
        env={"DUMMY_KEY": "dummy-key-123456"},
    )
    assert added.returncode == 0, added.stderr
    assert "dummy-key-123456" not in added.stdout  # masked
    settings, creds = stored("bảng tin")
    # Typed as the schema says; the choice's default filled in; options of other kinds unused.
    assert settings == {"board": "news", "page_size": 20, "flavour": "plain"}
    assert creds == {"api_key": "dummy-key-123456"}

    edited = cli("channel", "edit", "bảng tin", "--page-size", "50", "--flavour", "rich")
    assert edited.returncode == 0, edited.stderr
    assert stored("bảng tin")[0] == {"board": "news", "page_size": 50, "flavour": "rich"}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--board", "NO!", "--api-key", "k"], "not a valid value"),
        (["--board", "news"], "credential «api_key» is missing"),
        (["--board", "news", "--api-key", "k", "--page-size", "many"], "«many»"),
        (["--board", "news", "--api-key", "k", "--flavour", "spicy"], "«spicy»"),
        (["--board", "news", "--api-key", "k", "--api-url", "file:///etc"], "http"),
    ],
)
def test_a_value_the_schema_refuses_is_one_line_and_nothing_is_written(
    sqlite_db: Any, args: list[str], expected: str
) -> None:
    make_office("so-khcn")
    result = cli("channel", "add", "--kind", KIND, "--name", "bảng tin", *args)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert count() == 0


def test_an_option_of_another_platform_is_refused_on_edit(sqlite_db: Any) -> None:
    make_office("so-khcn")
    assert cli(*_add("d")).returncode == 0
    token = cli("channel", "edit", "d", "--token", "123:abc")
    assert token.returncode == 1
    assert "--token" in token.stderr and len(token.stderr.strip().splitlines()) == 1
    chat = cli("channel", "edit", "d", "--chat-id", "@khcn_tinh")
    assert chat.returncode == 1 and "chat_id" in chat.stderr
    assert stored("d") == ({"board": "news", "flavour": "plain"}, {"api_key": "key-1"})


def _add(name: str) -> list[str]:
    fields = ["--board", "news", "--api-key", "key-1"]
    return ["channel", "add", "--kind", KIND, "--name", name, *fields]


# -- service ------------------------------------------------------------------------------------
def test_the_form_of_a_kind_is_its_connectors_fields(dummy: None) -> None:
    form = channels_svc.kind_form(KIND)
    assert [(f.key, f.kind, f.secret) for f in form.fields] == [
        (f.key, f.kind, f.secret) for f in DummyConnector.all_fields()
    ]
    assert [f.key for f in form.credentials] == ["api_key"]
    assert "image_size" in [f.key for f in form.settings]  # every platform's setting
    assert KIND in channels_svc.kinds()
    assert form.fields[0].label_key == "ui.channels.field.board"


def test_the_service_checks_what_the_schema_says(sqlite_db: Any, dummy: None) -> None:
    make_office("so-khcn")
    with session_scope() as s:
        with pytest.raises(InvalidInput):  # not a field of the kind
            channels_svc.add_channel(
                s,
                ADMIN,
                kind=KIND,
                name="x",
                settings={"board": "news", "chat_id": "@abc_def"},
                credentials={"api_key": "k"},
            )
        with pytest.raises(ValidationFailed) as info:
            channels_svc.add_channel(
                s, ADMIN, kind=KIND, name="x", settings={"page_size": "many"}, credentials={}
            )
    codes = [p.code for p in info.value.problems]
    assert codes == ["missing_setting", "missing_credential", "invalid_setting"]
    assert count() == 0


def test_validation_is_generated_from_the_fields() -> None:
    def problems(settings: dict[str, Any], creds: dict[str, str]) -> list[str]:
        config = ChannelConfig(KIND, "d", settings, creds)
        return [p.code for p in DummyConnector.validate_config(config)]

    good = {"board": "news"}
    assert problems(good, {"api_key": "k"}) == []
    assert problems({"board": "news\n"}, {"api_key": "k"}) == ["invalid_setting"]
    assert problems({**good, "pinned": "maybe"}, {"api_key": "k"}) == ["invalid_setting"]
    assert problems({**good, "pinned": True, "page_size": 3}, {"api_key": "k"}) == []
    assert problems({**good, "api_url": "http://127.0.0.1/x"}, {"api_key": "k"}) == ["url_private"]


def test_a_refused_secret_is_never_repeated_in_the_problem() -> None:
    cls = registry.get("telegram")
    config = ChannelConfig("telegram", "tg", {"chat_id": "@khcn_tinh"}, {"bot_token": "leak-me"})
    [problem] = cls.validate_config(config)
    assert problem.code == "invalid_token"
    assert "leak-me" not in problem.message + json.dumps(dict(problem.params))
