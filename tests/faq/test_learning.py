"""Learning from use: the figures, the questions to improve, and the report's section."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from publisher.db import session_scope
from publisher.services.insight import faq_stats
from publisher.services.insight.reports.faq_section import faq_lines
from publisher.services.publishing import faq_search
from tests.faq.conftest import NOW


def test_figures_top_questions_and_questions_to_improve(kb: dict[str, Any]) -> None:
    org = kb["org_id"]
    with session_scope() as s:
        for text in ("ngày chuyển đổi số", "Ngày chuyển đổi số", "giá vàng", "giá vàng"):
            reply = faq_search.ask(s, text, org_id=org, now=NOW, log=True)
            if reply.answered and reply.query_id is not None:
                faq_search.feedback(s, reply.query_id, helpful=text.islower(), now=NOW)
        faq_search.ask(s, "chuyện khác", org_id=kb["other_id"], now=NOW, log=True)
    editor = kb["office"].actor("editor")
    with session_scope() as s:
        learn = faq_stats.learning(
            s, editor, start=NOW - timedelta(days=1), end=NOW + timedelta(days=1)
        )
    f = learn.figures
    assert (f.asked, f.answered, f.unanswered, f.rated, f.helpful) == (4, 2, 2, 2, 1)
    assert f.satisfaction == 0.5 and f.answer_rate == 0.5
    assert [(q.text, q.count) for q in learn.top] == [
        ("giá vàng", 2),
        ("ngày chuyển đổi số", 2),
    ]
    # unanswered, and answered but rated 👎: what to improve; never the other unit's
    assert {q.text for q in learn.to_improve} == {"giá vàng", "ngày chuyển đổi số"}
    lines = faq_lines(f, "vi")
    assert "4 câu hỏi" in lines[0] and "50%" in lines[1]
    assert "Nobody" in faq_lines(faq_stats.FaqFigures(0, 0, 0, 0, 0, 0), "en")[0]


def test_the_semi_annual_report_has_the_assistants_section(kb: dict[str, Any]) -> None:
    from publisher.services.insight import reports
    from tests.factories import ADMIN
    from tests.stats.test_reports_tasks import _docx_text

    with session_scope() as s:
        faq_search.ask(s, "ngày chuyển đổi số", org_id=kb["org_id"], now=NOW, log=True)
        content, _ = reports.generate(s, ADMIN, "2026-H2", "docx")
    text = _docx_text(content)
    assert "Trợ lý hỏi đáp cho người dân, doanh nghiệp" in text
    assert "nhận 1 câu hỏi, trả lời được 1 câu (100%)" in text


def test_the_xlsx_report_has_the_assistants_sheet(kb: dict[str, Any]) -> None:
    import io

    from openpyxl import load_workbook

    from publisher.services.insight import reports
    from tests.factories import ADMIN

    with session_scope() as s:
        faq_search.ask(s, "giá vàng", org_id=kb["org_id"], now=NOW, log=True)
        content, _ = reports.generate(s, ADMIN, "2026-H2", "xlsx")
    sheet = load_workbook(io.BytesIO(content))["Trợ lý hỏi đáp"]
    rows = {r[0]: r[1] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Câu hỏi nhận được"] == 1 and rows["Chưa có câu trả lời"] == 1
