"""The figures of the report as an XLSX workbook, one sheet per table."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from publisher.i18n import t
from publisher.services.insight.reports.data import ReportData
from publisher.services.insight.reports.fmt import (
    measured,
    month_label,
    period_dates,
    status_label,
)
from publisher.timeutil import fmt_date, fmt_local

COUNTER_COLS = (
    "posts",
    "deliveries",
    "reactions",
    "comments",
    "shares",
    "views",
    "clicks",
    "engagement",
)
HEAD_FILL = PatternFill("solid", fgColor="0B3D91")
LIGHTS = {"green": "C6EFCE", "amber": "FFEB9C", "red": "FFC7CE"}


#: Number formats: the reader's spreadsheet shows its own decimal mark ("0,5" in a
#: Vietnamese locale), with one decimal for measured values and none for counts.
INT_FORMAT, DEC_FORMAT = "#,##0", "#,##0.0"


def _cell(ws: Any, value: Any, **style: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, bool):
        pass
    elif isinstance(value, int):
        cell.number_format = INT_FORMAT
    elif isinstance(value, float):
        cell.number_format = INT_FORMAT if value.is_integer() else DEC_FORMAT
    # User text such as a task title "=HYPERLINK(...)" must stay text, never a formula.
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    for name, item in style.items():
        setattr(cell, name, item)
    return cell


def _sheet(
    wb: Workbook,
    title: str,
    header: list[str],
    rows: list[list[Any]],
    fills: dict[int, PatternFill] | None = None,
) -> Any:
    """A streamed (write-only) sheet: linear in the number of rows."""
    ws = wb.create_sheet(title[:31])
    for i, name in enumerate(header, start=1):
        longest = max([len(str(name))] + [len(str(r[i - 1] or "")) for r in rows[:200]])
        ws.column_dimensions[get_column_letter(i)].width = min(60, max(10, longest + 2))
    ws.freeze_panes = "A2"
    head = Font(bold=True, color="FFFFFF")
    wrap = Alignment(wrap_text=True, vertical="center")
    ws.append([_cell(ws, name, font=head, fill=HEAD_FILL, alignment=wrap) for name in header])
    for n, row in enumerate(rows):
        cells = [_cell(ws, value) for value in row]
        if fills and n in fills:
            cells[-1].fill = fills[n]
        ws.append(cells)
    return ws


def _counter_rows(rows: list[dict[str, Any]], label: Any) -> list[list[Any]]:
    return [[label(r), *[r.get(c) for c in COUNTER_COLS]] for r in rows]


def build_xlsx(data: ReportData, lang: str = "vi") -> bytes:
    """The workbook as bytes; empty counters stay empty cells (not zero). Raises nothing."""
    wb = Workbook(write_only=True)
    wb.properties.creator = wb.properties.lastModifiedBy = data.author
    wb.properties.title = t("report.title", lang)
    wb.properties.created = wb.properties.modified = data.generated_at.replace(tzinfo=None)
    summary = wb.create_sheet(t("report.sheet.summary", lang)[:31])
    summary.column_dimensions["A"].width = 36
    summary.column_dimensions["B"].width = 30
    start, end = period_dates(data.period)
    summary.append(
        [
            _cell(summary, t("report.title", lang), font=Font(bold=True, size=13)),
            _cell(summary, data.issuer),
        ]
    )
    summary.append([t("report.period", lang), f"{start} - {end}"])
    summary.append([t("report.generated", lang), fmt_local(data.generated_at)])
    for c in COUNTER_COLS:
        summary.append([t(f"stats.col.{c}", lang), data.totals.get(c)])
    header = [t(f"stats.col.{c}", lang) for c in COUNTER_COLS]
    _sheet(
        wb,
        t("report.sheet.kind", lang),
        [t("stats.col.platform", lang), *header],
        _counter_rows(data.by_kind, lambda r: t(f"stats.kind.{r['key']}", lang)),
    )
    _sheet(
        wb,
        t("report.sheet.channel", lang),
        [t("stats.col.channel", lang), *header],
        _counter_rows(data.by_channel, lambda r: r["label"]),
    )
    if data.by_org:
        _sheet(
            wb,
            t("report.sheet.org", lang),
            [t("stats.col.org", lang), *header],
            _counter_rows(data.by_org, lambda r: r["label"]),
        )
    _sheet(
        wb,
        t("report.sheet.campaign", lang),
        [t("stats.col.campaign", lang), *header],
        _counter_rows(data.by_campaign, lambda r: r["label"] or t("stats.no_campaign", lang)),
    )
    _sheet(
        wb,
        t("report.sheet.content", lang),
        [t("stats.col.content_type", lang), *header],
        _counter_rows(data.by_content_type, lambda r: t(f"stats.content.{r['key']}", lang)),
    )
    _sheet(
        wb,
        t("report.sheet.month", lang),
        [t("stats.col.month", lang), *header],
        _counter_rows(data.by_month, lambda r: month_label(str(r["key"]))),
    )
    # One post per row: no "posts" column (it would repeat "Bài viết", empty).
    top_cols = [c for c in COUNTER_COLS if c != "posts"]
    _sheet(
        wb,
        t("report.sheet.top", lang),
        [
            t("stats.col.rank", lang),
            t("stats.col.post", lang),
            t("stats.col.org", lang),
            *[t(f"stats.col.{c}", lang) for c in top_cols],
        ],
        [
            [
                i + 1,
                (p["title"] or p["text"] or "")[:200],
                p["org"],
                *[p.get(c) for c in top_cols],
            ]
            for i, p in enumerate(data.top_posts)
        ],
    )
    _sheet(
        wb,
        t("report.sheet.kpi", lang),
        [
            t("stats.col.kpi", lang),
            t("stats.col.target", lang),
            t("stats.col.result", lang),
            t("stats.col.unit", lang),
            t("stats.col.status", lang),
        ],
        [
            [
                t(f"kpi.{k.key}", lang),
                k.target,
                k.value if measured(k) else None,
                t(f"report.unit.{k.unit}", lang) if k.unit != "%" else "%",
                status_label(k.status, lang) if measured(k) else t("stats.not_available", lang),
            ]
            for k in data.kpis
        ],
        fills={
            n: PatternFill("solid", fgColor=LIGHTS[k.status])
            for n, k in enumerate(data.kpis)
            if measured(k)
        },
    )
    cov = data.kpi("task_coverage")
    _sheet(
        wb,
        t("report.sheet.tasks", lang),
        [
            t("stats.col.task_code", lang),
            t("stats.col.task_title", lang),
            t("stats.col.lead_org", lang),
            t("stats.col.year", lang),
            t("stats.col.task_covered", lang),
            t("stats.col.task_where", lang),
            t("stats.col.first_published", lang),
        ],
        [
            [
                d["code"],
                d["title"],
                d["lead_org"],
                d["year"],
                t("common.yes" if d["covered"] else "common.no", lang),
                ", ".join(d["channels"]),
                fmt_local(d["first_published"]),
            ]
            for d in cov.detail
        ],
    )
    days = data.kpi("national_days").detail
    _sheet(
        wb,
        t("report.sheet.days", lang),
        [
            t("stats.col.campaign", lang),
            t("stats.col.date", lang),
            t("stats.col.published_orgs", lang),
            t("stats.col.orgs", lang),
            t("stats.col.share", lang),
            t("stats.col.missing", lang),
        ],
        [
            [
                d["campaign"],
                fmt_date(d["date"]),
                d["published"],
                d["organisations"],
                d["share"],
                ", ".join(d["missing"]),
            ]
            for d in days
        ],
    )
    if data.faq is not None:
        f = data.faq
        _sheet(
            wb,
            t("faqkb.report.sheet", lang),
            [t("faqkb.report.col.figure", lang), t("faqkb.report.col.value", lang)],
            [
                [t(f"faqkb.report.figure.{key}", lang), value]
                for key, value in (
                    ("asked", f.asked),
                    ("answered", f.answered),
                    ("suggested", f.suggested),
                    ("unanswered", f.unanswered),
                    ("rated", f.rated),
                    ("helpful", f.helpful),
                )
            ],
        )
    _province_sheets(wb, data, lang)
    if data.followers:
        _sheet(
            wb,
            t("report.sheet.followers", lang),
            [
                t("stats.col.channel", lang),
                t("stats.col.platform", lang),
                t("report.followers.col.start", lang),
                t("report.followers.col.end", lang),
                t("report.followers.col.change", lang),
            ],
            [
                [
                    f["channel"],
                    t(f"stats.kind.{f['kind']}", lang),
                    f["start"],
                    f["end"],
                    f["change"],
                ]
                for f in data.followers
            ],
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_xlsx(data: ReportData, path: str | Path, lang: str = "vi") -> Path:
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(build_xlsx(data, lang))
    return out


def _province_sheets(wb: Workbook, data: ReportData, lang: str) -> None:
    """Themes, target groups, criteria, activities and (compiled reports) who submitted."""
    header = [t(f"stats.col.{c}", lang) for c in COUNTER_COLS]
    for sheet, col, rows, prefix in (
        ("report.sheet.theme", "report.table.by_theme.col", data.by_theme, "topic.theme."),
        (
            "report.sheet.audience",
            "report.table.by_audience.col",
            data.by_audience,
            "topic.audience.",
        ),
    ):
        _sheet(
            wb,
            t(sheet, lang),
            [t(col, lang), *header],
            _counter_rows(
                rows,
                lambda r, p=prefix: t(p + r["key"], lang) if r["key"] else t("topic.none", lang),
            ),
        )
    _sheet(
        wb,
        t("report.sheet.criteria", lang),
        [
            t("report.col.criterion", lang),
            t("stats.col.unit", lang),
            t("stats.col.target", lang),
            t("stats.col.result", lang),
            t("stats.col.status", lang),
        ],
        [
            [
                c["name"],
                c["unit"],
                c["target"],
                c["value"],
                t("report.criterion.reached" if c["reached"] else "report.criterion.not_yet", lang)
                if c["target"] is not None
                else None,
            ]
            for c in data.criteria
        ],
    )
    _sheet(
        wb,
        t("report.sheet.activities", lang),
        [
            t("report.col.date", lang),
            t("stats.col.org", lang),
            t("report.col.activity_kind", lang),
            t("report.col.activity", lang),
            t("report.table.by_theme.col", lang),
            t("report.table.by_audience.col", lang),
            t("report.col.link", lang),
        ],
        [
            [
                fmt_date(a["date"]),
                a["org"],
                t("activity.kind." + a["kind"], lang),
                a["title"],
                ", ".join(t("topic.theme." + x, lang) for x in a["themes"]),
                ", ".join(t("topic.audience." + x, lang) for x in a["audiences"]),
                a["link"] or None,
            ]
            for a in data.activities
        ],
    )
    if data.collection:
        _sheet(
            wb,
            t("report.sheet.collection", lang),
            [
                t("stats.col.org", lang),
                t("report.col.state", lang),
                t("report.col.submitted_at", lang),
                t("report.status.late", lang),
            ],
            [
                [
                    r["name"],
                    t(
                        "report.status.submitted" if r["submitted"] else "report.status.missing",
                        lang,
                    ),
                    fmt_local(datetime.fromisoformat(r["submitted_at"]))
                    if r["submitted_at"]
                    else None,
                    t("common.yes" if r["late"] else "common.no", lang),
                ]
                for r in data.collection
            ],
        )
