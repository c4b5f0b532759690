"""Every registered platform is complete: its class declares what the rest of the product
asks of it (settings schema with catalogue labels, error table, engagement, preview), it has
a row in the contract table, and importing it loads no client library (the command line
builds its options from every class's schema)."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

from connectors import registry, settings
from connectors.base import Connector
from connectors.errors import ConnectorError
from publisher.i18n import catalogue

from .conftest import CONTRACT

CLIENT_LIBRARIES = (
    "httpx",
    "httpcore",
    "requests",
    "urllib3",
    "facebook",
    "telegram",
    "asyncio",
    "paramiko",
    "cryptography",
)


@pytest.fixture(params=registry.KINDS)
def cls(request: pytest.FixtureRequest) -> type[Connector]:
    return registry.get(str(request.param))


def test_every_registered_platform_has_a_contract_row() -> None:
    assert {row.kind for row in CONTRACT.values()} == set(registry.KINDS)


def test_the_class_declares_its_platform(cls: type[Connector]) -> None:
    assert cls.kind in registry.KINDS and cls.platform
    assert cls.engagement in settings.ENGAGEMENT_MODES
    assert cls.preview in settings.PREVIEW_KINDS
    assert cls.icon.startswith(":material/")
    assert all(n > 0 for n in cls.card_size)
    if cls.engagement == settings.POLL:
        assert cls.poll_metrics is not Connector.poll_metrics
    if cls.engagement == settings.INBOUND:
        assert cls.verify_inbound.__func__ is not Connector.verify_inbound.__func__  # type: ignore[attr-defined]
    if cls.group_rate_per_second > 0:
        assert cls.rate_group is not Connector.rate_group


def test_the_error_table_is_its_own_module(cls: type[Connector]) -> None:
    assert cls.error_table.startswith("connectors.") and cls.error_table.endswith("_errors")
    table = importlib.import_module(cls.error_table)
    assert isinstance(table.classify(RuntimeError("boom")), ConnectorError)


def test_every_field_has_words_in_both_languages(cls: type[Connector]) -> None:
    messages = catalogue()
    assert f"ui.kind.{cls.kind}" in messages and f"stats.kind.{cls.kind}" in messages
    assert len(cls.kind) <= 20  # Channel.kind and the engagement rows hold 20 characters
    keys = [f.key for f in cls.all_fields()]
    assert len(keys) == len(set(keys))
    for field in cls.all_fields():
        vi, en = messages[field.label_key]
        assert vi and en and vi != field.key
        if field.problem:
            assert f"problem.{field.problem}" in messages
        if field.kind == settings.URL:
            assert all(f"problem.{code}" in messages for code in field.url_problems)
        if field.default is not None and field.choices:
            assert field.default in field.choices


def test_options_shared_between_platforms_mean_the_same_sort_of_value() -> None:
    by_option: dict[str, set[bool]] = {}
    for cls in registry.classes():
        for field in cls.all_fields():
            if field.cli:
                by_option.setdefault(field.cli, set()).add(field.secret)
    assert all(len(kinds) == 1 for kinds in by_option.values()), by_option


def test_connector_classes_import_without_their_client_libraries() -> None:
    code = (
        "import json, sys\n"
        "from connectors import registry\n"
        "classes = registry.classes()\n"
        "print(json.dumps(sorted(m for m in sys.modules "
        f"if m.split('.')[0] in {CLIENT_LIBRARIES!r})))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(out.stdout) == []
