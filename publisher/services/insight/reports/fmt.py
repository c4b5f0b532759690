"""Number and label formatting shared by the report renderers (Vietnamese conventions)."""

from __future__ import annotations

from typing import Any

from publisher.i18n import t
from publisher.services.insight.periods import Period
from publisher.timeutil import fmt_date


def num(value: Any, lang: str | None = None) -> str:
    """``12345`` -> ``12.345`` (vi) / ``12,345`` (en); ``None`` -> "không có số liệu" when a
    language is given (the platform gives no figure), else "-"."""
    if value is None:
        return t("stats.not_available", lang) if lang else "-"
    vi = (lang or "vi") == "vi"
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:,.1f}"
    else:
        text = f"{int(value):,}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".") if vi else text


def period_dates(period: Period) -> tuple[str, str]:
    return fmt_date(period.start), fmt_date(period.end)


def month_label(key: str) -> str:
    """A statistics month key ``2026-10`` as the office writes it: ``10/2026``."""
    year, _, month = key.partition("-")
    return f"{month}/{year}" if month else key


def measured(k: Any) -> bool:
    """Whether a KPI has anything to measure (a unit with no S&T task, a period with no
    national day): otherwise it is shown as no data, never as «0%» met or not met."""
    return bool(k.denominator)


def status_label(status: str, lang: str | None = None) -> str:
    return t(f"kpi.status.{status}", lang)
