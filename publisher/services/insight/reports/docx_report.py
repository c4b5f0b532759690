"""The semi-annual report as a DOCX in the shape of a Vietnamese administrative report.

Layout after Decree 30/2020/NĐ-CP on administrative documents: A4, Times New Roman 13 pt,
margins 20/20/30/15 mm; issuer and national motto side by side at the top, the title
"BÁO CÁO" with its subject, numbered sections, tables, the KPI table with targets, charts,
and the "difficulties and proposals" section left for the author to write.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table

from publisher.i18n import t
from publisher.services.insight.reports import charts
from publisher.services.insight.reports.data import ReportData
from publisher.services.insight.reports.faq_section import faq_lines
from publisher.services.insight.reports.fmt import measured, num, period_dates, status_label
from publisher.timeutil import fmt_date, fmt_local, to_local

FONT = "Times New Roman"
_NUMERIC = re.compile(r"[\d.,%-]+")


def _doc() -> DocxDocument:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = doc.styles["Normal"]
    style.font.name = FONT  # type: ignore[attr-defined]
    style.font.size = Pt(13)  # type: ignore[attr-defined]
    # East-Asian font slot too, or Word falls back for some Vietnamese glyphs.
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)  # type: ignore[attr-defined]
    style.paragraph_format.space_after = Pt(4)  # type: ignore[attr-defined]
    return doc


def _para(
    doc: Any,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    align: Any = None,
    size: float | None = None,
    underline: bool = False,
    indent: bool = False,
) -> Any:
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Mm(10)
    if bold or (italic and not indent):  # headings and table captions stay with what follows
        p.paragraph_format.keep_with_next = True
    run = p.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    if size:
        run.font.size = Pt(size)
    return p


def _set_widths(table: Table, widths: list[float]) -> None:
    # Word reads the cell widths, LibreOffice the grid: set both, and stop autofit.
    table.autofit = False
    for col, width in zip(table.columns, widths, strict=True):
        col.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Mm(width)


def _keep_row_together(table: Table) -> None:
    for row in table.rows:
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))


def _header(doc: DocxDocument, data: ReportData, lang: str) -> None:
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    _set_widths(table, [62, 103])
    lp = left.paragraphs[0]
    lp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = lp.add_run(data.issuer)
    r.bold, r.font.size = True, Pt(12)
    p = left.add_paragraph(t("report.number", lang))
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    rp = right.paragraphs[0]
    rp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = rp.add_run(t("report.motto.country", lang))
    r.bold, r.font.size = True, Pt(12)
    p = right.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = p.add_run(t("report.motto.words", lang))
    r.bold, r.underline = True, True
    today = to_local(data.generated_at)
    p = right.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = p.add_run(t("report.place_date", lang, day=today.day, month=today.month, year=today.year))
    r.italic = True


def _table(
    doc: DocxDocument, header: list[str], rows: list[list[Any]], widths: list[float] | None = None
) -> Table:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold, run.font.size = True, Pt(11)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for row in rows:
        cells = table.add_row().cells
        for i, (cell, value) in enumerate(zip(cells, row, strict=True)):
            cell.text = ""
            run = cell.paragraphs[0].add_run("" if value is None else str(value))
            run.font.size = Pt(11)
            if i > 0 and _NUMERIC.fullmatch(str(value)):
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if widths is None and len(header) == 8:  # a label and seven counters
        widths = [38.0] + [18.0] * 7
    if widths:
        _set_widths(table, widths)
    doc.add_paragraph()
    return table


_NUMBER = re.compile(r"^(Bảng|Table)\s+\d+\.\s*")


class _Captions:
    """Table captions numbered in the order the tables appear (a table left out, such as
    the per-unit one of a unit's own report, leaves no gap)."""

    def __init__(self, lang: str) -> None:
        self.lang, self.n = lang, 0

    def add(self, doc: DocxDocument, key: str, **params: Any) -> None:
        self.n += 1
        label = _NUMBER.sub("", t(key, self.lang, **params))
        _para(doc, t("report.table.caption", self.lang, n=self.n, label=label), italic=True)


def _properties(doc: DocxDocument, data: ReportData, lang: str) -> None:
    """File properties: the issuing unit and today, not python-docx's template (2013)."""
    props = doc.core_properties
    props.author = props.last_modified_by = data.author
    props.title = t("report.title", lang)
    props.subject = f"{period_dates(data.period)[0]} - {period_dates(data.period)[1]}"
    props.created = props.modified = data.generated_at.replace(tzinfo=None)
    props.revision = 1
    props.comments = props.keywords = props.category = ""


def _counters(r: dict[str, Any]) -> list[Any]:
    # "-" where the platform gives no figure; the note under the tables says so.
    names = ("posts", "deliveries", "reactions", "comments", "shares", "views", "clicks")
    return [num(r.get(c)) for c in names]


def _counter_header(first: str, lang: str) -> list[str]:
    return [first] + [
        t(f"stats.col.{c}", lang)
        for c in ("posts", "deliveries", "reactions", "comments", "shares", "views", "clicks")
    ]


def build_docx(data: ReportData, lang: str = "vi") -> bytes:
    """The report as DOCX bytes. Raises RuntimeError if charts cannot be drawn."""
    doc = _doc()
    _properties(doc, data, lang)
    captions = _Captions(lang)
    _header(doc, data, lang)
    doc.add_paragraph()
    _para(doc, t("report.title", lang), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=14)
    half = t(
        "report.half.first"
        if data.period.half == 1
        else "report.half.second"
        if data.period.half == 2
        else "report.half.year",
        lang,
    )
    subject = (
        t(
            "report.subject_range",
            lang,
            start=fmt_date(data.period.start),
            end=fmt_date(data.period.end),
        )
        if ".." in data.period.code
        else t("report.subject", lang, half=half, year=data.period.year)
    )
    _para(
        doc,
        subject,
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    _para(doc, t("report.basis", lang), italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, t("report.recipient", lang), align=WD_ALIGN_PARAGRAPH.CENTER)
    start, end = period_dates(data.period)
    _para(
        doc,
        t(
            "report.intro",
            lang,
            issuer=data.org.name if data.org else t("report.issuer_province", lang),
            start=start,
            end=end,
        ),
        indent=True,
    )

    if data.collection:
        captions.add(doc, "report.collection")
        _table(
            doc,
            [
                t("stats.col.org", lang),
                t("report.col.state", lang),
                t("report.col.submitted_at", lang),
            ],
            [_collection_row(r, lang) for r in data.collection],
            widths=[80, 45, 40],
        )

    tot = data.totals
    _para(doc, t("report.section.results", lang), bold=True)
    _para(doc, t("report.section.channels", lang), bold=True)
    _para(
        doc,
        t(
            "report.summary.totals",
            lang,
            posts=num(tot.get("posts")),
            deliveries=num(tot.get("deliveries")),
            channels=num(len(data.by_channel)),
            engagement=num(tot.get("engagement")),
            clicks=num(tot.get("clicks"), lang),
        ),
        indent=True,
    )
    captions.add(doc, "report.table.by_kind")
    _table(
        doc,
        _counter_header(t("stats.col.platform", lang), lang),
        [[t(f"stats.kind.{r['key']}", lang), *_counters(r)] for r in data.by_kind],
    )
    if data.by_org:
        captions.add(doc, "report.table.by_org")
        _table(
            doc,
            _counter_header(t("stats.col.org", lang), lang),
            [[r["label"], *_counters(r)] for r in data.by_org[:30]],
        )
    captions.add(doc, "report.table.by_channel")
    _table(
        doc,
        _counter_header(t("stats.col.channel", lang), lang),
        [[r["label"], *_counters(r)] for r in data.by_channel[:20]],
    )
    _para(doc, t("stats.note.telegram_views", lang), italic=True, size=11)
    if data.followers:
        captions.add(doc, "report.table.followers")
        _table(
            doc,
            [
                t("stats.col.channel", lang),
                t("report.followers.col.start", lang),
                t("report.followers.col.end", lang),
                t("report.followers.col.change", lang),
            ],
            [
                [f["channel"], num(f["start"]), num(f["end"]), _signed(f["change"])]
                for f in data.followers
            ],
            widths=[70.0, 30.0, 30.0, 30.0],
        )
    for key, rows, prefix in (
        ("report.table.by_theme", data.by_theme, "topic.theme."),
        ("report.table.by_audience", data.by_audience, "topic.audience."),
    ):
        if any(r.get("posts") for r in rows):
            captions.add(doc, key)
            _table(
                doc,
                _counter_header(t(key + ".col", lang), lang),
                [[_tag_label(r["key"], prefix, lang), *_counters(r)] for r in rows],
            )

    _para(doc, t("report.section.campaigns", lang), bold=True)
    days = data.kpi("national_days").detail
    if days:
        for d in days:
            _para(
                doc,
                t(
                    "report.summary.day",
                    lang,
                    campaign=d["campaign"],
                    date=fmt_date(d["date"]),
                    published=d["published"],
                    organisations=d["organisations"],
                    share=num(d["share"]),
                ),
                indent=True,
            )
    else:
        _para(doc, t("report.summary.no_days", lang), indent=True)
    campaigns = [r for r in data.by_campaign if r.get("key") is not None]
    if campaigns:
        captions.add(doc, "report.table.by_campaign")
        _table(
            doc,
            _counter_header(t("stats.col.campaign", lang), lang),
            [[r["label"], *_counters(r)] for r in campaigns],
        )

    cov = data.kpi("task_coverage")
    _para(doc, t("report.section.tasks", lang), bold=True)
    _para(
        doc,
        t(
            "report.summary.tasks",
            lang,
            covered=cov.numerator,
            total=cov.denominator,
            share=num(cov.value),
        )
        if measured(cov)
        else t("report.summary.no_tasks", lang),
        indent=True,
    )
    if cov.detail:
        captions.add(doc, "report.table.tasks")
        _table(
            doc,
            [
                t("stats.col.task_code", lang),
                t("stats.col.task_title", lang),
                t("stats.col.task_covered", lang),
                t("stats.col.task_where", lang),
            ],
            [
                [
                    d["code"],
                    d["title"],
                    t("common.yes" if d["covered"] else "common.no", lang),
                    _where(d),
                ]
                for d in cov.detail[:60]
            ],
            widths=[25, 80, 20, 40],
        )

    _para(doc, t("report.section.top", lang), bold=True)
    if data.top_posts:
        captions.add(doc, "report.table.top")
        _table(
            doc,
            [
                t("stats.col.rank", lang),
                t("stats.col.post", lang),
                t("stats.col.org", lang),
                t("stats.col.engagement", lang),
            ],
            [
                [i + 1, (p["title"] or p["text"] or "")[:90], p["org"], num(p["engagement"])]
                for i, p in enumerate(data.top_posts)
            ],
            widths=[12, 95, 40, 25],
        )
    else:
        _para(doc, t("report.empty_period", lang), indent=True)

    _para(doc, t("report.section.charts", lang), bold=True)
    for chart in (charts.monthly_chart(data.by_month, lang), charts.kind_chart(data.by_kind, lang)):
        doc.add_picture(io.BytesIO(charts.to_png(chart, lang=lang)), width=Mm(160))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER

    _para(doc, t("report.section.kpi", lang), bold=True)
    captions.add(doc, "report.table.kpi")
    _table(
        doc,
        [
            t("stats.col.kpi", lang),
            t("stats.col.target", lang),
            t("stats.col.result", lang),
            t("stats.col.status", lang),
        ],
        [
            [
                t(f"kpi.{k.key}", lang),
                f"{num(k.target)}{_unit(k.unit, lang)}",
                f"{num(k.value)}{_unit(k.unit, lang)}" if measured(k) else "-",
                status_label(k.status, lang) if measured(k) else t("stats.not_available", lang),
            ]
            for k in data.kpis
        ],
        widths=[80, 25, 25, 35],
    )

    if data.criteria:
        captions.add(doc, "report.table.criteria")
        _table(
            doc,
            [
                t("report.col.criterion", lang),
                t("stats.col.target", lang),
                t("stats.col.result", lang),
                t("stats.col.status", lang),
            ],
            [
                [
                    c["name"],
                    _measure(c["target"], c["unit"]) if c["target"] is not None else "-",
                    _measure(c["value"], c["unit"]),
                    t(
                        "report.criterion.reached" if c["reached"] else "report.criterion.not_yet",
                        lang,
                    )
                    if c["target"] is not None
                    else "-",
                ]
                for c in data.criteria
            ],
            widths=[80, 30, 30, 25],
        )
    _para(doc, t("report.section.activities", lang), bold=True)
    if data.activities:
        captions.add(doc, "report.table.activities")
        _table(
            doc,
            [
                t("report.col.date", lang),
                t("stats.col.org", lang),
                t("report.col.activity_kind", lang),
                t("report.col.activity", lang),
            ],
            [
                [fmt_date(a["date"]), a["org"], t("activity.kind." + a["kind"], lang), a["title"]]
                for a in data.activities[:200]
            ],
            widths=[25, 45, 30, 65],
        )
    else:
        _para(doc, t("report.no_activities", lang), indent=True)

    if data.faq is not None:
        _para(doc, t("faqkb.report.section", lang), bold=True)
        for line in faq_lines(data.faq, lang):
            _para(doc, line, indent=True)

    _para(doc, t("report.section.issues", lang), bold=True)
    for key in ("report.issues.difficulties", "report.issues.proposals"):
        _para(doc, t(key, lang), italic=True)
        p = _para(doc, t("report.author_fill", lang), indent=True)
        p.runs[0].font.color.rgb = RGBColor(0x80, 0x80, 0x80)
    _para(doc, t("report.section.next", lang), bold=True)
    p = _para(doc, t("report.author_fill", lang), indent=True)
    p.runs[0].font.color.rgb = RGBColor(0x80, 0x80, 0x80)
    _signature(doc, lang)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _signed(n: int) -> str:
    """+120 / −3 / 0, as a change reads."""
    return f"+{num(n)}" if n > 0 else (f"−{num(-n)}" if n < 0 else "0")


def _tag_label(code: str | None, prefix: str, lang: str) -> str:
    return t(prefix + code, lang) if code else t("topic.none", lang)


def _collection_row(r: dict[str, Any], lang: str) -> list[str]:
    from datetime import datetime

    state = t("report.status.submitted" if r["submitted"] else "report.status.missing", lang)
    if r["late"]:
        state += f" ({t('report.status.late', lang)})"
    when = fmt_local(datetime.fromisoformat(r["submitted_at"])) if r["submitted_at"] else "-"
    return [r["name"], state, when]


def _where(task: dict[str, Any]) -> str:
    where = ", ".join(task["channels"][:3])
    if task["first_published"]:
        where += f" ({fmt_date(to_local(task['first_published']).date())})"
    return where


def _measure(value: float, unit: str) -> str:
    """A criterion's figure with its unit: «71,4%» like the KPI table, «96 bài»."""
    return f"{num(value)}{unit}" if unit == "%" else f"{num(value)} {unit}"


def _unit(unit: str, lang: str) -> str:
    return "%" if unit == "%" else " " + t("kpi.unit.posts", lang)


def _signature(doc: DocxDocument, lang: str) -> None:
    doc.add_paragraph()
    table = doc.add_table(rows=1, cols=2)
    _set_widths(table, [80, 85])
    _keep_row_together(table)
    left, right = table.rows[0].cells
    r = left.paragraphs[0].add_run(t("report.recipients", lang))
    r.bold, r.italic, r.font.size = True, True, Pt(12)
    for line in t("report.recipients_list", lang).split("\n"):
        left.add_paragraph().add_run(line).font.size = Pt(11)
    rp = right.paragraphs[0]
    rp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    rp.add_run(t("report.signer", lang)).bold = True
    p = right.add_paragraph(t("report.signer_hint", lang))
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.runs[0].italic = True


def write_docx(data: ReportData, path: str | Path, lang: str = "vi") -> Path:
    """Write the DOCX to ``path`` (parent folders created); returns the path."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(build_docx(data, lang))
    return out
