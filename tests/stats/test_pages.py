"""The Statistics and Reports pages with AppTest (the real app, logged in through the form)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.factories import make_office, telegram_channel, webhook_channel
from tests.stats.conftest import published, snapshot

APP = str(Path(__file__).resolve().parents[2] / "ui" / "app.py")
PASSWORD = "correct horse battery"


@pytest.fixture
def office(sqlite_db, clock):
    clock.set(datetime(2026, 12, 6, 3, tzinfo=UTC))  # H2 2026, inside the reminder window
    o = make_office("so-khcn", channels={"Telegram": telegram_channel(), "Zalo": webhook_channel()})
    from publisher.timeutil import parse_local

    d1 = published(
        o,
        "Telegram",
        parse_local("10/10/2026 08:00"),
        campaign="ngay-cds",
        title="Chào mừng Ngày Chuyển đổi số quốc gia",
    )
    d2 = published(
        o,
        "Zalo",
        parse_local("15/11/2026 08:00"),
        media_kind="image",
        title="Hội thảo đổi mới sáng tạo",
    )
    snapshot(d1.id, datetime(2026, 12, 1, tzinfo=UTC), reactions=321)
    snapshot(d2.id, datetime(2026, 12, 1, tzinfo=UTC), reactions=45, views=1500, clicks=12)
    return o


def _app(office, role: str, page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input(key="login_username").input(office.users[role].username)
    at.text_input(key="login_password").input(PASSWORD)
    at.button[0].click().run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _texts(at: AppTest) -> str:
    parts = [
        str(e.value)
        for group in (at.markdown, at.caption, at.error, at.warning, at.info, at.success, at.title)
        for e in group
    ]
    parts += [f"{m.label}={m.value}" for m in at.metric]
    return "\n".join(parts)


def test_statistics_page_shows_figures_na_views_and_kpis(office):
    at = _app(office, "manager", "views/statistics.py")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Bài viết"] == "2" and metrics["Cảm xúc"] == "366"
    assert metrics["Lượt xem"] == "1.500" and metrics["Lượt nhấp"] == "12"
    text = _texts(at)
    assert "Telegram không cung cấp lượt xem" in text
    assert "Tỷ lệ đơn vị đăng bài vào các ngày sự kiện quốc gia" in text
    assert "Chưa đạt" in text or "Đạt" in text
    # Only Telegram: views are "not available", never zero.
    at.selectbox(key="st_kind").select("telegram").run()
    assert {m.label: m.value for m in at.metric}["Lượt xem"] == "—"


def test_statistics_filters_by_content_type_and_period(office):
    at = _app(office, "manager", "views/statistics.py")
    at.selectbox(key="st_content").select("image").run()
    assert {m.label: m.value for m in at.metric}["Bài viết"] == "1"
    at.selectbox(key="st_period").select("2026-H1").run()
    assert {m.label: m.value for m in at.metric}["Bài viết"] == "0"
    assert not at.exception


def test_an_officer_cannot_open_statistics(office):
    at = AppTest.from_file(str(Path(APP).parent / "views" / "statistics.py"), default_timeout=60)
    at.session_state["actor"] = office.actor("officer")
    at.run()
    assert at.error and not at.metric


def test_reports_page_generates_a_docx_to_download(office):
    at = _app(office, "manager", "views/reports.py")
    assert "Sắp đến hạn báo cáo 6 tháng cuối năm 2026" in _texts(at)  # 06/12: reminder window
    at.selectbox(key="rp_period").select("2026-H2").run()
    at.button(key="FormSubmitter:report_form-Tạo báo cáo").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Đã tạo xong bao-cao-truyen-thong-2026-H2-so-khcn.docx" in _texts(at)
    content, _name, kind = at.session_state["rp_result"]
    assert kind == "docx" and content[:2] == b"PK"


def test_the_years_table_writes_engagement_as_people_read_it(office):
    at = _app(office, "manager", "views/statistics.py")
    tables = [d.value for d in at.dataframe if "Năm" in d.value.columns]
    assert tables, "the year-over-year table is on the page"
    engagement = list(tables[0]["Tương tác"])
    assert engagement and all(isinstance(v, str) for v in engagement)


def test_every_statistics_chart_counts_with_vietnamese_thousands(office):
    """Each chart's count axis writes «1.000» like the tables (the years chart read «1,000»)."""
    import json

    at = _app(office, "manager", "views/statistics.py")
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert len(specs) >= 3, len(specs)  # trend, breakdown, years

    def quantitative_axes(node):
        if isinstance(node, dict):
            for axis_name in ("x", "y"):
                enc = node.get("encoding", {}).get(axis_name)
                if enc and enc.get("type") == "quantitative":
                    yield enc.get("axis") or {}
            for value in node.values():
                yield from quantitative_axes(value)
        elif isinstance(node, list):
            for value in node:
                yield from quantitative_axes(value)

    for spec in specs:
        axes = list(quantitative_axes(spec))
        assert axes and all("'.'" in a.get("labelExpr", "") for a in axes), axes
