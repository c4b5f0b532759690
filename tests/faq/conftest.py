"""A unit with a small approved knowledge base (and its province above it)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from publisher.db import session_scope
from publisher.models import FaqAnswer
from publisher.services.accounts import orgs
from publisher.services.publishing import faq_search
from tests.factories import ADMIN, make_office

NOW = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)

#: (question, variants, answer, source)
ANSWERS: list[tuple[str, list[str], str, str]] = [
    (
        "Làm sao để đăng ký tài khoản định danh điện tử mức 2?",
        ["đăng ký vneid mức 2 ở đâu"],
        "Đến công an xã, phường với thẻ căn cước gắn chip.",
        "https://bocongan.gov.vn",
    ),
    (
        "Ngày Chuyển đổi số quốc gia là ngày nào?",
        ["ngày 10/10 là ngày gì"],
        "Ngày 10/10 hằng năm.",
        "https://dx.gov.vn",
    ),
    (
        "Ngày Khoa học và Công nghệ Việt Nam là ngày nào?",
        ["ngày 18/5 là ngày gì"],
        "Ngày 18/5 hằng năm.",
        "https://mst.gov.vn",
    ),
    (
        "Hồ sơ đăng ký nhãn hiệu gồm những gì?",
        ["đăng ký thương hiệu cần giấy tờ gì"],
        "Tờ khai, mẫu nhãn hiệu, danh mục hàng hóa.",
        "https://ipvietnam.gov.vn",
    ),
    (
        "Đổi mới sáng tạo là gì?",
        [],
        "Tạo ra và áp dụng giải pháp mới.",
        "https://mst.gov.vn",
    ),
    (
        "Cổng Dịch vụ công quốc gia là gì?",
        ["dịch vụ công trực tuyến là gì"],
        "Nơi nộp hồ sơ trực tuyến.",
        "https://dichvucong.gov.vn",
    ),
]


def add_answer(org_id: int, question: str, **kw: Any) -> int:
    with session_scope() as s:
        row = FaqAnswer(
            org_id=org_id,
            status=kw.pop("status", "approved"),
            question=question,
            answer=kw.pop("answer", "Câu trả lời."),
            source_url=kw.pop("source_url", "https://example.gov.vn"),
            variants=kw.pop("variants", []),
            **kw,
        )
        s.add(row)
        s.flush()
        faq_search.invalidate()
        return int(row.id or 0)


@pytest.fixture
def kb(db: Any, clock: Any) -> dict[str, Any]:
    office = make_office()
    with session_scope() as s:
        other = orgs.create_org(s, ADMIN, "Đơn vị khác", slug="khac")
        other_id = int(other.id or 0)
    ids = {
        q: add_answer(int(office.org.id or 0), q, variants=v, answer=a, source_url=src)
        for q, v, a, src in ANSWERS
    }
    return {"office": office, "org_id": int(office.org.id or 0), "other_id": other_id, "ids": ids}
