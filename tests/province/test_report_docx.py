"""The DOCX report of a province: every table captioned «Bảng n» in order, and the same
author (the unit's name as stored) whether made on the page (coordinator) or by the CLI."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph
from openpyxl import load_workbook
from sqlmodel import select
from typer.testing import CliRunner

from publisher.cli import app
from publisher.db import session_scope
from publisher.models import Organisation, STTask
from publisher.services.accounts import orgs
from publisher.services.insight import reports
from publisher.timeutil import parse_local
from tests.factories import ADMIN, make_office, webhook_channel
from tests.stats.conftest import published, snapshot


@pytest.fixture
def khcn(sqlite_db, clock):
    clock.set(datetime(2026, 12, 6, 3, tzinfo=UTC))
    office = make_office("so-khcn", channels={"Zalo KHCN": webhook_channel()})
    with session_scope() as s:
        province = orgs.create_org(s, ADMIN, "UBND tỉnh Đồng Nai", slug="tinh", kind="province")
        org = s.exec(select(Organisation).where(Organisation.slug == "so-khcn")).one()
        org.parent_id = province.id
        s.add(org)
        s.add(STTask(org_id=org.id, code="KC-01", title="Ứng dụng AI trong nông nghiệp"))
    d = published(office, "Zalo KHCN", parse_local("10/10/2026 08:00"), title="Ngày CĐS")
    snapshot(d.id, datetime(2026, 12, 1, tzinfo=UTC), reactions=30)
    return office


def _blocks(content: bytes) -> list[Paragraph | Table]:
    doc = Document(io.BytesIO(content))
    out: list[Paragraph | Table] = []
    for child in doc.element.body.iterchildren():
        if child.tag.endswith("}p"):
            out.append(Paragraph(child, doc))
        elif child.tag.endswith("}tbl"):
            out.append(Table(child, doc))
    return out


def test_every_data_table_has_a_numbered_caption_in_order(khcn) -> None:
    with session_scope() as s:
        content, _ = reports.generate(s, khcn.actor("coordinator"), "2026-H2", "docx")
    blocks = _blocks(content)
    tables = [i for i, b in enumerate(blocks) if isinstance(b, Table)]
    # The first (issuer and motto) and the last (signature) are layout, not data.
    data_tables = tables[1:-1]
    captions = []
    for i in data_tables:
        before = next(
            b.text for b in reversed(blocks[:i]) if isinstance(b, Paragraph) and b.text.strip()
        )
        captions.append(before)
    numbers = [re.match(r"Bảng (\d+)\. ", c) for c in captions]
    assert all(numbers), captions
    assert [int(m.group(1)) for m in numbers if m] == list(range(1, len(data_tables) + 1))
    for label in ("nhiệm vụ KH&CN", "nhiều tương tác nhất", "chỉ tiêu"):
        assert any(label in c for c in captions), (label, captions)


def test_the_author_is_the_provinces_name_from_the_page_and_from_the_cli(
    khcn, tmp_path: Path
) -> None:
    with session_scope() as s:
        page, _ = reports.generate(s, khcn.actor("coordinator"), "2026-H2", "docx")
        page_xlsx, _ = reports.generate(s, khcn.actor("coordinator"), "2026-H2", "xlsx")
    out = tmp_path / "bc.docx"
    r = CliRunner().invoke(
        app, ["report", "--period", "2026-H2", "--format", "docx", "--out", str(out)]
    )
    assert r.exit_code == 0, r.output
    authors = {
        Document(io.BytesIO(page)).core_properties.author,
        Document(str(out)).core_properties.author,
        load_workbook(io.BytesIO(page_xlsx)).properties.creator,
    }
    assert authors == {"UBND tỉnh Đồng Nai"}
    # The header still writes the issuer in capitals.
    assert "UBND TỈNH ĐỒNG NAI" in Document(str(out)).tables[0].rows[0].cells[0].text
