"""The knowledge base page: an editor approves another's answer; questions without an
answer are listed for the one-step "make this an answer"."""

from __future__ import annotations

from typing import Any

from publisher.db import session_scope
from publisher.models import FaqAnswer
from publisher.services.publishing import faq, faq_search
from publisher.timeutil import utcnow


def test_an_editor_approves_an_officers_answer_and_sees_unanswered_questions(
    office: Any, app_as: Any
) -> None:
    with session_scope() as s:
        row = faq.create(
            s,
            office.actor("officer"),
            faq.AnswerInput("VNeID mức 2 đăng ký ở đâu?", "Tại công an xã.", "https://a.gov.vn"),
        )
        faq.submit(s, office.actor("officer"), int(row.id or 0))
        answer_id = int(row.id or 0)
        faq_search.ask(s, "giá vàng hôm nay", org_id=office.org.id, now=utcnow(), log=True)
    at = app_as(office, "editor", "views/faq.py")
    assert not at.exception
    approve = [b for b in at.button if b.label == "Duyệt"]
    assert approve
    approve[0].click().run()
    assert not at.exception
    with session_scope() as s:
        assert s.get(FaqAnswer, answer_id).status == "approved"  # type: ignore[union-attr]
    assert any("giá vàng hôm nay" in e.label for e in at.expander)


def test_an_officer_cannot_approve_answers(office: Any, app_as: Any) -> None:
    with session_scope() as s:
        row = faq.create(
            s,
            office.actor("editor"),
            faq.AnswerInput("Techfest là gì?", "Ngày hội khởi nghiệp.", "https://a.gov.vn"),
        )
        faq.submit(s, office.actor("editor"), int(row.id or 0))
    at = app_as(office, "officer", "views/faq.py")
    assert not at.exception
    assert not [b for b in at.button if b.label == "Duyệt"]


def test_the_import_tab_names_the_columns_in_vietnamese_and_offers_a_template(
    office: Any, app_as: Any
) -> None:
    at = app_as(office, "editor", "views/faq.py")
    assert not at.exception
    [help_text] = [c.value for c in at.caption if "CSV" in c.value]
    assert "«Câu hỏi», «Câu trả lời», «Nguồn»" in help_text, help_text
    assert not help_text.startswith("Tệp CSV hoặc XLSX, dòng đầu: question"), help_text
    [template] = [e for e in at.get("download_button") if "faq_template" in str(e.proto)]
    assert "Tải tệp mẫu" in template.proto.label
