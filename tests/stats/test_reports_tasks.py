"""Reports (read back with python-docx / openpyxl), the reminder, the task register import."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from docx import Document
from openpyxl import Workbook, load_workbook
from sqlmodel import select
from typer.testing import CliRunner

from publisher.cli import app
from publisher.db import session_scope
from publisher.errors import InvalidInput, NotFound
from publisher.models import Alert, STTask
from publisher.services.insight import reports, tasks
from publisher.services.insight.reports.reminder import due_report, report_reminder
from publisher.timeutil import FrozenClock, parse_local
from tests.factories import ADMIN, make_office, telegram_channel, webhook_channel
from tests.stats.conftest import published, snapshot


@pytest.fixture
def office(db, clock):
    clock.set(datetime(2026, 12, 5, 3, tzinfo=UTC))
    o = make_office(channels={"tg": telegram_channel(), "hook": webhook_channel()})
    with session_scope() as s:
        s.add(STTask(org_id=o.org.id, code="KC-01", title="Ứng dụng AI trong nông nghiệp"))
        s.add(STTask(org_id=o.org.id, code="KC-02", title="Vật liệu mới"))
        s.add(STTask(org_id=o.org.id, code="MAT-9", title="Nhiệm vụ mật", classified=True))
    d1 = published(
        o,
        "tg",
        parse_local("10/10/2026 08:00"),
        campaign="ngay-cds",
        title="Chào mừng Ngày Chuyển đổi số quốc gia",
        task="KC-01",
    )
    d2 = published(
        o,
        "hook",
        parse_local("01/10/2026 08:00"),
        campaign="ngay-dmst",
        title="Ngày hội Đổi mới sáng tạo",
    )
    snapshot(d1.id, datetime(2026, 10, 12, tzinfo=UTC), reactions=1234)
    snapshot(d2.id, datetime(2026, 10, 12, tzinfo=UTC), reactions=56, views=789, clicks=10)
    return o


def _docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


def test_docx_report_has_the_administrative_shape_and_the_figures(office):
    with session_scope() as s:
        content, name = reports.generate(s, ADMIN, "2026-H2", "docx")
    assert name == "bao-cao-truyen-thong-2026-H2-tinh.docx"
    text = _docx_text(content)
    for heading in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BÁO CÁO",
        "6 tháng cuối năm 2026",
        "Kính gửi: Sở Khoa học và Công nghệ",
        "I. KẾT QUẢ THỰC HIỆN",
        "II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU",
        "III. KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT, KIẾN NGHỊ",
        "Đồng Nai, ngày 5 tháng 12 năm 2026",
        "01/07/2026 đến ngày 31/12/2026",
    ):
        assert heading in text, heading
    assert "1.234" in text  # Vietnamese thousands separator
    assert "1/2 nhiệm vụ KH&CN" in text  # coverage: classified task excluded
    assert "Chào mừng Ngày Chuyển đổi số quốc gia" in text  # top post
    assert "Ngày Chuyển đổi số quốc gia (10/10/2026): 1/1 đơn vị" in text
    assert "không có số liệu" in text  # Telegram views are not zero
    doc = Document(io.BytesIO(content))
    assert len(doc.inline_shapes) == 2  # the two charts
    kpi_table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Chỉ tiêu")
    rows = [[c.text for c in r.cells] for r in kpi_table.rows[1:]]
    assert rows[0][0].startswith("Tỷ lệ nhiệm vụ KH&CN") and rows[0][1:] == [
        "100%",
        "50%",
        "Chưa đạt",
    ]


def test_xlsx_has_one_sheet_per_table_with_raw_numbers(office):
    with session_scope() as s:
        content, _ = reports.generate(s, ADMIN, "2026-H2", "xlsx")
    wb = load_workbook(io.BytesIO(content))
    assert {
        "Tổng hợp",
        "Theo nền tảng",
        "Theo kênh",
        "Theo chiến dịch",
        "Theo tháng",
        "Chỉ tiêu",
        "Nhiệm vụ KH&CN",
        "Ngày sự kiện",
    } <= set(wb.sheetnames)
    kind = {r[0]: r for r in wb["Theo nền tảng"].iter_rows(min_row=2, values_only=True)}
    assert kind["Telegram"][3] == 1234 and kind["Telegram"][6] is None  # views: empty
    assert kind["Webhook ký số"][6] == 789
    months = [r[0] for r in wb["Theo tháng"].iter_rows(min_row=2, values_only=True)]
    assert months and all(re.fullmatch(r"\d{2}/\d{4}", m) for m in months), months  # not ISO
    tasks_rows = list(wb["Nhiệm vụ KH&CN"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[4]) for r in tasks_rows] == [("KC-01", "Có"), ("KC-02", "Chưa")]


def test_report_errors(office):
    with session_scope() as s:
        with pytest.raises(InvalidInput):
            reports.generate(s, ADMIN, "2026-H3", "docx")
        with pytest.raises(InvalidInput):
            reports.generate(s, ADMIN, "2026-H2", "pdf")
        with pytest.raises(InvalidInput):
            reports.generate(s, ADMIN, "2027-H1", "docx")  # not begun yet
        with pytest.raises(NotFound):
            reports.generate(s, ADMIN, "2026-H2", "docx", org="khong-co")


def test_an_empty_period_still_gives_a_report_that_says_so(office):
    with session_scope() as s:
        content, _ = reports.generate(s, ADMIN, "2026-H1", "docx")
    assert "Chưa có bài viết trong kỳ." in _docx_text(content)


def test_cli_report_and_stats_show(office, tmp_path):
    runner = CliRunner()
    out = tmp_path / "bc.xlsx"
    r = runner.invoke(app, ["report", "--period", "2026-H2", "--format", "xlsx", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert load_workbook(out).sheetnames[0] == "Tổng hợp"
    r = runner.invoke(
        app,
        ["report", "--period", "2026-H9", "--format", "docx", "--out", str(tmp_path / "x.docx")],
    )
    assert r.exit_code == 1 and "Kỳ báo cáo «2026-H9» không hợp lệ" in r.output
    r = runner.invoke(app, ["stats", "show", "--json"])
    assert r.exit_code == 0, r.output
    import json

    data = json.loads(r.output)
    tg = next(d for d in data["deliveries"] if d["kind"] == "telegram")
    assert tg["reactions"] == 1234 and tg["views"] is None
    # ISO 8601 with the "T" and the offset, as every JSON output writes times.
    assert datetime.fromisoformat(tg["sent_at"]).tzinfo is not None and "T" in tg["sent_at"]
    assert data["totals"]["reactions"] == 1290
    r = runner.invoke(app, ["stats", "show"])
    assert "không có số liệu" in r.output and "Telegram không cung cấp" in r.output
    r = runner.invoke(app, ["kpi", "show"])  # the unit in Vietnamese, never "posts"
    assert r.exit_code == 0, r.output
    assert " bài — " in r.output and "posts" not in r.output


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("04/06/2026", None),
        ("05/06/2026", (6, 1)),
        ("15/06/2026", (6, 1)),
        ("16/06/2026", None),
        ("05/12/2026", (12, 2)),
        ("15/12/2026", (12, 2)),
    ],
)
def test_reminder_window_opens_ten_days_before_15_6_and_15_12(when, expected):
    found = due_report(datetime.strptime(when, "%d/%m/%Y").date())
    assert (None if found is None else (found[0].month, found[1])) == expected


def test_reminder_raises_one_alert(db):
    clock = FrozenClock(parse_local("06/12/2026 08:00"))
    first = report_reminder(clock=clock)
    clock.advance(days=1)
    second = report_reminder(clock=clock)
    assert first is not None and second is not None and first.id == second.id
    assert report_reminder(clock=FrozenClock(parse_local("20/12/2026 08:00"))) is None
    with session_scope() as s:
        (alert,) = s.exec(select(Alert)).all()
        assert alert.params["period"] == "2026-H2" and alert.params["deadline"] == "15/12/2026"


# -- task register ---------------------------------------------------------------------------
def _csv(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "tasks.csv"
    if encoding == "legacy":  # as saved by an old Excel in a Windows-1252 locale
        path.write_bytes(text.encode("cp1252", errors="replace"))
    else:
        path.write_bytes(text.encode(encoding))
    return path


def test_import_csv_with_vietnamese_headers_then_update(db, tmp_path):
    office = make_office("so-khcn")
    path = _csv(
        tmp_path,
        "Mã nhiệm vụ;Tên nhiệm vụ;Đơn vị chủ trì;Năm;Mật\n"
        "ĐN-01;Ứng dụng AI;Trường ĐH Đồng Nai;2026;\n"
        "ĐN-02;Nhiệm vụ an ninh;Công an tỉnh;2025;x\n",
    )
    with session_scope() as s:
        result = tasks.import_tasks(s, office.actor("manager"), path)
    assert result.as_dict() == {"added": 2, "updated": 0, "classified": 1}
    path = _csv(tmp_path, "code,title,year\nĐN-01,Ứng dụng AI (sửa),2026\n")
    with session_scope() as s:
        assert tasks.import_tasks(s, ADMIN, path).updated == 1
        task = s.exec(select(STTask).where(STTask.code == "ĐN-01")).one()
        assert task.title == "Ứng dụng AI (sửa)" and task.org_id == office.org.id


def test_a_semicolon_csv_with_quotes_in_a_title_is_read_by_its_header(db, tmp_path):
    # csv.Sniffer over the whole sample took «Nghiên cứu, "Số hoá", thử» for a
    # comma-separated line: the header became one column and the import was refused.
    office = make_office("so-khcn")
    path = _csv(
        tmp_path,
        "\ufeffMã nhiệm vụ;Tên nhiệm vụ;Kết quả\r\n"
        'ĐN-07;Đề án, "Số hoá", thử nghiệm;Báo cáo, phần mềm\r\n',
    )
    with session_scope() as s:
        assert tasks.import_tasks(s, office.actor("manager"), path).added == 1
        task = s.exec(select(STTask).where(STTask.code == "ĐN-07")).one()
        assert task.title == 'Đề án, "Số hoá", thử nghiệm'


def test_import_xlsx(db, tmp_path):
    make_office("so-khcn")
    wb = Workbook()
    ws = wb.active
    ws.append(["STT", "Mã nhiệm vụ", "Tên nhiệm vụ", "Đơn vị", "Năm", "Mật"])
    ws.append([1, "X-1", "Giống lúa mới", "so-khcn", 2026, "không"])
    ws.append([2, "X-2", "Mật mã", "Đơn vị so-khcn", 2026, "có"])
    path = tmp_path / "tasks.xlsx"
    wb.save(path)
    with session_scope() as s:
        assert tasks.import_tasks(s, ADMIN, path).as_dict() == {
            "added": 2,
            "updated": 0,
            "classified": 1,
        }


@pytest.mark.parametrize(
    ("content", "encoding", "message"),
    [
        ("Tên;Năm\nA;2026\n", "utf-8", "Thiếu cột bắt buộc: code"),
        ("Mã nhiệm vụ;Tên nhiệm vụ\nĐN-01;Ứng dụng\n", "legacy", "không đúng mã UTF-8"),
        ("Mã nhiệm vụ;Tên nhiệm vụ;Năm\nA;B;hai nghìn\n", "utf-8", "Dòng 2: năm «hai nghìn»"),
        ("Mã nhiệm vụ;Tên nhiệm vụ\nA;B\nA;C\n", "utf-8", "Dòng 3: mã nhiệm vụ «A» bị lặp"),
        ("Mã nhiệm vụ;Tên nhiệm vụ;Mật\nA;B;có lẽ\n", "utf-8", "Dòng 2: cột «Mật»"),
        ("", "utf-8", "không có dữ liệu"),
    ],
)
def test_bad_register_files_give_one_clear_error_and_import_nothing(
    db, tmp_path, content, encoding, message
):
    make_office("so-khcn")
    path = _csv(tmp_path, content, encoding)
    with pytest.raises(InvalidInput) as info, session_scope() as s:
        tasks.import_tasks(s, ADMIN, path)
    assert message in info.value.message("vi")
    with session_scope() as s:
        assert s.exec(select(STTask)).all() == []


def test_a_bad_row_after_good_ones_leaves_nothing_half_imported(db, tmp_path):
    make_office("so-khcn")
    path = _csv(tmp_path, "Mã nhiệm vụ;Tên nhiệm vụ;Đơn vị\nA;B;so-khcn\nC;D;khong-co\n")
    runner = CliRunner()
    r = runner.invoke(app, ["task", "import", str(path)])
    assert r.exit_code == 1 and "Dòng 3: không tìm thấy đơn vị «khong-co»" in r.output
    with session_scope() as s:
        assert s.exec(select(STTask)).all() == []


def test_the_cli_reads_a_semicolon_register_with_quotes_in_a_title(db, tmp_path):
    make_office("so-khcn")
    path = _csv(
        tmp_path,
        "\ufeffMã nhiệm vụ;Tên nhiệm vụ;Đơn vị\r\n"
        "ĐN-08;Sản phẩm: 'App', 'Web', báo cáo;so-khcn\r\n",
    )
    r = CliRunner().invoke(app, ["task", "import", str(path)])
    assert r.exit_code == 0, r.output
    with session_scope() as s:
        task = s.exec(select(STTask).where(STTask.code == "ĐN-08")).one()
        assert task.title == "Sản phẩm: 'App', 'Web', báo cáo"


def test_reports_use_the_injected_clock(office, clock):
    clock.set(datetime(2026, 5, 19, tzinfo=UTC))  # H2 has not begun at this time
    with session_scope() as s, pytest.raises(InvalidInput):
        reports.generate(s, ADMIN, "2026-H2", "docx")


def test_the_scheduler_raises_the_report_reminder_as_its_own_periodic_job(db, clock):
    from publisher.engine.scheduler import EngineScheduler
    from publisher.services.insight import engagement

    clock.set(parse_local("07/06/2026 09:00"))
    engagement.collect_all(clock=clock)  # collecting statistics raises no reminder
    with session_scope() as s:
        assert s.exec(select(Alert)).all() == []
    scheduler = EngineScheduler("leader", lambda: None, lease_seconds=30, timeout=5)
    scheduler.start()
    try:
        jobs = {job.id: job for job in scheduler._scheduler.get_jobs()}  # type: ignore[union-attr]
        assert jobs["report-reminder"].trigger.interval.total_seconds() == 3600
        jobs["report-reminder"].func()  # what APScheduler runs every hour
    finally:
        scheduler.stop()
    with session_scope() as s:
        (alert,) = s.exec(select(Alert)).all()
        assert alert.kind == "report_due" and alert.params["period"] == "2026-H1"
