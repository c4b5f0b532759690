"""How an alert reads on a page: its message with codes turned into words (a half-year code
``2026-H2`` becomes «6 tháng cuối năm 2026») and its kind named in the user's language."""

from __future__ import annotations

import re
from typing import Any

from publisher.i18n import t

_HALF = re.compile(r"^(\d{4})-H([12])$")


def period_label(code: str) -> str:
    """``2026-H2`` -> «6 tháng cuối năm 2026»; anything else is returned as it is."""
    m = _HALF.match(code or "")
    if m is None:
        return code
    half = "report.half.first" if m.group(2) == "1" else "report.half.second"
    return t("ui.reports.period_label", half=t(half), year=m.group(1))


def message(message_key: str, params: dict[str, Any] | None) -> str:
    """The alert's message, with any half-year code among its parameters put in words."""
    shown = {
        k: period_label(v) if isinstance(v, str) and _HALF.match(v) else v
        for k, v in (params or {}).items()
    }
    return t(message_key, **shown)


def kind(name: str) -> str:
    """The alert's kind in words («Báo cáo đến hạn»), or a neutral word for an unknown kind
    (never the code itself)."""
    key = f"alert.kind.{name}"
    text = t(key)
    return text if text != key else t("alert.kind.other")
