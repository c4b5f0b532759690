"""The hand-over inbox on both backends: scoped listing, one reply, retention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from publisher.db import session_scope
from publisher.errors import InvalidInput, InvalidTransition
from publisher.services.publishing import faq_inbox
from tests.factories import make_office, telegram_channel

NOW = datetime(2026, 10, 1, 3, 0, tzinfo=UTC)


def test_the_inbox_keeps_one_reply_per_question_and_forgets_old_ones(db: Any) -> None:
    office = make_office("so-khcn", channels={"tg": telegram_channel()})
    other = make_office("xa-khac", channels={"tg-khac": telegram_channel("@xa_khac")})
    with session_scope() as s:
        old = faq_inbox.hand_over(
            s, channel_id=office.channels["tg"].id, chat_id="1", display_name="A",
            question="cũ", now=NOW - timedelta(days=31),
        )  # fmt: skip
        new = faq_inbox.hand_over(
            s, channel_id=office.channels["tg"].id, chat_id="2", display_name="B" * 300,
            question="mới", now=NOW,
        )  # fmt: skip
        ids = (old.id, new.id)
    editor = office.actor("editor")
    with session_scope() as s:
        assert [r.id for r in faq_inbox.list_handovers(s, editor)] == [ids[1], ids[0]]
        assert faq_inbox.list_handovers(s, other.actor("editor")) == []
        row = faq_inbox.reply(s, editor, ids[1], "  Trả lời  ", now=NOW)
        assert (row.status, row.reply, len(row.display_name)) == ("sending", "Trả lời", 120)
    with session_scope() as s, pytest.raises(InvalidTransition):
        faq_inbox.reply(s, editor, ids[1], "lần hai", now=NOW)
    with session_scope() as s, pytest.raises(InvalidInput):
        faq_inbox.reply(s, editor, ids[0], "   ", now=NOW)
    with session_scope() as s:
        faq_inbox.mark_sent(s, ids[1], ok=True)
        assert faq_inbox.purge_expired(s, now=NOW, days=30) == 1
    with session_scope() as s:
        (left,) = faq_inbox.list_handovers(s, editor)
        assert (left.id, left.status) == (ids[1], "answered")
