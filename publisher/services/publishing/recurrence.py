"""The dates a repeating post (weekly, monthly, yearly) falls on: one rule for the engine,
which creates the deliveries of each occurrence ahead of time (``engine.recurring``), and for
the checks that look at every occurrence (``posting_hours``).

Occurrences keep the first one's local wall-clock time (Asia/Ho_Chi_Minh); a monthly post on
the 29th-31st falls on a shorter month's last day, a yearly one on 29/02 on 28/02.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from publisher.models import Post, Recurrence
from publisher.timeutil import local_tz

#: How far ahead occurrences are created (the engine) and checked (posting hours).
HORIZON = {
    Recurrence.WEEKLY: timedelta(days=28),
    Recurrence.MONTHLY: timedelta(days=62),
    Recurrence.YEARLY: timedelta(days=400),
}
REPEATING = tuple(HORIZON)


def _shift_year(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29/02 in a non-leap year
        return day.replace(year=day.year + years, day=28)


def _shift_month(day: date, months: int) -> date:
    """``day`` ``months`` later; the 29th-31st become the month's last day where it is
    shorter (31/01 -> 28/02 -> 31/03: each occurrence counts from the first, not the last)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def later_dates(
    first_due: datetime, rule: str, end_day: date | None, until: datetime
) -> Iterator[datetime]:
    """Due instants (UTC) after ``first_due`` (aware) under ``rule``, up to ``until`` and the
    local day ``end_day`` (the post's «đến ngày»; None: no end). Nothing for ``none`` or an
    unknown rule."""
    first = first_due.astimezone(local_tz())
    n = 1
    while True:
        if rule == Recurrence.WEEKLY:
            local = first + timedelta(weeks=n)  # wall-clock arithmetic in the local zone
        elif rule in (Recurrence.MONTHLY, Recurrence.YEARLY):
            if rule == Recurrence.MONTHLY:
                day = _shift_month(first.date(), n)
            else:
                day = _shift_year(first.date(), n)
            local = datetime.combine(day, first.timetz().replace(tzinfo=None), tzinfo=local_tz())
        else:
            return
        due = local.astimezone(UTC)
        if due > until:
            return
        if end_day and local.date() > end_day:
            return
        yield due
        n += 1


def occurrences(post: Post, until: datetime) -> Iterator[datetime]:
    """Due instants (UTC) of ``post`` after its first, up to ``until`` and its end date."""
    assert post.due_at is not None
    return later_dates(post.due_at, post.recurrence, post.recurrence_until, until)


def within_horizon(first_due: datetime, rule: str, end_day: date | None) -> list[datetime]:
    """Every occurrence (UTC), the first included, from ``first_due`` to one :data:`HORIZON`
    after it (the span the engine keeps created ahead), stopping at ``end_day``."""
    span = HORIZON.get(Recurrence(rule), timedelta(0)) if rule in REPEATING else timedelta(0)
    return [first_due, *later_dates(first_due, rule, end_day, first_due + span)]
