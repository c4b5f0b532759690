"""Semi-annual reports: DOCX for the official report, XLSX for the figures.

:func:`generate` is what the CLI and the Reports page call; :func:`reminder.report_reminder`
is what the scheduler calls daily.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import Session

from publisher.errors import InvalidInput
from publisher.services.accounts.actor import Actor
from publisher.services.insight.periods import Period, parse_period
from publisher.services.insight.reports.data import ReportData, gather

FORMATS = ("docx", "xlsx")

__all__ = ["FORMATS", "ReportData", "gather", "generate"]


def generate(
    session: Session,
    actor: Actor,
    period: str | Period,
    fmt: str,
    org: str | int | None = None,
    lang: str = "vi",
    *,
    units: Sequence[int] | None = None,
    collection: list[dict[str, Any]] | None = None,
) -> tuple[bytes, str]:
    """Build the report for ``period`` (``YYYY-H1``/``YYYY-H2``/``YYYY``, or a
    :class:`Period` from any date range) as ``fmt``; returns the bytes and a file name.
    ``units`` narrows a provincial report to those units; ``collection`` adds the table of
    who submitted. Raises InvalidInput (period, format), PermissionDenied, NotFound."""
    if fmt not in FORMATS:
        raise InvalidInput("error.report_format", value=fmt, allowed=", ".join(FORMATS))
    chosen = parse_period(period) if isinstance(period, str) else period
    data = gather(session, actor, chosen, org, units)
    data.collection = collection or []
    _fill_province(session, actor, data, units)
    if fmt == "docx":
        from publisher.services.insight.reports.docx_report import build_docx

        content = build_docx(data, lang)
    else:
        from publisher.services.insight.reports.xlsx_report import build_xlsx

        content = build_xlsx(data, lang)
    slug = data.org.slug if data.org else "tinh"
    code = data.period.code.replace("..", "_")
    return content, f"bao-cao-truyen-thong-{code}-{slug}.{fmt}"


def _fill_province(
    session: Session, actor: Actor, data: ReportData, units: Sequence[int] | None
) -> None:
    """The activities entered by hand and the criteria, for the report's units."""
    from publisher.services.insight import activities, criteria

    org_ids = [data.org.id] if data.org and data.org.id else (list(units) if units else None)
    data.activities = activities.in_period(session, actor, data.period, org_ids)
    data.criteria = criteria.evaluate(session, actor, data.period, org_ids)
