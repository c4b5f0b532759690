"""AppTest helpers: an office with channels of all three kinds, and the app run as a role."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from publisher.db import session_scope
from publisher.services.publishing import posts
from publisher.services.publishing.posts import PostInput
from publisher.timeutil import parse_local
from tests.factories import Office, facebook_channel, make_office, telegram_channel, webhook_channel

APP = str(Path(__file__).resolve().parents[2] / "ui" / "app.py")
TIMEOUT = 60
PASSWORD = "correct horse battery"  # tests.factories.make_office


@pytest.fixture
def office(sqlite_db, clock) -> Office:
    return make_office(
        "so-khcn",
        channels={
            "Fanpage": facebook_channel(),
            "Telegram": telegram_channel(),
            "Zalo": webhook_channel(),
        },
    )


def compose(
    office: Office,
    text: str = "Chào mừng Ngày Chuyển đổi số quốc gia 10/10",
    role: str = "officer",
    submit: bool = False,
    **kw: Any,
) -> int:
    """A post of ``office`` on all its channels (10/10/2026 08:00 unless told)."""
    kw.setdefault("channels", list(office.channels))
    kw.setdefault("due_at", parse_local("10/10/2026 08:00"))
    with session_scope() as s:
        post = posts.compose(s, office.actor(role), PostInput(text=text, **kw))
        if submit:
            posts.submit(s, office.actor(role), post.id or 0)
        return post.id or 0


@pytest.fixture
def app_as() -> Callable[..., AppTest]:
    """``app_as(office, role, page=None)``: the app logged in as ``role`` on ``page``."""

    def make(office: Office | None, role: str | None, page: str | None = None) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
        if office is not None and role is not None:
            # Log in through the form, as a person does (state injected by a test would be
            # re-applied on every run and hide a logout).
            at.text_input(key="login_username").input(office.users[role].username)
            at.text_input(key="login_password").input(PASSWORD)
            at.button[0].click().run()
            assert "actor" in at.session_state, [e.value for e in at.error]
        at.switch_page(page or "views/calendar.py").run()
        return at

    return make


def texts(at: AppTest) -> str:
    """Every piece of text the run displayed (markdown, captions, alerts, expanders)."""
    parts: list[str] = []
    for group in (
        at.markdown,
        at.caption,
        at.error,
        at.warning,
        at.info,
        at.success,
        at.title,
        at.subheader,
        at.header,
        at.text,
    ):
        parts += [str(e.value) for e in group]
    parts += [str(e.label) for e in at.expander]
    return "\n".join(parts)


def cookie_scripts(at: AppTest) -> str:
    """The one-time scripts the last run wrote to set or clear the session cookie."""
    return "\n".join(e.proto.body for e in at.get("html") if "document.cookie" in e.proto.body)
