"""Semi-annual reports: DOCX for the official report, XLSX for the figures.

:func:`generate` is what the CLI and the Reports page call; :func:`reminder.report_reminder`
is what the scheduler calls daily.
"""

from __future__ import annotations

from sqlmodel import Session

from publisher.errors import InvalidInput
from publisher.services.accounts.actor import Actor
from publisher.services.insight.periods import parse_period
from publisher.services.insight.reports.data import ReportData, gather

FORMATS = ("docx", "xlsx")

__all__ = ["FORMATS", "ReportData", "gather", "generate"]


def generate(
    session: Session,
    actor: Actor,
    period: str,
    fmt: str,
    org: str | int | None = None,
    lang: str = "vi",
) -> tuple[bytes, str]:
    """Build the report for ``period`` (``YYYY-H1``/``YYYY-H2``) as ``fmt``; returns the bytes
    and a file name. Raises InvalidInput (period, format), PermissionDenied, NotFound."""
    if fmt not in FORMATS:
        raise InvalidInput("error.report_format", value=fmt, allowed=", ".join(FORMATS))
    data = gather(session, actor, parse_period(period), org)
    if fmt == "docx":
        from publisher.services.insight.reports.docx_report import build_docx

        content = build_docx(data, lang)
    else:
        from publisher.services.insight.reports.xlsx_report import build_xlsx

        content = build_xlsx(data, lang)
    slug = data.org.slug if data.org else "tinh"
    return content, f"bao-cao-truyen-thong-{data.period.code}-{slug}.{fmt}"
