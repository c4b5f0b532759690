"""The report's section on the question-answering bots (issue 21, item 4): a few sentences
with the period's figures, in the report's language."""

from __future__ import annotations

from publisher.i18n import t
from publisher.services.insight.faq_stats import FaqFigures
from publisher.services.insight.reports.fmt import num


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def faq_lines(figures: FaqFigures, lang: str) -> list[str]:
    """The section's paragraphs; one line saying so when nobody asked in the period."""
    if not figures.asked:
        return [t("faqkb.report.none", lang)]
    return [
        t(
            "faqkb.report.asked",
            lang,
            asked=num(figures.asked),
            answered=num(figures.answered),
            rate=_pct(figures.answer_rate),
            suggested=num(figures.suggested),
            unanswered=num(figures.unanswered),
        ),
        t(
            "faqkb.report.satisfaction",
            lang,
            rated=num(figures.rated),
            helpful=num(figures.helpful),
            rate=_pct(figures.satisfaction),
        ),
    ]
