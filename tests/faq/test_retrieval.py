"""Vietnamese retrieval: diacritics, abbreviations, typos, questions outside the base, and
which answers may ever be given (approved, valid, of the unit or above it)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlmodel import select

from publisher.db import session_scope
from publisher.errors import InvalidInput, NotFound
from publisher.models import FaqAnswer, FaqQuery
from publisher.services.accounts import orgs
from publisher.services.publishing import faq_search
from publisher.services.publishing.faq_text import fold, syllables
from tests.factories import ADMIN
from tests.faq.conftest import NOW, add_answer

LEVEL2 = "Làm sao để đăng ký tài khoản định danh điện tử mức 2?"
CDS = "Ngày Chuyển đổi số quốc gia là ngày nào?"
KHCN = "Ngày Khoa học và Công nghệ Việt Nam là ngày nào?"
BRAND = "Hồ sơ đăng ký nhãn hiệu gồm những gì?"
DMST = "Đổi mới sáng tạo là gì?"


def ask(kb: dict[str, Any], text: str, **kw: Any) -> faq_search.FaqReply:
    with session_scope() as s:
        return faq_search.ask(s, text, org_id=kb["org_id"], now=NOW, **kw)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # as written, and without diacritics
        ("làm sao để đăng ký tài khoản định danh điện tử mức 2?", LEVEL2),
        ("lam sao de dang ky tai khoan dinh danh dien tu muc 2", LEVEL2),
        ("ngay chuyen doi so", CDS),
        ("NGÀY CHUYỂN ĐỔI SỐ QUỐC GIA", CDS),
        # abbreviations
        ("ngày CĐS là ngày nào", CDS),
        ("ngay KH&CN viet nam", KHCN),
        ("ĐMST là gì", DMST),
        ("DVC quốc gia là gì", "Cổng Dịch vụ công quốc gia là gì?"),
        ("đk tk định danh mức 2", LEVEL2),
        # typos, run-together words, i/y spellings
        ("dang ki tai khoan dinh dnah dien tu muc2", LEVEL2),
        ("ngày chuyển đổii số quốc gia", CDS),
        ("dangky nhan hieu can ho so gi", BRAND),
        # synonyms people use
        ("đăng ký thương hiệu cần những giấy tờ gì", BRAND),
    ],
)
def test_questions_find_their_answer_with_or_without_diacritics_abbreviations_and_typos(
    kb: dict[str, Any], question: str, expected: str
) -> None:
    reply = ask(kb, question)
    assert reply.answered, (question, reply)
    assert reply.answer_id == kb["ids"][expected]
    with session_scope() as s:
        row = s.get(FaqAnswer, reply.answer_id)
        assert row is not None
        assert (reply.answer, reply.source_url) == (row.answer, row.source_url)


@pytest.mark.parametrize(
    "question",
    [
        "giá vàng hôm nay bao nhiêu",
        "thủ tục đăng ký kết hôn cần những gì",
        "sang tên sổ đỏ mất bao lâu",
        "what is the weather today",
        "🙂🙂🙂",
        "",
        "   ",
        "x" * 20_000,
    ],
)
def test_questions_outside_the_base_get_no_answer(kb: dict[str, Any], question: str) -> None:
    reply = ask(kb, question)
    assert not reply.answered
    assert reply.answer is None and reply.answer_id is None and reply.source_url is None


def test_malformed_text_is_logged_without_failing(kb: dict[str, Any]) -> None:
    reply = ask(kb, "ngày chuyển đổi số \ud800" + "a" * 100_000, log=True)
    assert reply.query_id is not None
    with session_scope() as s:
        row = s.get(FaqQuery, reply.query_id)
        assert row is not None and len(row.text) <= faq_search.MAX_QUESTION_CHARS


def test_an_unsure_question_gets_suggestions_but_no_answer(kb: dict[str, Any]) -> None:
    reply = ask(kb, "ngày nào")
    assert not reply.answered
    suggested = {s.answer_id for s in reply.suggestions}
    assert suggested and suggested <= set(kb["ids"].values())
    assert len(reply.suggestions) <= faq_search.MAX_SUGGESTIONS


def test_only_approved_answers_are_given(kb: dict[str, Any]) -> None:
    for status in ("draft", "in_review", "rejected", "archived"):
        add_answer(kb["org_id"], f"Câu hỏi về phóng xạ trạng thái {status}?", status=status)
        assert not ask(kb, f"câu hỏi về phóng xạ trạng thái {status}").answered


def test_answers_outside_their_valid_dates_are_not_given(kb: dict[str, Any]) -> None:
    add_answer(kb["org_id"], "Hạn nộp hồ sơ giải thưởng sáng tạo?", valid_until=date(2026, 12, 5))
    add_answer(kb["org_id"], "Lịch hội chợ công nghệ mùa xuân?", valid_from=date(2026, 12, 7))
    assert not ask(kb, "hạn nộp hồ sơ giải thưởng sáng tạo").answered
    assert not ask(kb, "lịch hội chợ công nghệ mùa xuân").answered
    add_answer(kb["org_id"], "Lịch hội thảo trí tuệ nhân tạo?", valid_until=date(2026, 12, 6))
    assert ask(kb, "lịch hội thảo trí tuệ nhân tạo").answered  # the last valid day


def test_another_units_answers_are_never_given_but_the_provinces_are(kb: dict[str, Any]) -> None:
    secret = add_answer(kb["other_id"], "Mã zqxa của đơn vị khác là gì?")
    assert ask(kb, "mã zqxa của đơn vị khác là gì").answer_id != secret
    with session_scope() as s:
        province = orgs.create_org(s, ADMIN, "Tỉnh", slug="tinh", kind="province")
        orgs_row = orgs.get_org(s, kb["org_id"])
        orgs_row.parent_id = province.id
        province_id = int(province.id or 0)
    shared = add_answer(province_id, "Đường dây nóng phản ánh của tỉnh là số nào?")
    assert ask(kb, "đường dây nóng phản ánh của tỉnh").answer_id == shared


def test_an_unknown_organisation_is_refused(kb: dict[str, Any]) -> None:
    with session_scope() as s, pytest.raises(NotFound):
        faq_search.ask(s, "ngày chuyển đổi số", org_id=10**6, now=NOW)


def test_a_changed_answer_is_given_at_once(kb: dict[str, Any]) -> None:
    assert ask(kb, "ngày chuyển đổi số").answer == "Ngày 10/10 hằng năm."
    with session_scope() as s:
        row = s.get(FaqAnswer, kb["ids"][CDS])
        assert row is not None
        row.answer = "Ngày 10 tháng 10 hằng năm."
        s.add(row)
    faq_search.invalidate()
    assert ask(kb, "ngày chuyển đổi số").answer == "Ngày 10 tháng 10 hằng năm."


def test_a_logged_question_keeps_no_personal_data_and_takes_feedback(kb: dict[str, Any]) -> None:
    reply = ask(kb, "  Ngày   CĐS là ngày nào? ", log=True)
    assert reply.query_id is not None
    with session_scope() as s:
        faq_search.feedback(s, reply.query_id, helpful=True, now=NOW)
        faq_search.feedback(s, reply.query_id, helpful=False, now=NOW)  # the last press counts
    with session_scope() as s:
        row = s.get(FaqQuery, reply.query_id)
        assert row is not None
        assert (row.text, row.outcome, row.helpful) == ("ngày cđs là ngày nào?", "answered", False)
        assert row.answer_id == kb["ids"][CDS]
        assert set(FaqQuery.model_fields) == {
            "id", "org_id", "channel_id", "text", "score", "outcome", "answer_id",
            "helpful", "asked_at", "feedback_at",
        }  # fmt: skip
    assert ask(kb, "ngày chuyển đổi số").query_id is None  # not logged by default


def test_feedback_on_an_unanswered_or_unknown_question_is_refused(kb: dict[str, Any]) -> None:
    reply = ask(kb, "giá vàng hôm nay", log=True)
    with session_scope() as s:
        assert reply.query_id is not None
        with pytest.raises(InvalidInput):
            faq_search.feedback(s, reply.query_id, helpful=True, now=NOW)
        with pytest.raises(NotFound):
            faq_search.feedback(s, 10**6, helpful=True, now=NOW)
    with session_scope() as s:
        assert s.exec(select(FaqQuery)).one().outcome == "unanswered"


def test_folding_and_syllables() -> None:
    assert fold("Đăng Ký Định Danh") == "dang ky dinh danh"
    assert syllables("CĐS ạ") == ["chuyen", "doi", "so"]
    assert syllables("đăng kí") == syllables("đăng ký") == ["dang", "ki"]


def test_a_question_asked_exactly_as_written_is_answered_though_a_longer_one_shares_its_words(
    kb: dict[str, Any],
) -> None:
    # The demo's «VNeID là gì?» was met with «did you mean…» because «Sổ sức khỏe điện tử trên
    # VNeID là gì?» has every word of it too.
    org = kb["org_id"]
    short = add_answer(org, "VNeID là gì?", answer="Ứng dụng định danh điện tử.")
    add_answer(org, "Sổ sức khỏe điện tử trên VNeID là gì?", answer="Sổ sức khỏe.")
    reply = ask(kb, "VNeID là gì?")
    assert reply.answered and reply.answer_id == short
    assert not ask(kb, "ngày nào").answered  # a vague question still gets suggestions only
