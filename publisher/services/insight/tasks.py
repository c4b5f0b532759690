"""The S&T task register (nhiệm vụ KH&CN): import from CSV or XLSX, list.

Columns (Vietnamese or English headers, any order, case and accents as typed by people):
``Mã nhiệm vụ``/``code`` (required), ``Tên nhiệm vụ``/``title`` (required), ``Đơn vị``/``org``
(organisation slug or name; default: the importing user's), ``Đơn vị chủ trì``/``lead_org``,
``Năm``/``year``, ``Mật``/``classified`` (có/x/1/true = classified), ``Kết quả``/``result``.

An import is all or nothing: any bad row refuses the whole file with the row number, so a
register is never half-imported. Existing codes are updated, new ones added.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from publisher.errors import InvalidInput, NotFound
from publisher.models import Organisation, STTask
from publisher.services.accounts import audit
from publisher.services.accounts import orgs as orgs_svc
from publisher.services.accounts.actor import Actor
from publisher.services.table_headers import delimiter, fold

#: normalised header -> field
HEADERS: dict[str, str] = {
    "ma nhiem vu": "code",
    "ma": "code",
    "ma so": "code",
    "code": "code",
    "ten nhiem vu": "title",
    "ten": "title",
    "title": "title",
    "don vi": "org",
    "co quan": "org",
    "org": "org",
    "organisation": "org",
    "organization": "org",
    "don vi chu tri": "lead_org",
    "co quan chu tri": "lead_org",
    "lead_org": "lead_org",
    "lead org": "lead_org",
    "nam": "year",
    "year": "year",
    "mat": "classified",
    "bi mat": "classified",
    "classified": "classified",
    "ket qua": "result",
    "result": "result",
}
REQUIRED = ("code", "title")
TRUE = {"x", "1", "co", "true", "yes", "mat", "y"}
FALSE = {"", "0", "khong", "false", "no", "n"}
MAX_ROWS = 20000


@dataclass
class ImportResult:
    added: int
    updated: int
    classified: int

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def read_rows(path: Path) -> list[list[str]]:
    """The file's rows as text cells. Raises InvalidInput for a missing file, an unknown
    format, a broken encoding or an unreadable spreadsheet."""
    if not path.is_file():
        raise InvalidInput("error.task_file_missing", path=str(path))
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:
            raise InvalidInput(
                "error.task_file_unreadable", path=path.name, detail=str(exc)[:120]
            ) from exc
        sheet = wb.worksheets[0]
        rows = [
            ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
        ]
        wb.close()
        return rows
    if suffix not in (".csv", ".txt"):
        raise InvalidInput("error.task_file_format", path=path.name)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput("error.task_file_encoding", path=path.name, position=exc.start) from exc
    text = unicodedata.normalize("NFC", text)
    # The separator from the header row (``;`` from a Vietnamese Excel): a sniffer reading
    # the cells too takes ``Nghiên cứu, "Số hoá"`` for a comma-separated line.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text))
    try:
        return [row for row in reader]
    except csv.Error as exc:
        # A cell longer than the csv module's limit (128 KiB), or a broken quoting: the
        # row number comes from the reader, the module's English text stays out.
        row = reader.line_num
        if "field larger than field limit" in str(exc):
            raise InvalidInput(
                "error.task_field_too_long", row=row, limit=csv.field_size_limit()
            ) from exc
        raise InvalidInput("error.task_csv_invalid", path=path.name, row=row) from exc


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    unknown = []
    for i, name in enumerate(header):
        key = HEADERS.get(fold(name))
        if key is None:
            if str(name).strip():
                unknown.append(str(name).strip())
            continue
        found.setdefault(key, i)
    missing = [f for f in REQUIRED if f not in found]
    if missing:
        raise InvalidInput(
            "error.task_columns",
            missing=", ".join(missing),
            found=", ".join(str(h) for h in header if str(h).strip()) or "-",
        )
    return found


def import_tasks(session: Session, actor: Actor, path: str | Path) -> ImportResult:
    """Import (add or update by code) the register in ``path``; all or nothing.

    Raises PermissionDenied, InvalidInput (file, encoding, columns, a bad row with its
    number), NotFound (an organisation named in a row does not exist).
    """
    actor.require("task.manage")
    rows = [r for r in read_rows(Path(path)) if any(str(c).strip() for c in r)]
    if not rows:
        raise InvalidInput("error.task_file_empty", path=Path(path).name)
    if len(rows) > MAX_ROWS:
        raise InvalidInput("error.task_file_too_big", limit=MAX_ROWS)
    cols = _columns(rows[0])
    orgs = {o.slug: o for o in session.exec(select(Organisation))}
    by_name = {fold(o.name): o for o in orgs.values()}
    existing = {t.code: t for t in session.exec(select(STTask))}
    seen: set[str] = set()
    added = updated = classified = 0
    for number, row in enumerate(rows[1:], start=2):

        def cell(name: str, row: list[str] = row) -> str:
            i = cols.get(name)
            return (
                unicodedata.normalize("NFC", str(row[i]).strip())
                if i is not None and i < len(row)
                else ""
            )

        values = _row_values(cell, number)
        if values["code"] in seen:
            raise InvalidInput("error.task_duplicate", row=number, code=values["code"])
        seen.add(values["code"])
        org = _org_of(cell("org"), orgs, by_name, actor, number)
        actor.require_org(org.id)
        task = existing.get(values["code"])
        if task is None:
            task = STTask(org_id=org.id or 0, **values)
            added += 1
        else:
            actor.require_org(task.org_id)
            for key, value in values.items():
                setattr(task, key, value)
            task.org_id = org.id or task.org_id
            updated += 1
        classified += int(task.classified)
        session.add(task)
    session.flush()
    audit.record(
        session,
        actor,
        "task.import",
        "sttask",
        None,
        after={"file": Path(path).name, "added": added, "updated": updated},
    )
    return ImportResult(added, updated, classified)


def _row_values(cell: Any, number: int) -> dict[str, Any]:
    code, title = cell("code"), cell("title")
    if not code or not title:
        raise InvalidInput("error.task_row_required", row=number)
    if len(code) > 80 or len(title) > 500:
        raise InvalidInput("error.task_row_too_long", row=number)
    year_text = cell("year")
    year: int | None = None
    if year_text:
        try:
            year = int(float(year_text))
        except ValueError:
            raise InvalidInput("error.task_row_year", row=number, value=year_text) from None
        if not 1990 <= year <= 2100:
            raise InvalidInput("error.task_row_year", row=number, value=year_text)
    flag = fold(cell("classified"))
    if flag not in TRUE and flag not in FALSE:
        raise InvalidInput("error.task_row_classified", row=number, value=cell("classified"))
    return {
        "code": code,
        "title": title,
        "lead_org": cell("lead_org")[:255],
        "year": year,
        "classified": flag in TRUE,
        "result": cell("result"),
    }


def _org_of(
    ref: str,
    orgs: dict[str, Organisation],
    by_name: dict[str, Organisation],
    actor: Actor,
    number: int,
) -> Organisation:
    if not ref:
        for org in orgs.values():
            if org.id == actor.org_id:
                return org
        if len(orgs) == 1:
            return next(iter(orgs.values()))
        raise InvalidInput("error.task_row_org_required", row=number)
    found = orgs.get(ref) or by_name.get(fold(ref))
    if found is None:
        raise NotFound("error.task_row_org", row=number, org=ref)
    return found


def list_tasks(session: Session, actor: Actor, org_id: int | None = None) -> list[STTask]:
    """The register: of unit ``org_id`` (readable by the actor), else of every unit the actor
    reads. Raises PermissionDenied."""
    actor.require("stats.view")
    stmt = select(STTask).order_by(col(STTask.code))
    if org_id is not None:
        orgs_svc.require_readable(session, actor, org_id)
        stmt = stmt.where(STTask.org_id == org_id)
    else:
        readable = orgs_svc.readable_org_ids(session, actor)
        if readable is not None:
            stmt = stmt.where(col(STTask.org_id).in_(readable))
    return list(session.exec(stmt))
