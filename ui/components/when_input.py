"""Date and time fields that cannot keep a stale value.

Streamlit's date picker refuses a typed date outside its range with an English message and
keeps the previous date, which the preview and the save then use. These are plain text
fields parsed here: what is typed is what is checked, shown and saved, and a value that does
not parse is an error in the user's language (nothing else is used in its place)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

import streamlit as st

from publisher.i18n import t
from publisher.timeutil import TimeParseError, local_datetime, parse_local_date, to_local
from ui import common

_TIME = re.compile(r"^\s*(\d{1,2})\s*(?::|h|g)\s*(\d{2})?\s*$", re.IGNORECASE)
REPEATS = ("none", "weekly", "monthly", "yearly")


@dataclass(frozen=True)
class When:
    """The time as typed: ``due_at`` (aware UTC) when both fields parse, else ``error``."""

    due_at: datetime | None
    error: str | None


def set_value(prefix: str, value: datetime | None) -> None:
    """Fill the fields from ``value`` (None: the next sensible hour)."""
    day, at = common.local_parts(value)
    st.session_state[prefix + "date"] = common.fmt_day(day)
    st.session_state[prefix + "time"] = at.strftime("%H:%M")


def _normalise(prefix: str) -> None:
    """Another page may hand over a date and a time as objects (the calendar's "write a
    post on this day"): show them as text."""
    state = st.session_state
    if prefix + "date" not in state:
        set_value(prefix, None)
    if isinstance(state.get(prefix + "date"), date):
        state[prefix + "date"] = common.fmt_day(state[prefix + "date"])
    if isinstance(state.get(prefix + "time"), time):
        state[prefix + "time"] = state[prefix + "time"].strftime("%H:%M")


def parse_time(text: str) -> time:
    """``HH:MM`` (also ``8h30``, ``8:30``, ``8g``); raises ValueError."""
    m = _TIME.match(text or "")
    if m is None:
        raise ValueError(text)
    return time(int(m.group(1)), int(m.group(2) or 0))  # ValueError beyond 23:59


def when_input(prefix: str) -> When:
    """The two fields, their message, and what they say."""
    _normalise(prefix)
    d1, d2 = st.columns(2)
    day_text = d1.text_input(t("ui.compose.date"), key=prefix + "date", placeholder="dd/mm/yyyy")
    time_text = d2.text_input(t("ui.when.time"), key=prefix + "time", placeholder="HH:MM")
    error = None
    due_at = None
    try:
        day = parse_local_date(day_text)
    except TimeParseError:
        error = t("ui.when.bad_date", value=day_text.strip() or "…")
    else:
        try:
            at = parse_time(time_text)
        except ValueError:
            error = t("ui.when.bad_time", value=time_text.strip() or "…")
        else:
            due_at = local_datetime(day, at.hour, at.minute)
    if error:
        st.error(error, icon=":material/event_busy:")
    else:
        st.caption(t("ui.compose.tz_note"))
    return When(due_at, error)


def repeat_input(prefix: str) -> tuple[str, date | None, str | None]:
    """The repeat rule and its optional last day: (rule, last day, error)."""
    r1, r2 = st.columns(2)
    rule = r1.selectbox(
        t("ui.when.repeat"),
        REPEATS,
        key=prefix + "repeat",
        format_func=lambda k: t(f"ui.when.repeat.{k}"),
    )
    if rule == "none":
        return rule, None, None
    text = r2.text_input(t("ui.when.until"), key=prefix + "until", placeholder="dd/mm/yyyy").strip()
    if not text:
        return rule, None, None
    try:
        return rule, parse_local_date(text), None
    except TimeParseError:
        message = t("ui.when.bad_until", value=text)
        st.error(message, icon=":material/event_busy:")
        return rule, None, message


def spoken(due_at: datetime, repeat: str = "none", until: date | None = None) -> str:
    """«Thứ Bảy 10/10/2026 lúc 08:00», with the repeat rule when there is one."""
    local = to_local(due_at)
    text = t(
        "ui.when.spoken",
        weekday=t(f"ui.when.weekday.{local.weekday()}"),
        day=local.strftime("%d/%m/%Y"),
        time=local.strftime("%H:%M"),
    )
    if repeat != "none":
        text += " · " + t(f"ui.when.repeat.{repeat}").lower()
        if until:
            text += " " + t("ui.when.until_short", day=common.fmt_day(until))
    return text
