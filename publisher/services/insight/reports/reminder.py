"""The reminder that a semi-annual report is due (before 15/6 and 15/12 every year)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.engine import Engine

from publisher.db import session_scope
from publisher.models import Alert
from publisher.services.accounts import alerts
from publisher.timeutil import Clock, fmt_date, get_clock, to_local

#: (month, day) of each deadline and the half-year it reports on.
DEADLINES = (((6, 15), 1), ((12, 15), 2))
LEAD = timedelta(days=10)


def due_report(today: date) -> tuple[date, int] | None:
    """The deadline and half (1 or 2) whose reminder window contains ``today``, if any.

    The window opens 10 days before the deadline and closes on the deadline itself.
    """
    for (month, day), half in DEADLINES:
        deadline = date(today.year, month, day)
        if deadline - LEAD <= today <= deadline:
            return deadline, half
    return None


def report_reminder(*, engine: Engine | None = None, clock: Clock | None = None) -> Alert | None:
    """Raise the "report due" alert when today (local) is 10 days or fewer before 15/6 or
    15/12. Call it daily from the scheduler; it is idempotent (one open alert per report).
    Returns the alert, or ``None`` outside the window. Raises only database errors."""
    today = to_local((clock or get_clock()).now()).date()
    found = due_report(today)
    if found is None:
        return None
    deadline, half = found
    with session_scope(engine) as session:
        return alerts.raise_alert(
            session,
            "report_due",
            "alert.report_due",
            severity="info",
            object_type="report",
            object_id=today.year * 10 + half,
            period=f"{today.year}-H{half}",
            deadline=fmt_date(deadline),
            days_left=(deadline - today).days,
        )
