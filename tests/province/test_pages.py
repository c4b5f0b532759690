"""The Statistics and Reports pages for the coordinator and for a unit (AppTest, the real
app logged in through the form)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from publisher.db import session_scope
from publisher.models import Organisation
from publisher.services.accounts import orgs
from publisher.services.insight import collection
from publisher.timeutil import parse_local
from tests.factories import ADMIN, make_office, webhook_channel
from tests.stats.conftest import published, snapshot

APP = str(Path(__file__).resolve().parents[2] / "ui" / "app.py")
PASSWORD = "correct horse battery"


@pytest.fixture
def units(sqlite_db, clock):
    clock.set(datetime(2026, 12, 6, 3, tzinfo=UTC))
    khcn = make_office("so-khcn", channels={"Zalo KHCN": webhook_channel()})
    ward = make_office(
        "phuong", channels={"Zalo phường": webhook_channel("https://h.example.org/p")}
    )
    with session_scope() as s:
        province = orgs.create_org(s, ADMIN, "UBND tỉnh", slug="tinh", kind="province")
        for slug in ("so-khcn", "phuong"):
            org = s.exec(select(Organisation).where(Organisation.slug == slug)).one()
            org.parent_id = province.id
            s.add(org)
    d1 = published(khcn, "Zalo KHCN", parse_local("10/10/2026 08:00"), title="Ngày CĐS")
    d2 = published(ward, "Zalo phường", parse_local("15/11/2026 08:00"), title="Hội thảo")
    snapshot(d1.id, datetime(2026, 12, 1, tzinfo=UTC), reactions=30)
    snapshot(d2.id, datetime(2026, 12, 1, tzinfo=UTC), reactions=12)
    return khcn, ward


def _app(user, page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.text_input(key="login_username").input(user.username)
    at.text_input(key="login_password").input(PASSWORD)
    at.button[0].click().run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _metric(at: AppTest, label: str) -> str:
    return {m.label: m.value for m in at.metric}[label]


def test_the_coordinator_sees_the_whole_province_and_each_unit(units) -> None:
    khcn, ward = units
    at = _app(khcn.users["coordinator"], "views/statistics.py")
    org_box = at.selectbox(key="st_org")
    assert org_box.value is None and "Toàn tỉnh (mọi đơn vị)" in org_box.options
    assert _metric(at, "Bài viết") == "2" and _metric(at, "Cảm xúc") == "42"
    org_box.select(ward.org.id).run()
    assert _metric(at, "Bài viết") == "1" and _metric(at, "Cảm xúc") == "12"
    assert "None" not in [str(c) for df in at.dataframe for c in df.value.to_numpy().ravel()]


def test_a_unit_sees_only_its_own(units) -> None:
    _khcn, ward = units
    at = _app(ward.users["manager"], "views/statistics.py")
    assert at.selectbox(key="st_org").options == ["Đơn vị phuong"]
    assert _metric(at, "Bài viết") == "1"


def test_collect_now_button_reports_what_it_did(units) -> None:
    khcn, _ward = units
    at = _app(khcn.users["manager"], "views/statistics.py")
    at.button(key="st_collect").click().run()
    assert not at.exception, [e.value for e in at.exception]
    shown = "\n".join(str(e.value) for group in (at.success, at.warning) for e in group)
    assert "Đã thu thập" in shown, shown


def test_reports_page_collection_for_coordinator_and_unit(units) -> None:
    khcn, ward = units
    with session_scope() as s:
        request = collection.open_request(
            s,
            khcn.actor("coordinator"),
            date(2026, 7, 1),
            date(2026, 11, 30),
            date(2026, 12, 15),
        )
        request_id = request.id
    at = _app(ward.users["manager"], "views/reports.py")
    at.button(key=f"rc_submit_{request_id}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    at = _app(khcn.users["coordinator"], "views/reports.py")
    table = at.dataframe[0].value  # the one request's table
    assert list(table.iloc[:, 0]) == ["Đơn vị phuong", "Đơn vị so-khcn"]
    assert "đã gửi" in str(table.iloc[0, 1]) and "chưa gửi" in str(table.iloc[1, 1])
    at.button(key=f"rc_compile_{request_id}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    shown = [str(m.value) for m in [*at.success, *at.error]]
    assert any("bao-cao-tinh-2026-07-01-2026-11-30.docx" in m for m in shown), shown


def test_two_requests_over_the_same_dates_compile_side_by_side(units) -> None:
    """Two requests over the same dates (a second round after the first was closed) give files
    of the same name: compiling both on one page must not collide (duplicate widget key)."""
    khcn, ward = units
    ids = []
    for _ in range(2):
        with session_scope() as s:
            request = collection.open_request(
                s, khcn.actor("coordinator"), date(2026, 7, 1), date(2026, 11, 30),
                date(2026, 12, 15),
            )  # fmt: skip
            ids.append(request.id)
        with session_scope() as s:
            collection.submit(s, ward.actor("manager"), request.id, "phuong")
    at = _app(khcn.users["coordinator"], "views/reports.py")
    for request_id in ids:
        at.button(key=f"rc_compile_{request_id}").click().run()
        assert not at.exception, [e.value for e in at.exception]
    assert len(at.get("download_button")) == 4


def test_a_unit_without_tasks_sees_the_task_kpi_as_no_data(units) -> None:
    """The ward has no S&T task: its task card reads «—» and «không có số liệu», not a red
    «0%» «Chưa đạt»."""
    _khcn, ward = units
    at = _app(ward.users["manager"], "views/statistics.py")
    cards = [m.value for m in at.markdown]
    at_card = next(i for i, v in enumerate(cards) if v.startswith("**Tỷ lệ nhiệm vụ KH&CN"))
    assert cards[at_card + 1] == "### —"
    assert cards[at_card + 2].startswith(":gray-badge[không có số liệu]"), cards[at_card + 2]


def test_a_request_heading_names_its_dates_once(units) -> None:
    """A title that already names the dates (a periodic round) does not get them twice; one
    without them gets them from the heading."""
    from types import SimpleNamespace

    from ui.components.report_collection import heading

    def request(title: str) -> SimpleNamespace:
        return SimpleNamespace(
            id=3, title=title, start=date(2026, 1, 1), end=date(2026, 6, 30),
            deadline=date(2026, 7, 15),
        )  # fmt: skip

    dated = heading(request("Báo cáo 6 tháng (01/01/2026 - 30/06/2026)"), 1, 6)
    plain = heading(request("Báo cáo 6 tháng"), 1, 6)
    for head in (dated, plain):
        assert head.count("01/01/2026") == 1 and head.count("30/06/2026") == 1, head
        assert "15/07/2026" in head and "1/6" in head, head


def test_on_a_phone_each_unit_is_one_wrapping_line_instead_of_the_wide_table(units) -> None:
    """QA at 390 px: «Tình trạng» was cut off («chưa gửi (t…») and «Thời điểm gửi» needed a
    sideways scroll. Below 640 px the table is hidden and each unit is one line that wraps."""
    khcn, ward = units
    with session_scope() as s:
        request = collection.open_request(
            s, khcn.actor("coordinator"), date(2026, 7, 1), date(2026, 11, 30),
            date(2026, 12, 15),
        )  # fmt: skip
        request_id = request.id
    with session_scope() as s:
        collection.submit(s, ward.actor("manager"), request_id, "phuong")
    at = _app(khcn.users["coordinator"], "views/reports.py")
    lines = next(
        str(m.value)
        for m in at.markdown
        if "**Đơn vị phuong**" in str(m.value) and "**Đơn vị so-khcn**" in str(m.value)
    )
    assert "- **Đơn vị phuong**: đã gửi · 06/12/2026 10:00" in lines, lines
    assert "- **Đơn vị so-khcn**: chưa gửi" in lines, lines
    css = "\n".join(str(h.proto.body) for h in at.get("html"))
    assert "max-width: 640px" in css and "st-key-rc_wide_" in css, css
