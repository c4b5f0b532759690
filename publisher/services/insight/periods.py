"""Reporting periods: half-years (``2026-H1``), years, or any local date range."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from publisher.errors import InvalidInput
from publisher.timeutil import fmt_date, local_datetime

_PERIOD = re.compile(r"^\s*(\d{4})(?:-?(H[12]|Y))?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    """An inclusive range of local dates, with a code (``2026-H1``) and a label key."""

    start: date
    end: date
    code: str

    @property
    def start_utc(self) -> datetime:
        return local_datetime(self.start, 0)

    @property
    def end_utc(self) -> datetime:
        """Exclusive end: local midnight after the last day."""
        return local_datetime(self.end + timedelta(days=1), 0)

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def half(self) -> int | None:
        if self.code.endswith("H1"):
            return 1
        if self.code.endswith("H2"):
            return 2
        return None

    def months(self) -> list[tuple[int, int]]:
        out, y, m = [], self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out


def parse_period(text: str) -> Period:
    """``YYYY-H1`` (1/1-30/6), ``YYYY-H2`` (1/7-31/12) or ``YYYY`` (the year).

    Raises :class:`InvalidInput` (``error.period_invalid``) for anything else.
    """
    m = _PERIOD.match(text or "")
    if not m or not 2000 <= int(m.group(1)) <= 2100:
        raise InvalidInput("error.period_invalid", value=text)
    year, part = int(m.group(1)), (m.group(2) or "Y").upper()
    if part == "H1":
        return Period(date(year, 1, 1), date(year, 6, 30), f"{year}-H1")
    if part == "H2":
        return Period(date(year, 7, 1), date(year, 12, 31), f"{year}-H2")
    return Period(date(year, 1, 1), date(year, 12, 31), str(year))


def date_range(start: date, end: date) -> Period:
    """A custom range; raises :class:`InvalidInput` when ``end`` is before ``start``."""
    if end < start:
        raise InvalidInput("error.period_reversed", start=fmt_date(start), end=fmt_date(end))
    return Period(start, end, f"{start.isoformat()}..{end.isoformat()}")
