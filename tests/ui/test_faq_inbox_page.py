"""The FAQ bot's staff inbox page: questions handed over, replies written from the page."""

from __future__ import annotations

from datetime import UTC, datetime

from publisher.db import session_scope
from publisher.models import FaqHandover
from publisher.services.publishing import faq_inbox

PAGE = "views/faq_inbox.py"


def _handover(office, question: str = "Xin hỏi lịch tiếp công dân của Sở?") -> int:
    with session_scope() as session:
        row = faq_inbox.hand_over(
            session,
            channel_id=office.channels["Telegram"].id,
            chat_id="501",
            display_name="Nguyễn Văn Lan",
            question=question,
            now=datetime(2026, 9, 30, 3, 0, tzinfo=UTC),
        )
        return row.id or 0


def test_an_officer_answers_a_handed_over_question_from_the_page(office, app_as):
    handover_id = _handover(office)
    at = app_as(office, "officer", PAGE)
    assert not at.exception
    shown = " ".join(m.value for m in at.markdown) + " ".join(t.value for t in at.text)
    assert "Nguyễn Văn Lan" in shown and "lịch tiếp công dân" in shown
    at.text_area(key=f"faqbot_text_{handover_id}").set_value("Thứ Năm hằng tuần, 8 giờ.")
    next(b for b in at.button if b.label == "Gửi trả lời").click().run()
    assert not at.exception
    with session_scope() as session:
        row = session.get(FaqHandover, handover_id)
        assert row is not None
        assert (row.status, row.reply) == ("sending", "Thứ Năm hằng tuần, 8 giờ.")
        assert row.replied_by.endswith("officer")


def test_a_manager_reads_the_inbox_but_has_no_reply_form(office, app_as):
    _handover(office)
    at = app_as(office, "manager", PAGE)
    assert not at.exception
    assert "Gửi trả lời" not in [b.label for b in at.button]
    assert not at.text_area
