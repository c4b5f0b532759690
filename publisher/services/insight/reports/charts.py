"""Charts of the report as PNG images (Altair specifications rendered by vl-convert).

The same Altair charts are shown on the Statistics page, so the report and the screen agree.
Fonts: vl-convert renders text with the system fonts; DejaVu Sans covers Vietnamese.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from publisher.i18n import t

FONT = "DejaVu Sans"
#: d3-format locale of the charts: "12.345" and "0,5" in Vietnamese, as in the tables.
VI_FORMAT = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " ₫"]}
#: Counts are whole numbers: no "0.5 posts" or "0.000000" ticks on a small axis.
COUNT_AXIS: dict[str, Any] = {"format": ",d", "tickMinStep": 1}
PRIMARY = "#0B3D91"
ACCENT = "#F2A900"


def _config(chart: alt.Chart) -> Any:
    return chart.configure(font=FONT).configure_axis(
        labelFont=FONT, titleFont=FONT, labelFontSize=11, titleFontSize=12
    )


def monthly_chart(rows: list[dict[str, Any]], lang: str | None = None) -> alt.Chart:
    """Posts and engagement per month (bars: engagement, line: posts)."""
    frame = pd.DataFrame(
        [
            {
                "month": _month_label(str(r["key"])),
                "engagement": r.get("engagement") or 0,
                "posts": r.get("posts") or 0,
            }
            for r in rows
        ]
        or [{"month": "-", "engagement": 0, "posts": 0}]
    )
    base = alt.Chart(frame).encode(
        x=alt.X("month:N", sort=None, title=t("stats.col.month", lang), axis=alt.Axis(labelAngle=0))
    )
    bars = base.mark_bar(color=PRIMARY).encode(
        y=alt.Y("engagement:Q", title=t("stats.col.engagement", lang), axis=alt.Axis(**COUNT_AXIS))
    )
    line = base.mark_line(color=ACCENT, point=True, strokeWidth=3).encode(
        y=alt.Y("posts:Q", title=t("stats.col.posts", lang), axis=alt.Axis(**COUNT_AXIS))
    )
    return (
        alt.layer(bars, line)
        .resolve_scale(y="independent")
        .properties(width=520, height=240, title=t("report.chart.monthly", lang))
    )


def kind_chart(rows: list[dict[str, Any]], lang: str | None = None) -> alt.Chart:
    """Engagement per platform."""
    frame = pd.DataFrame(
        [
            {"platform": t(f"stats.kind.{r['key']}", lang), "engagement": r.get("engagement") or 0}
            for r in rows
        ]
        or [{"platform": "-", "engagement": 0}]
    )
    return (
        alt.Chart(frame)
        .mark_bar(color=PRIMARY)
        .encode(
            x=alt.X(
                "engagement:Q", title=t("stats.col.engagement", lang), axis=alt.Axis(**COUNT_AXIS)
            ),
            y=alt.Y("platform:N", sort="-x", title=None),
        )
        .properties(
            width=520, height=max(60, 40 * len(frame)), title=t("report.chart.platforms", lang)
        )
    )


def _month_label(key: str) -> str:
    year, _, month = key.partition("-")
    return f"{month}/{year}" if month else key


def to_png(chart: alt.Chart, scale: float = 2.0, lang: str | None = "vi") -> bytes:
    """PNG bytes of ``chart`` (Vietnamese number marks unless ``lang`` is "en"). Raises
    RuntimeError if vl-convert is not installed."""
    try:
        import vl_convert as vlc
    except ImportError as exc:  # pragma: no cover - dependency declared in pyproject
        raise RuntimeError("vl-convert-python is required to draw report charts") from exc
    spec = _config(chart).to_dict()
    if lang == "en":
        png: bytes = vlc.vegalite_to_png(spec, scale=scale)
    else:
        png = vlc.vegalite_to_png(spec, scale=scale, format_locale=VI_FORMAT)
    return png
