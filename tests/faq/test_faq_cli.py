"""The command-line contract: ``publisher faq import FILE`` and ``publisher faq ask``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.core.test_cli import _init, run

TABLE = (
    "question,answer,source_url,variants,theme\n"
    "Làm sao để đăng ký tài khoản định danh điện tử mức 2?,"
    "Đến công an xã phường với căn cước gắn chip.,https://bocongan.gov.vn,"
    "đăng ký vneid mức 2 ở đâu,CĐS\n"
    "Ngày Chuyển đổi số quốc gia là ngày nào?,Ngày 10/10.,https://dx.gov.vn,,cds\n"
)


def test_import_then_ask_with_and_without_diacritics(db: Any, tmp_path: Path) -> None:
    _init()
    table = tmp_path / "kb.csv"
    table.write_text(TABLE, encoding="utf-8")
    done = run("faq", "import", str(table), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["created"] == 2
    for question in (
        "làm sao để đăng ký tài khoản định danh điện tử mức 2?",
        "lam sao de dang ky tai khoan dinh danh dien tu muc 2",
    ):
        asked = run("faq", "ask", question, "--json")
        assert asked.returncode == 0, asked.stderr
        data = json.loads(asked.stdout)
        assert {"answered", "answer_id", "answer", "source_url", "score"} <= set(data)
        assert data["answered"] is True
        assert data["source_url"] == "https://bocongan.gov.vn"
        assert data["answer"].startswith("Đến công an")
    unknown = json.loads(run("faq", "ask", "giá vàng hôm nay", "--json").stdout)
    assert unknown["answered"] is False and unknown["answer"] is None
    human = run("faq", "ask", "ngay chuyen doi so")
    assert "Ngày 10/10." in human.stdout and "Nguồn: https://dx.gov.vn" in human.stdout


def test_a_semicolon_table_with_vietnamese_headers_is_imported(db: Any, tmp_path: Path) -> None:
    # As Excel saves it in a Vietnamese locale: BOM, «;», Vietnamese column names.
    _init()
    table = tmp_path / "hoi-dap.csv"
    table.write_text(
        "\ufeffCâu hỏi;Câu trả lời;Nguồn\r\n"
        'Ngày Chuyển đổi số quốc gia là ngày nào?;"Ngày 10/10, hằng năm.";https://dx.gov.vn\r\n',
        encoding="utf-8",
    )
    done = run("faq", "import", str(table), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["created"] == 1
    asked = json.loads(run("faq", "ask", "ngay chuyen doi so", "--json").stdout)
    assert asked["answer"] == "Ngày 10/10, hằng năm."


def test_a_bad_table_names_its_lines_and_imports_nothing(db: Any, tmp_path: Path) -> None:
    _init()
    table = tmp_path / "kb.csv"
    table.write_text(TABLE + ",Không có câu hỏi.,https://a.vn,,\nCâu?,Đáp.,không-phải-url,,\n")
    done = run("faq", "import", str(table))
    assert done.returncode == 1
    assert "Dòng 4" in done.stderr and "Dòng 5" in done.stderr
    assert "Traceback" not in done.stderr
    asked = json.loads(run("faq", "ask", "ngay chuyen doi so", "--json").stdout)
    assert asked["answered"] is False  # nothing of the table was kept
    as_json = json.loads(run("faq", "import", str(table), "--json").stdout)
    assert [e["line"] for e in as_json["errors"]] == [4, 5]


def test_unknown_organisation_and_missing_file_are_one_line_errors(db: Any) -> None:
    _init()
    for args in (("faq", "ask", "x", "--org", "khong-co"), ("faq", "import", "/khong/co.csv")):
        result = run(*args)
        assert result.returncode == 1
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
