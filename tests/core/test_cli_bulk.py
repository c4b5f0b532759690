"""The bulk command-line contract: ``post import``, ``post create --repeat``,
``post reschedule`` and ``post edit``, through the real console script."""

from __future__ import annotations

import json

import pytest
from openpyxl import Workbook
from sqlmodel import func, select

from publisher.db import session_scope
from publisher.models import AuditEvent, Post
from tests.core.test_cli import _init, add_telegram_channel, run

HEADER = "time,channels,text,variant:tg,link,theme,audience\n"
GOOD = [
    '15/03/2027 08:00,tg,"Hội thảo chuyển đổi số, lần 1",,'
    'https://khcn.example.org/a,cds,"doanh nghiệp"\n',
    "2027-03-16T09:30:00+07:00,tg;hook,Tuần lễ đổi mới sáng tạo,Riêng Telegram,,,\n",
    "17/03/2027 10:00,hook,Ngày hội khởi nghiệp,,,,thanh niên;sinh viên\n",
]


@pytest.fixture
def office(sqlite_db):
    _init()
    assert add_telegram_channel().returncode == 0
    added = run(
        "channel",
        "add",
        "--kind",
        "webhook",
        "--name",
        "hook",
        "--url",
        "https://hooks.example.org/r57",
        "--secret",
        "s3cret-value-123",
    )
    assert added.returncode == 0, added.stderr


def _posts() -> int:
    with session_scope() as s:
        return s.exec(select(func.count()).select_from(Post)).one()


def test_a_good_csv_creates_every_post_for_review(office, tmp_path):
    table = tmp_path / "ke-hoach.csv"
    table.write_text(HEADER + "".join(GOOD), encoding="utf-8")
    result = run("post", "import", str(table), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["ok"] and len(data["created"]) == 3 and _posts() == 3
    assert [r["line"] for r in data["rows"]] == [2, 3, 4]
    assert data["rows"][2]["audience"] == ["thanh niên", "sinh viên"]
    shown = json.loads(run("post", "show", str(data["created"][1]), "--json").stdout)
    assert shown["status"] == "in_review"
    assert {v["channel"]: v["text"] for v in shown["variants"]} == {
        "hook": "Tuần lễ đổi mới sáng tạo",
        "tg": "Riêng Telegram",
    }
    assert shown["due_at"] == "2027-03-16T02:30:00+00:00"
    with session_scope() as s:
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "post.import")).one()


def test_one_bad_line_creates_nothing_and_every_bad_line_is_listed(office, tmp_path):
    table = tmp_path / "ke-hoach.csv"
    bad = [
        GOOD[0],
        "31/02/2027 08:00,tg,Ngày không có,,,,\n",
        GOOD[1],
        "18/03/2027 08:00,kenh-khong-co,Kênh lạ,,,,\n",
    ]
    table.write_text(HEADER + "".join(bad), encoding="utf-8")
    result = run("post", "import", str(table), "--json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False and data["created"] == []
    assert [e["line"] for e in data["errors"]] == [3, 5]
    assert "31/02/2027" in data["errors"][0]["reason"]
    assert "kenh-khong-co" in data["errors"][1]["reason"]
    assert "Không nhập bài nào" in result.stderr
    assert _posts() == 0
    human = run("post", "import", str(table))
    assert human.returncode == 1 and "Dòng 3:" in human.stderr and "Dòng 5:" in human.stderr
    assert "Traceback" not in human.stderr


def test_dry_run_checks_and_creates_nothing(office, tmp_path):
    table = tmp_path / "ke-hoach.csv"
    table.write_text(HEADER + "".join(GOOD), encoding="utf-8")
    result = run("post", "import", str(table), "--dry-run", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["dry_run"] and data["created"] == [] and len(data["rows"]) == 3
    assert _posts() == 0


def test_an_xlsx_table_is_imported_and_its_dates_are_local_time(office, tmp_path):
    from datetime import datetime

    book = Workbook()
    sheet = book.active
    sheet.append(["time", "channels", "text", "campaign"])
    sheet.append([datetime(2027, 3, 15, 8, 0), "tg", "Từ Excel", "ngay-cds"])
    sheet.append(["16/03/2027 08:00", "tg;hook", "Dòng hai", ""])
    path = tmp_path / "ke-hoach.xlsx"
    book.save(path)
    result = run("post", "import", str(path), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["rows"][0]["due_at"] == "2027-03-15T01:00:00+00:00"
    assert _posts() == 2


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("channels,text\n", "time"),
        ("time,channels,text,colour\n15/03/2027 08:00,tg,x,red\n", "colour"),
        ("time,channels,text\n", "chỉ có dòng tiêu đề"),
    ],
)
def test_a_bad_header_is_one_line(office, tmp_path, content, needle):
    table = tmp_path / "x.csv"
    table.write_text(content, encoding="utf-8")
    result = run("post", "import", str(table))
    assert result.returncode == 1 and needle in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and _posts() == 0


def test_a_semicolon_table_with_vietnamese_headers_keeps_the_json_contract(office, tmp_path):
    # As a Vietnamese Excel saves it: BOM, «;», Vietnamese column names.
    table = tmp_path / "ke-hoach.csv"
    table.write_text(
        "\ufeffNgày giờ;Kênh;Nội dung;Nội dung riêng:tg;Liên kết\r\n"
        '15/03/2027 08:00;"tg;hook";"Hội thảo, lần 1";Riêng Telegram;https://a.gov.vn\r\n',
        encoding="utf-8",
    )
    result = run("post", "import", str(table), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["ok"] and len(data["created"]) == 1
    assert data["rows"][0]["channels"] == ["tg", "hook"]
    assert data["rows"][0]["text"] == "Hội thảo, lần 1"
    missing = tmp_path / "thieu.csv"
    missing.write_text("Kênh;Nội dung\ntg;x\n", encoding="utf-8")
    refused = run("post", "import", str(missing))
    assert refused.returncode == 1 and "«Thời gian» (time)" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1 and _posts() == 1


def test_a_media_path_is_relative_to_the_table(office, tmp_path):
    from PIL import Image

    Image.new("RGB", (800, 600), (20, 90, 160)).save(tmp_path / "anh.png")
    table = tmp_path / "ke-hoach.csv"
    table.write_text("time,channels,text,media\n15/03/2027 08:00,tg,Ảnh,anh.png\n")
    result = run("post", "import", str(table), "--json")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["rows"][0]["media"]) == 1


def test_create_repeat_monthly_until(office):
    result = run(
        "post", "create", "--text", "Bản tin tháng", "--channel", "tg",
        "--at", "05/03/2027 08:00", "--repeat", "monthly", "--until", "05/12/2027",
        "--approve", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    with session_scope() as s:
        post = s.exec(select(Post)).one()
        assert post.recurrence == "monthly" and str(post.recurrence_until) == "2027-12-05"
    refused = run(
        "post", "create", "--text", "x", "--channel", "tg", "--at", "05/03/2027 08:00",
        "--repeat", "daily",
    )  # fmt: skip
    assert refused.returncode == 1 and "daily" in refused.stderr
    before = run(
        "post", "create", "--text", "x", "--channel", "tg", "--at", "05/03/2027 08:00",
        "--repeat", "weekly", "--until", "01/03/2027",
    )  # fmt: skip
    assert before.returncode == 1 and "01/03/2027" in before.stderr


def test_reschedule_and_edit(office):
    created = run(
        "post", "create", "--text", "Bài gốc", "--channel", "tg", "--at", "05/03/2027 08:00",
        "--approve", "--json",
    )  # fmt: skip
    pid = str(json.loads(created.stdout)["id"])
    moved = run("post", "reschedule", pid, "--at", "06/03/2027 09:15", "--json")
    assert moved.returncode == 0, moved.stderr
    data = json.loads(moved.stdout)
    assert data["status"] == "scheduled" and data["due_at"] == "2027-03-06T02:15:00+00:00"
    assert data["deliveries"][0]["due_at"] == "2027-03-06T02:15:00+00:00"
    past = run("post", "reschedule", pid, "--at", "01/01/2020 08:00")
    assert past.returncode == 1 and "Traceback" not in past.stderr
    edited = run("post", "edit", pid, "--text", "Bài đã sửa", "--json")
    assert edited.returncode == 0, edited.stderr
    data = json.loads(edited.stdout)
    assert data["status"] == "in_review" and data["text"] == "Bài đã sửa"
    assert [d["status"] for d in data["deliveries"]] == ["cancelled"]
    nothing = run("post", "edit", pid)
    assert nothing.returncode == 1 and "--text" in nothing.stderr
    missing = run("post", "edit", "9999", "--text", "x")
    assert missing.returncode == 1 and "9999" in missing.stderr


def test_help_lists_the_bulk_commands():
    result = run("post", "--help")
    for name in ("import", "reschedule", "edit"):
        assert name in result.stdout
