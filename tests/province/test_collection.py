"""Report collection: a request over any dates with a deadline, submissions, lateness,
reminders through alerts, the provincial report compiled from the submitted units."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlmodel import col, func, select
from typer.testing import CliRunner

from publisher.cli import app
from publisher.db import session_scope
from publisher.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from publisher.models import Alert, ReportRequest, ReportSubmission
from publisher.services.insight import collection
from publisher.timeutil import FrozenClock
from tests.province.conftest import Province

JULY, SEPT, DEADLINE = date(2026, 7, 1), date(2026, 9, 30), date(2026, 10, 10)


def _open(province: Province, units: list[str] | None = None) -> int:
    with session_scope() as s:
        request = collection.open_request(
            s, province.actor("so-khcn", "coordinator"), JULY, SEPT, DEADLINE, units
        )
        return request.id or 0


def _status(province: Province, request_id: int) -> dict[str, collection.UnitStatus]:
    with session_scope() as s:
        rows = collection.status(s, province.actor("so-khcn", "coordinator"), request_id)
    return {r.slug: r for r in rows}


def test_a_request_goes_to_every_unit_of_the_province_and_alerts_them(
    province: Province,
) -> None:
    request_id = _open(province)
    assert set(_status(province, request_id)) == {"so-khcn", "so-ct", "phuong-a", "bao-dn"}
    with session_scope() as s:
        alerted = {a.org_id for a in s.exec(select(Alert).where(Alert.kind == "report_requested"))}
    assert alerted == {province.id(u) for u in ("so-khcn", "so-ct", "phuong-a", "bao-dn")}


def test_submitted_on_time_late_and_missing(province: Province, clock: FrozenClock) -> None:
    request_id = _open(province, ["phuong-a", "so-ct", "bao-dn"])
    with session_scope() as s:
        collection.submit(s, province.actor("phuong-a", "manager"), request_id, "phuong-a")
    clock.set(datetime(2026, 10, 12, 3, 0, tzinfo=UTC))  # two days after the deadline
    with session_scope() as s:
        collection.submit(s, province.actor("so-ct", "manager"), request_id, "so-ct")
    rows = _status(province, request_id)
    assert (rows["phuong-a"].submitted, rows["phuong-a"].late) == (True, False)
    assert (rows["so-ct"].submitted, rows["so-ct"].late) == (True, True)
    assert (rows["bao-dn"].submitted, rows["bao-dn"].late) == (False, True)
    with session_scope() as s:
        reminded = collection.remind(s, province.actor("so-khcn", "coordinator"), request_id)
        late = s.exec(select(Alert).where(Alert.kind == "report_late")).all()
    assert reminded == ["bao-dn"]
    assert [a.org_id for a in late] == [province.id("bao-dn")]
    assert late[0].params["deadline"] == "10/10/2026"


def test_a_unit_submits_only_its_own_and_only_once(province: Province) -> None:
    request_id = _open(province, ["phuong-a", "so-ct"])
    with pytest.raises(PermissionDenied), session_scope() as s:
        collection.submit(s, province.actor("phuong-a", "manager"), request_id, "so-ct")
    with session_scope() as s:
        collection.submit(s, province.actor("phuong-a", "manager"), request_id, "phuong-a")
    with pytest.raises(Conflict) as err, session_scope() as s:
        collection.submit(s, province.actor("phuong-a", "manager"), request_id, "phuong-a")
    assert err.value.key == "error.report_already_submitted"
    with pytest.raises(NotFound), session_scope() as s:
        collection.submit(s, province.actor("bao-dn", "manager"), request_id, "bao-dn")


def test_nothing_is_accepted_after_the_request_is_closed(province: Province) -> None:
    request_id = _open(province, ["phuong-a"])
    with session_scope() as s:
        collection.close(s, province.actor("so-khcn", "coordinator"), request_id)
    with pytest.raises(Conflict) as err, session_scope() as s:
        collection.submit(s, province.actor("phuong-a", "manager"), request_id, "phuong-a")
    assert err.value.key == "error.report_request_closed"
    with session_scope() as s:
        sub = s.exec(select(ReportSubmission)).one()
        assert sub.submitted_at is None


@pytest.mark.parametrize(
    ("start", "end", "deadline", "key"),
    [
        (SEPT, JULY, DEADLINE, "error.period_reversed"),
        (JULY, SEPT, date(2026, 9, 1), "error.report_deadline_past"),
        (date(2026, 11, 1), date(2026, 11, 30), date(2026, 12, 15), "error.report_period_future"),
    ],
)
def test_bad_dates_open_nothing(
    province: Province, start: date, end: date, deadline: date, key: str
) -> None:
    with pytest.raises(InvalidInput) as err, session_scope() as s:
        collection.open_request(s, province.actor("so-khcn", "coordinator"), start, end, deadline)
    assert err.value.key == key
    with session_scope() as s:
        assert s.exec(select(func.count()).select_from(ReportRequest)).one() == 0
        assert s.exec(select(func.count()).select_from(Alert)).one() == 0


def test_the_provincial_report_is_compiled_from_the_submitted_units(
    province: Province,
) -> None:
    request_id = _open(province, ["phuong-a", "so-ct"])
    coordinator = province.actor("so-khcn", "coordinator")
    with pytest.raises(InvalidInput), session_scope() as s:
        collection.compile_report(s, coordinator, request_id, "docx")
    with session_scope() as s:
        collection.submit(s, province.actor("phuong-a", "manager"), request_id, "phuong-a")
    with session_scope() as s:
        docx_bytes, name = collection.compile_report(s, coordinator, request_id, "docx")
        xlsx_bytes, _ = collection.compile_report(s, coordinator, request_id, "xlsx")
    assert name == "bao-cao-tinh-2026-07-01-2026-09-30.docx"
    text = "\n".join(
        c.text for t in Document(io.BytesIO(docx_bytes)).tables for r in t.rows for c in r.cells
    )
    assert "Phường Trấn Biên" in text and "Sở Công Thương" in text
    sheets = load_workbook(io.BytesIO(xlsx_bytes)).sheetnames
    assert any("gửi" in n.lower() for n in sheets), sheets


def test_the_cli_contract(province: Province, tmp_path: Path) -> None:
    run = CliRunner().invoke
    opened = run(
        app,
        ["report", "request", "--from", "01/07/2026", "--to", "30/09/2026",
         "--deadline", "10/10/2026", "--org", "phuong-a", "--org", "so-ct", "--json"],
    )  # fmt: skip
    assert opened.exit_code == 0, opened.output
    request_id = json.loads(opened.stdout)["id"]
    sub = run(app, ["report", "submit", "--request", str(request_id), "--org", "phuong-a"])
    assert sub.exit_code == 0, sub.output
    again = run(app, ["report", "submit", "--request", str(request_id), "--org", "phuong-a"])
    assert again.exit_code == 1
    assert again.output.strip().startswith("Phường Trấn Biên đã gửi báo cáo này ngày")
    status = run(app, ["report", "status", "--request", str(request_id), "--json"])
    rows = {r["slug"]: r for r in json.loads(status.stdout)}
    assert rows["phuong-a"]["submitted"] and not rows["phuong-a"]["late"]
    assert rows["phuong-a"]["submitted_at"]
    assert not rows["so-ct"]["submitted"] and rows["so-ct"]["submitted_at"] is None
    out = tmp_path / "r.xlsx"
    ranged = run(
        app,
        ["report", "--from", "01/07/2026", "--to", "30/09/2026", "--org", "phuong-a",
         "--format", "xlsx", "--out", str(out)],
    )  # fmt: skip
    assert ranged.exit_code == 0, ranged.output
    assert out.stat().st_size > 0
    both = run(app, ["report", "--period", "2026-H2", "--from", "01/07/2026", "--out", str(out)])
    assert both.exit_code == 1 and len(both.output.strip().splitlines()) == 1
    with session_scope() as s:
        assert s.exec(select(func.count()).select_from(ReportRequest)).one() == 1
        assert (
            s.exec(
                select(func.count())
                .select_from(ReportSubmission)
                .where(col(ReportSubmission.submitted_at).is_not(None))
            ).one()
            == 1
        )


def test_the_daily_pass_reminds_once_a_day_near_and_after_the_deadline(
    province: Province, clock: FrozenClock
) -> None:
    request_id = _open(province, ["phuong-a", "so-ct"])
    with session_scope() as s:
        collection.submit(s, province.actor("so-ct", "manager"), request_id, "so-ct")
    with session_scope() as s:  # 01/10: nine days before the deadline
        assert collection.remind_due(s) == 0
    clock.set(datetime(2026, 10, 8, 2, 0, tzinfo=UTC))
    with session_scope() as s:
        assert collection.remind_due(s) == 1
    with session_scope() as s:  # the same day again: nothing new
        assert collection.remind_due(s) == 0
    clock.set(datetime(2026, 10, 11, 2, 0, tzinfo=UTC))
    with session_scope() as s:
        assert collection.remind_due(s) == 1
        kinds = [
            a.kind for a in s.exec(select(Alert).where(Alert.org_id == province.id("phuong-a")))
        ]
    assert kinds == ["report_requested", "report_reminder", "report_late"]


def test_a_reversed_range_is_refused_with_local_dates(province: Province, tmp_path: Path) -> None:
    """The refusal names the dates as the user typed them (dd/mm/yyyy), not ISO."""
    out = tmp_path / "r.docx"
    result = CliRunner().invoke(
        app,
        ["report", "--from", "30/09/2026", "--to", "01/07/2026", "--format", "docx",
         "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.output.strip() == "Ngày kết thúc 01/07/2026 trước ngày bắt đầu 30/09/2026"
    assert not out.exists()


def test_a_bad_date_is_refused_as_a_date(province: Province, tmp_path: Path) -> None:
    """A date option asks for dd/mm/yyyy, not «dd/mm/yyyy HH:mm hoặc ISO 8601»."""
    out = tmp_path / "r.docx"
    result = CliRunner().invoke(
        app, ["report", "--from", "32/01/2026", "--to", "01/02/2026", "--out", str(out)]
    )
    assert result.exit_code == 1
    assert result.output.strip() == "Không hiểu ngày «32/01/2026»; dùng dạng dd/mm/yyyy"
    assert not out.exists()
