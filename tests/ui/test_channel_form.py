"""The channels page draws its add and edit forms from the connector's settings schema: a
platform registered only in this test gets its fields without the page knowing it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import select

from connectors import registry
from publisher.db import session_scope
from publisher.models import Channel
from publisher.security import decrypt_credentials
from tests.core.dummy_platform import KIND, TARGET

SUBMIT = "FormSubmitter:ch_new-Thêm kênh"


@pytest.fixture
def dummy(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(registry.CONNECTORS, KIND, TARGET)
    monkeypatch.setattr(registry, "KINDS", (*registry.KINDS, KIND))
    registry.get.cache_clear()
    yield
    registry.get.cache_clear()


def test_a_registered_platform_gets_its_form_and_is_added_through_it(office, app_as, dummy):
    at = app_as(office, "admin", "views/channels.py")
    at.selectbox(key="ch_new_kind").set_value(KIND).run()
    keys = {w.key for w in at.text_input} | {w.key for w in at.checkbox}
    for key in ("board", "page_size", "flavour", "api_url", "image_size"):
        assert f"ch_new_s_{key}" in keys
    assert "ch_new_c_api_key" in keys and "ch_new_s_pinned" in keys
    assert at.text_input(key="ch_new_c_api_key").proto.type == 1  # TextInput.PASSWORD, hidden
    assert "ch_new_s_page_id" not in keys  # another platform's field

    at.text_input(key="ch_new_name").input("Bảng tin")
    at.text_input(key="ch_new_s_board").input("news")
    at.text_input(key="ch_new_s_page_size").input("12")
    at.checkbox(key="ch_new_s_pinned").check()
    at.text_input(key="ch_new_c_api_key").input("dummy-key-1")
    at.button(key=SUBMIT).click().run()
    assert not at.error, [e.value for e in at.error]
    with session_scope(readonly=True) as s:
        channel = s.exec(select(Channel).where(Channel.name == "Bảng tin")).one()
        assert channel.kind == KIND
        assert channel.settings == {
            "board": "news",
            "page_size": 12,
            "pinned": True,
            "flavour": "plain",  # the form starts with the field's default
            "internal": False,  # every platform's tick box (public feeds: docs/feeds.md)
        }
        assert decrypt_credentials(channel.credentials_encrypted) == {"api_key": "dummy-key-1"}


def test_a_value_the_schema_refuses_leaves_nothing(office, app_as, dummy):
    at = app_as(office, "admin", "views/channels.py")
    at.selectbox(key="ch_new_kind").set_value(KIND).run()
    at.text_input(key="ch_new_name").input("Bảng tin")
    at.text_input(key="ch_new_s_board").input("NO!")
    at.text_input(key="ch_new_c_api_key").input("dummy-key-1")
    at.button(key=SUBMIT).click().run()
    assert at.error and "NO!" in at.error[0].value
    with session_scope(readonly=True) as s:
        assert s.exec(select(Channel).where(Channel.name == "Bảng tin")).first() is None


@pytest.mark.parametrize(
    ("kind", "fill", "expected", "raw"),
    [
        (
            "facebook",
            {},
            ["«ID trang Facebook»", "«Mã truy cập trang»"],
            ["page_id", "access_token"],
        ),
        ("facebook", {"ch_new_s_graph_url": "x"}, ["«Địa chỉ Graph API» x"], ["graph_url"]),
        ("telegram", {}, ["«Mã bot (bot token)»"], ["bot_token", "chat_id"]),
        (
            "zalo_oa",
            {"ch_new_s_oauth_url": "ftp://oa"},
            ["«Mã Official Account (OA ID)»", "«Địa chỉ máy chủ OAuth Zalo» ftp://oa"],
            ["oa_id", "app_secret", "oauth_url"],
        ),
    ],
)
def test_a_refused_channel_names_its_fields_as_the_form_does(
    office, app_as, kind, fill, expected, raw
):
    """Bad input on the add form is told with the fields' own labels, never raw keys such as
    «page_id» or «oauth_url» (in English too: the labels are translated)."""
    at = app_as(office, "admin", "views/channels.py")
    at.selectbox(key="ch_new_kind").set_value(kind).run()
    at.text_input(key="ch_new_name").input("Kênh thử")
    for key, value in fill.items():
        at.text_input(key=key).input(value)
    at.button(key=SUBMIT).click().run()
    shown = " ".join(e.value for e in at.error)
    for text in expected:
        assert text in shown, shown
    for key in raw:
        assert f"«{key}»" not in shown and f" {key} " not in shown, shown
    with session_scope(readonly=True) as s:
        assert s.exec(select(Channel).where(Channel.name == "Kênh thử")).first() is None


def test_a_problem_names_the_setting_in_english_too():
    from connectors.base import Problem
    from publisher.errors import problem_text

    problem = Problem(
        "missing_setting", "", {"channel": "K", "setting": "oa_id", "kind": "zalo_oa"}
    )
    assert "oa_id" not in problem_text(problem, "en")
    assert "«" in problem_text(problem, "en")
