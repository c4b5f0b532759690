"""The calendar's day grouping, done by the database: local days, counts per status, the
first posts of each cell, on every backend and in a time zone with daylight saving."""

from __future__ import annotations

from datetime import date

import pytest

from publisher.config import get_settings
from publisher.db import session_scope
from publisher.services.publishing import calendar as cal
from publisher.services.publishing import posts
from publisher.timeutil import parse_local
from tests.factories import make_office, telegram_channel, webhook_channel
from tests.ui.conftest import compose


@pytest.fixture
def office(db, clock):
    return make_office("so-khcn", channels={"tg": telegram_channel(), "hook": webhook_channel()})


def _ids(p: cal.Period, day: date) -> list[int]:
    return [e.post_id for e in p.entries.get(day, [])]


def test_each_day_counts_every_post_by_status_and_describes_the_earliest(office):
    at = {
        "a": "14/10/2026 23:59",
        "b": "15/10/2026 00:00",  # the first minute of the 15th belongs to the 15th
        "c": "15/10/2026 09:00",
        "d": "15/10/2026 07:00",
        "e": "15/10/2026 23:59",
        "f": "01/11/2026 10:00",  # the last day of the grid
        "g": "02/11/2026 10:00",  # outside the grid
    }
    ids = {k: compose(office, text=f"Bài {k}", due_at=parse_local(v)) for k, v in at.items()}
    with session_scope() as s:
        posts.submit(s, office.actor("officer"), ids["c"])
    start, end = cal.month_bounds(2026, 10)
    with session_scope(readonly=True) as s:
        p = cal.period(s, office.actor("editor"), start, end, per_day=2)
        only_review = cal.period(
            s, office.actor("editor"), start, end, cal.CalendarFilter(status="in_review")
        )
    assert _ids(p, date(2026, 10, 14)) == [ids["a"]]
    assert _ids(p, date(2026, 10, 15)) == [ids["b"], ids["d"]]  # two of four, in time order
    assert p.day_counts[date(2026, 10, 15)] == {"draft": 3, "in_review": 1}
    assert _ids(p, date(2026, 11, 1)) == [ids["f"]]
    assert p.counts == {"draft": 5, "in_review": 1} and p.total == 6
    assert set(p.day_counts) == {date(2026, 10, 14), date(2026, 10, 15), date(2026, 11, 1)}
    entry = p.entries[date(2026, 10, 15)][1]
    assert (
        entry.local.hour == 7
        and entry.title == "Bài d"
        and sorted(entry.channels)
        == [
            "hook",
            "tg",
        ]
    )
    assert only_review.counts == {"in_review": 1}
    assert _ids(only_review, date(2026, 10, 15)) == [ids["c"]]


@pytest.fixture
def berlin(monkeypatch):
    monkeypatch.setenv("PUBLISHER_TIMEZONE", "Europe/Berlin")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def test_days_follow_the_office_time_zone_across_a_daylight_saving_change(office, berlin):
    # 25/10/2026 has 25 hours in Berlin (clocks go back at 03:00).
    early = compose(office, text="Sớm", due_at=parse_local("25/10/2026 00:30"))
    late = compose(office, text="Muộn", due_at=parse_local("25/10/2026 23:30"))
    next_day = compose(office, text="Hôm sau", due_at=parse_local("26/10/2026 00:15"))
    start, end = cal.month_bounds(2026, 10)
    with session_scope(readonly=True) as s:
        p = cal.period(s, office.actor("editor"), start, end, per_day=4)
    assert _ids(p, date(2026, 10, 25)) == [early, late]
    assert _ids(p, date(2026, 10, 26)) == [next_day]
    assert p.day_counts[date(2026, 10, 25)] == {"draft": 2}
