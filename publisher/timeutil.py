"""Time: UTC-aware storage, Asia/Ho_Chi_Minh display and input, an injectable clock.

Never a naive datetime: every function here returns aware datetimes, and the database layer
re-attaches UTC to values read back from SQLite (which drops the offset).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from publisher.config import get_settings

DATE_FMT = "%d/%m/%Y"
DATETIME_FMT = "%d/%m/%Y %H:%M"


def local_tz() -> ZoneInfo:
    return ZoneInfo(get_settings().timezone)


class Clock:
    """The source of "now". Production uses the system clock; tests move a :class:`FrozenClock`."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock(Clock):
    """A clock that only moves when told to (thread-safe)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()
        self._listeners: list[Callable[[datetime], None]] = []

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float = 0, **kwargs: float) -> datetime:
        with self._lock:
            self._now += timedelta(seconds=seconds, **kwargs)
            return self._now

    def set(self, when: datetime) -> None:
        with self._lock:
            self._now = when.astimezone(UTC)


_clock: Clock = Clock()


def get_clock() -> Clock:
    return _clock


def set_clock(clock: Clock) -> None:
    global _clock
    _clock = clock


def utcnow() -> datetime:
    return _clock.now()


def ensure_utc(value: datetime) -> datetime:
    """Attach UTC to a naive value read from storage; convert aware values to UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def to_local(value: datetime) -> datetime:
    return ensure_utc(value).astimezone(local_tz())


def fmt_local(value: datetime | None, with_time: bool = True) -> str:
    """dd/mm/yyyy HH:mm in the office's time zone ("" for None)."""
    if value is None:
        return ""
    return to_local(value).strftime(DATETIME_FMT if with_time else DATE_FMT)


def fmt_date(value: date) -> str:
    return value.strftime(DATE_FMT)


class TimeParseError(ValueError):
    """The text is not a date/time we understand."""


class DateParseError(TimeParseError):
    """The text is not a date (``dd/mm/yyyy``) we understand."""


_VN_DT = re.compile(
    r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})"
    r"(?:[ T,]+(\d{1,2})(?::|h|g)(\d{2})?(?::(\d{2}))?"
    r"(?:\s*(Z|[+-]\d{2}(?::?\d{2})?))?)?\s*$",
    re.IGNORECASE,
)
_OFFSET = re.compile(r"^([+-])(\d{2}):?(\d{2})?$")


def _offset(text: str) -> timezone:
    """``Z``, ``+07:00``, ``+0700`` or ``+07`` as a fixed zone; raises ValueError when out of
    range (more than 23:59)."""
    if text.upper() == "Z":
        return UTC
    m = _OFFSET.match(text)
    if m is None:
        raise ValueError(text)
    sign, hours, minutes = m.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
    return timezone(-delta if sign == "-" else delta)  # ValueError from 24:00 on


def parse_local(text: str) -> datetime:
    """Parse a user-entered time into an aware UTC datetime.

    Accepts ISO 8601 (``2026-10-10T08:00``, with or without offset) and the Vietnamese
    ``dd/mm/yyyy HH:mm`` form, which may also end with an offset (``+07:00``, ``+0700``,
    ``Z``). A value without an offset is local time (Asia/Ho_Chi_Minh).
    Raises :class:`TimeParseError`.
    """
    raw = (text or "").strip()
    if not raw:
        raise TimeParseError(text)
    m = _VN_DT.match(raw)
    try:
        if m:
            d, mo, y, h, mi, s, off = m.groups()
            value = datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0))  # noqa: DTZ001
            if off:
                value = value.replace(tzinfo=_offset(off))
        else:
            value = datetime.fromisoformat(re.sub(r"[zZ]$", "+00:00", raw))
    except ValueError as exc:
        raise TimeParseError(text) from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=local_tz())
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:  # 01/01/0001 00:00 local is before year 1 in UTC
        raise TimeParseError(text) from exc


def parse_local_date(text: str) -> date:
    """Parse ``dd/mm/yyyy`` or ISO ``yyyy-mm-dd``; raises :class:`TimeParseError`."""
    raw = (text or "").strip()
    try:
        if "/" in raw:
            return datetime.strptime(raw, DATE_FMT).date()  # noqa: DTZ007
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise DateParseError(text) from exc


def local_datetime(day: date, hour: int, minute: int = 0) -> datetime:
    """The aware UTC instant of a local wall-clock time on ``day``."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=local_tz()).astimezone(UTC)
