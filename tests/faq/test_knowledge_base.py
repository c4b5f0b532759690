"""The knowledge base as the office keeps it: import (all or nothing, line numbers), review
like posts (four eyes), seeding from posts and from questions people asked."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook
from sqlmodel import func, select

from publisher.db import session_scope
from publisher.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from publisher.models import FaqAnswer, FaqQuery, Post
from publisher.services.accounts.actor import Actor
from publisher.services.publishing import faq, faq_import, faq_search
from publisher.services.publishing.imports import ImportRefused
from tests.faq.conftest import NOW

HEADER = "question,answer,source_url,variants,theme\n"
GOOD = (
    "Chủ đề Ngày Chuyển đổi số năm nay là gì?,Dữ liệu số.,https://dx.gov.vn,"
    "chủ đề ngày 10/10|chủ đề ngày cđs,CĐS\n"
)


def count() -> int:
    with session_scope() as s:
        return int(s.exec(select(func.count()).select_from(FaqAnswer)).one())


def do_import(actor: Actor, content: bytes, name: str = "kb.csv", org_id: int | None = None) -> Any:
    with session_scope() as s:
        return faq_import.import_table(s, actor, name, content, org_id=org_id)


@pytest.fixture
def office(kb: dict[str, Any]) -> Any:
    return kb["office"]


def test_the_operator_imports_approved_answers_and_a_second_import_changes_nothing(
    kb: dict[str, Any],
) -> None:
    before = count()
    table = HEADER + GOOD + "Đổi mới sáng tạo là gì?,Tạo ra giá trị mới.,https://mst.gov.vn,,\n"
    result = do_import(Actor.system(), table.encode(), org_id=kb["org_id"])
    assert (result.created, result.updated, result.status) == (1, 1, "approved")
    assert count() == before + 1
    again = do_import(Actor.system(), table.encode(), org_id=kb["org_id"])
    assert (again.created, again.updated) == (0, 2) and count() == before + 1
    with session_scope() as s:
        row = s.get(FaqAnswer, result.answer_ids[0])
        assert row is not None
        assert row.variants == ["chủ đề ngày 10/10", "chủ đề ngày cđs"] and row.theme == "cds"
        reply = faq_search.ask(s, "chu de ngay cds nam nay", org_id=kb["org_id"], now=NOW)
    assert reply.answer_id == row.id and reply.answer == "Dữ liệu số."


def test_a_table_with_bad_lines_imports_nothing_and_names_every_line(kb: dict[str, Any]) -> None:
    before = count()
    table = (
        HEADER
        + "Câu hỏi mới một?,Trả lời.,https://a.gov.vn,,\n"  # line 2: good
        + ",Trả lời.,https://a.gov.vn,,\n"  # 3: no question
        + "Câu hỏi ba?,,https://a.gov.vn,,\n"  # 4: no answer
        + "Câu hỏi bốn?,Trả lời.,ftp://a,,\n"  # 5: source not a web address
        + "Câu hỏi năm?,Trả lời.,https://a.gov.vn,,vũ trụ\n"  # 6: unknown theme
        + "Câu hỏi mới một?,Khác.,https://a.gov.vn,,\n"  # 7: same question as line 2
    )
    with pytest.raises(ImportRefused) as refused:
        do_import(Actor.system(), table.encode(), org_id=kb["org_id"])
    assert [e.line for e in refused.value.errors] == [3, 4, 5, 6, 7]
    assert "2" in refused.value.errors[-1].reason  # "the same question as line 2"
    assert count() == before


@pytest.mark.parametrize(
    ("content", "key"),
    [
        (b"question,answer\nA?,B\n", "import.header_missing"),
        (
            b"question,answer,source_url,colour\nA?,B,https://a.vn,red\n",
            "faqkb.import.header_unknown",
        ),
        (b"question,answer,source_url\n", "faqkb.import.no_rows"),
        (b"\xff\xfe\x00bad", "import.not_utf8"),
    ],
)
def test_unreadable_tables_are_refused_in_one_line(
    kb: dict[str, Any], content: bytes, key: str
) -> None:
    with pytest.raises(InvalidInput) as exc:
        do_import(Actor.system(), content, org_id=kb["org_id"])
    assert exc.value.key == key


VI_GOOD = (
    "Techfest là gì?,Ngày hội khởi nghiệp.,https://techfest.vn,techfest|tết khởi nghiệp,KHCN\n"
)


@pytest.mark.parametrize(
    "header",
    [
        "Câu hỏi,Câu trả lời,Nguồn,Cách hỏi khác,Chủ đề",
        "cau hoi,TRẢ LỜI,nguon,Cach_hoi_khac,CHU DE",  # no diacritics, any case, «_»
        " Câu Hỏi , Trả lời , Nguồn (địa chỉ web) , Biến thể , Lĩnh vực ",
        "question,answer,source_url,variants,theme",  # English keeps working
    ],
)
def test_a_table_with_vietnamese_headers_imports_like_the_english_one(
    kb: dict[str, Any], header: str
) -> None:
    before = count()
    result = do_import(Actor.system(), (header + "\n" + VI_GOOD).encode(), org_id=kb["org_id"])
    assert result.created == 1 and count() == before + 1
    with session_scope() as s:
        row = s.get(FaqAnswer, result.answer_ids[0])
        assert row is not None
        assert (row.answer, row.source_url) == ("Ngày hội khởi nghiệp.", "https://techfest.vn")
        assert row.variants == ["techfest", "tết khởi nghiệp"] and row.theme == "khcn"


def test_a_semicolon_csv_from_a_vietnamese_excel_is_read(kb: dict[str, Any]) -> None:
    # Excel in a Vietnamese locale saves «;»; the reader took «;» only for a header with
    # «channels» (the posts' import), so this table was one unknown column.
    table = (
        "\ufeffCâu hỏi;Câu trả lời;Nguồn;Cách hỏi khác\r\n"
        'Techfest qwzx là gì?;"Ngày hội khởi nghiệp, đổi mới sáng tạo.";https://techfest.vn;'
        "techfest|tết khởi nghiệp\r\n"
    )
    before = count()
    result = do_import(Actor.system(), table.encode(), org_id=kb["org_id"])
    assert result.created == 1 and count() == before + 1
    with session_scope() as s:
        row = s.get(FaqAnswer, result.answer_ids[0])
        assert row is not None
        assert row.answer == "Ngày hội khởi nghiệp, đổi mới sáng tạo."
        assert row.variants == ["techfest", "tết khởi nghiệp"]


def test_an_xlsx_table_with_vietnamese_headers_names_its_unit(kb: dict[str, Any]) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Câu hỏi", "Câu trả lời", "Nguồn", "Đơn vị"])
    sheet.append(["Quỹ zqxb là gì?", "Quỹ hỗ trợ.", "https://a.gov.vn", "so-khcn"])
    buf = io.BytesIO()
    book.save(buf)
    result = do_import(Actor.system(), buf.getvalue(), name="hoi-dap.xlsx")
    with session_scope() as s:
        row = s.get(FaqAnswer, result.answer_ids[0])
        assert row is not None and row.org_id == kb["org_id"]


@pytest.mark.parametrize(
    ("name", "content", "vietnamese"),
    [
        ("kb.csv", "Câu hỏi,Cau tra loi\nA?,B\n", "Dòng tiêu đề thiếu cột: «Nguồn»"),
        ("kb.csv", "Câu hỏi\nA?\n", "Dòng tiêu đề thiếu cột: «Câu trả lời», «Nguồn»"),
        ("kb.csv", "Câu hỏi,Câu trả lời,Nguồn,Màu\nA?,B,https://a.vn,đỏ\n", "«Màu» (dùng: Câu hỏi"),
        ("kb.csv", "Câu hỏi,question,Câu trả lời,Nguồn\n", "cột lặp lại: «Câu hỏi»"),
        ("kb.csv", "Câu hỏi,Câu trả lời,Nguồn\n", "không có câu hỏi nào"),
        ("kb.csv", "", "Tệp trống"),
        ("kb.pdf", "Câu hỏi,Câu trả lời,Nguồn\nA?,B,https://a.vn\n", "không phải tệp CSV hay XLSX"),
        ("kb.xlsx", "Câu hỏi,Câu trả lời,Nguồn\nA?,B,https://a.vn\n", "không đọc được"),
    ],
)
def test_a_bad_file_gets_one_vietnamese_line_and_writes_nothing(
    kb: dict[str, Any], name: str, content: str, vietnamese: str
) -> None:
    before = count()
    with pytest.raises(InvalidInput) as exc:
        do_import(Actor.system(), content.encode(), name=name, org_id=kb["org_id"])
    message = exc.value.message("vi")
    assert vietnamese in message and "\n" not in message, message
    assert count() == before


def test_the_template_names_the_columns_in_vietnamese_and_imports_once_filled(
    kb: dict[str, Any],
) -> None:
    template = faq_import.template_csv("vi")
    assert template.decode("utf-8-sig").splitlines() == [
        "Câu hỏi,Câu trả lời,Nguồn,Cách hỏi khác,Chủ đề,Đơn vị"
    ]
    assert faq_import.template_csv("en").decode("utf-8-sig").startswith("question,answer,")
    filled = template + "Hỏi mẫu?,Đáp mẫu.,https://a.gov.vn,,,so-khcn\r\n".encode()
    assert do_import(Actor.system(), filled).created == 1


def test_an_xlsx_table_imports_like_a_csv(kb: dict[str, Any]) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["question", "answer", "source_url", "variants", "org"])
    sheet.append(["Techfest là gì?", "Ngày hội khởi nghiệp.", "https://techfest.vn", "", "so-khcn"])
    buf = io.BytesIO()
    book.save(buf)
    result = do_import(Actor.system(), buf.getvalue(), name="kb.xlsx")
    assert result.created == 1
    with session_scope() as s:
        row = s.get(FaqAnswer, result.answer_ids[0])
        assert row is not None and row.org_id == kb["org_id"]


def test_a_web_import_goes_to_review_and_only_into_the_users_unit(
    kb: dict[str, Any], office: Any
) -> None:
    officer = office.actor("officer")
    result = do_import(officer, (HEADER + GOOD.replace("Dữ liệu số.", "Dữ liệu.")).encode())
    assert result.status == "in_review"
    other = "question,answer,source_url,org\nA?,B,https://a.gov.vn,khac\n"
    with pytest.raises(ImportRefused):
        do_import(officer, other.encode())


def test_answers_are_reviewed_like_posts_with_four_eyes(kb: dict[str, Any], office: Any) -> None:
    editor, officer = office.actor("editor"), office.actor("officer")
    data = faq.AnswerInput("Quỹ zqxa hỗ trợ gì?", "Hỗ trợ khởi nghiệp.", "https://a.gov.vn")
    with session_scope() as s:
        row = faq.create(s, editor, data)
        answer_id = int(row.id or 0)
        faq.submit(s, editor, answer_id)
    with session_scope() as s, pytest.raises(PermissionDenied) as exc:
        faq.approve(s, editor, answer_id)  # wrote it: may not approve it
    assert exc.value.key == "faqkb.error.approve_own"
    with session_scope() as s, pytest.raises(PermissionDenied):
        faq.approve(s, officer, answer_id)  # officers do not review
    with session_scope() as s:
        other_editor = Actor(role="editor", org_id=kb["org_id"], user_id=office.users["admin"].id)
        faq.approve(s, other_editor, answer_id, comment="Đúng nguồn")
    with session_scope() as s:
        assert faq_search.ask(s, "quỹ zqxa hỗ trợ gì", org_id=kb["org_id"], now=NOW).answered
        # a changed content goes back to draft: the bots stop giving it
        faq.update(s, officer, answer_id, faq.AnswerInput(data.question, "Khác.", data.source_url))
        assert faq.get_answer(s, officer, answer_id).status == "draft"
    with session_scope() as s:
        assert not faq_search.ask(s, "quỹ zqxa hỗ trợ gì", org_id=kb["org_id"], now=NOW).answered
        with pytest.raises(InvalidTransition):
            faq.reject(s, editor, answer_id, "Sai")  # not in review


def test_another_units_answers_cannot_be_read_or_changed(kb: dict[str, Any], office: Any) -> None:
    with session_scope() as s:
        theirs = FaqAnswer(org_id=kb["other_id"], question="Q?", answer="A", source_url="https://a")
        s.add(theirs)
        s.flush()
        theirs_id = int(theirs.id or 0)
    editor = office.actor("editor")
    with session_scope() as s:
        assert all(r.org_id == kb["org_id"] for r in faq.list_answers(s, editor))
        for call in (faq.get_answer, faq.submit, faq.approve, faq.archive):
            with pytest.raises(NotFound):
                call(s, editor, theirs_id)


@pytest.mark.parametrize("answer", ["", "x" * 5000])
def test_bad_answers_are_refused(kb: dict[str, Any], office: Any, answer: str) -> None:
    with session_scope() as s, pytest.raises(InvalidInput):
        faq.create(s, office.actor("editor"), faq.AnswerInput("Q?", answer, "https://a.gov.vn"))


def test_a_published_post_seeds_a_draft_answer_linked_to_it(
    kb: dict[str, Any], office: Any
) -> None:
    with session_scope() as s:
        post = Post(
            org_id=kb["org_id"], status="published", text="Ngày hội ĐMST 1/10.", link="https://a.vn"
        )
        s.add(post)
        s.flush()
        row = faq.from_post(s, office.actor("officer"), int(post.id or 0), "Ngày hội ĐMST là gì?")
        assert (row.post_id, row.answer, row.source_url) == (post.id, post.text, "https://a.vn")
        assert row.status == "draft"


def test_an_unanswered_question_becomes_an_answer_in_review_in_one_step(
    kb: dict[str, Any], office: Any
) -> None:
    with session_scope() as s:
        asked = faq_search.ask(
            s, "Quỹ đổi mới công nghệ zqxb?", org_id=kb["org_id"], now=NOW, log=True
        )
    assert not asked.answered and asked.query_id is not None
    data = faq.AnswerInput("Quỹ đổi mới công nghệ quốc gia là gì?", "Quỹ hỗ trợ.", "https://a.vn")
    with session_scope() as s:
        row = faq.from_query(s, office.actor("editor"), asked.query_id, data)
        assert row.status == "in_review"
        assert "quỹ đổi mới công nghệ zqxb?" in row.variants
        assert s.get(FaqQuery, asked.query_id) is not None


def test_a_national_day_seeds_a_draft_answer(kb: dict[str, Any], office: Any) -> None:
    with session_scope() as s:
        row = faq.from_campaign(s, office.actor("editor"), "ngay-cds", "https://dx.gov.vn")
        assert row.status == "draft" and "10/10" in row.answer
        assert row.question.endswith("là ngày nào?")
