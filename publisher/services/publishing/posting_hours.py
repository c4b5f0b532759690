"""A channel's time-of-day rules: the hours and weekdays it posts in (local time), whether a
time outside them is refused or only warned about, and the best times to suggest.

Stored on ``Channel.posting_hours`` as JSON::

    {"start": "07:00", "end": "21:30", "days": [0, 1, 2, 3, 4], "mode": "refuse",
     "best": ["07:30", "11:30", "19:30"]}

``days`` are weekdays, 0 = Monday (thứ Hai) … 6 = Sunday; an ``end`` before ``start`` wraps
past midnight (``22:00``-``02:00``); no ``start``/``end`` means any hour of an allowed day.
The weekday is the local date of the publication time itself. An empty object (the default)
allows every time.

Where they apply: composing (the page shows the reason at once), submitting, approving
(«đăng ngay» included), rescheduling and the calendar's drag, all through
:func:`refusals` (``mode: refuse``) — the time that is refused is the post's first
publication. ``mode: warn`` never refuses: the compose page and the calendar say the time is
outside the channel's usual hours (:func:`warnings`). A repeating post is warned about on
every occurrence within one horizon of the engine's (:mod:`.recurrence`), its dates named
(a refusing channel's later dates too: they are not refused, but said).
The engine does not check again at the due second: a rule changed after approval does not
hold a post back (the editor approved that time).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session

from connectors.base import Problem
from publisher.errors import InvalidInput, problem_text
from publisher.i18n import t
from publisher.models import Channel
from publisher.services.accounts import audit
from publisher.services.accounts.actor import Actor
from publisher.timeutil import ensure_utc, to_local

ALL_DAYS = frozenset(range(7))
MODES = ("refuse", "warn")
_HHMM = re.compile(r"^\s*(\d{1,2})[:hH.](\d{2})\s*$")
#: How far ahead :func:`next_allowed` looks, and in what steps (a quarter hour reads well).
_LOOKAHEAD_DAYS = 8
_STEP = timedelta(minutes=15)


@dataclass(frozen=True)
class PostingHours:
    """One channel's rules (see the module docstring)."""

    start: time | None = None
    end: time | None = None
    days: frozenset[int] = ALL_DAYS
    mode: str = "refuse"
    best: tuple[time, ...] = field(default=())

    @property
    def limited(self) -> bool:
        """Whether any time is outside the rules at all."""
        return (self.start is not None and self.start != self.end) or self.days != ALL_DAYS

    def allows(self, at: datetime) -> bool:
        """Whether ``at`` (aware) falls inside the allowed hours and days."""
        local = to_local(ensure_utc(at))
        if local.weekday() not in self.days:
            return False
        return self.allows_time(local.time().replace(second=0, microsecond=0))

    def allows_time(self, at: time) -> bool:
        """Whether the local time of day ``at`` is inside the allowed hours (any day)."""
        if self.start is None or self.end is None or self.start == self.end:
            return True
        if self.start < self.end:
            return self.start <= at < self.end
        return at >= self.start or at < self.end  # wraps past midnight

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"mode": self.mode}
        if self.start is not None and self.end is not None:
            out["start"], out["end"] = _hhmm(self.start), _hhmm(self.end)
        if self.days != ALL_DAYS:
            out["days"] = sorted(self.days)
        if self.best:
            out["best"] = [_hhmm(b) for b in self.best]
        return out


def _hhmm(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def parse_time(text: str) -> time:
    """``7:30``, ``07:30``, ``19h30`` -> a time. Raises InvalidInput (``hours.error.time``)."""
    m = _HHMM.match(text or "")
    if m is None or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise InvalidInput("hours.error.time", value=text)
    return time(int(m.group(1)), int(m.group(2)))


def build(
    *,
    start: str = "",
    end: str = "",
    days: Iterable[int] | None = None,
    mode: str = "refuse",
    best: str | Sequence[str] = "",
) -> PostingHours:
    """Rules from what a person typed (the channel form, the CLI). ``start`` and ``end`` go
    together (both empty: any hour); ``best`` is times separated by commas.

    Raises InvalidInput: a time that is not HH:MM, one of start/end without the other, start
    equal to end, no weekday left, an unknown mode, a best time outside the allowed hours."""
    if mode not in MODES:
        raise InvalidInput("hours.error.mode", value=mode)
    start, end = (start or "").strip(), (end or "").strip()
    if bool(start) != bool(end):
        raise InvalidInput("hours.error.both")
    t0 = parse_time(start) if start else None
    t1 = parse_time(end) if end else None
    if t0 is not None and t0 == t1:
        raise InvalidInput("hours.error.same")
    chosen = ALL_DAYS if days is None else frozenset(int(d) for d in days)
    if not chosen or not chosen <= ALL_DAYS:
        raise InvalidInput("hours.error.days")
    pieces = best.split(",") if isinstance(best, str) else list(best)
    best_times = tuple(sorted({parse_time(p.strip()) for p in pieces if p.strip()}))
    hours = PostingHours(t0, t1, chosen, mode, best_times)
    for b in best_times:
        if not hours.allows_time(b):
            raise InvalidInput("hours.error.best_outside", value=_hhmm(b))
    return hours


def of(channel: Channel) -> PostingHours:
    """The channel's stored rules; a malformed row (hand-edited) reads as no rules."""
    raw: Mapping[str, Any] = channel.posting_hours or {}
    if not raw:
        return PostingHours()
    try:
        return build(
            start=str(raw.get("start", "")),
            end=str(raw.get("end", "")),
            days=raw.get("days"),
            mode=str(raw.get("mode", "refuse")),
            best=[str(b) for b in raw.get("best", [])],
        )
    except (InvalidInput, TypeError, ValueError):
        return PostingHours()


_DAY_KEYS = ("hours.day.mon", "hours.day.tue", "hours.day.wed", "hours.day.thu",
             "hours.day.fri", "hours.day.sat", "hours.day.sun")  # fmt: skip


def describe(hours: PostingHours) -> str:
    """«07:00–21:30, T2, T3, T4, T5, T6» (or «cả ngày» for any hour)."""
    when = (
        f"{_hhmm(hours.start)}–{_hhmm(hours.end)}"
        if hours.start is not None and hours.end is not None
        else t("hours.any_hour")
    )
    if hours.days == ALL_DAYS:
        return when
    return f"{when}, {', '.join(t(_DAY_KEYS[d]) for d in sorted(hours.days))}"


def next_allowed(hours: PostingHours, at: datetime) -> datetime | None:
    """The first quarter hour at or after ``at`` that the rules allow (``None`` if none
    within a week, which the rules' validation makes impossible)."""
    local = to_local(ensure_utc(at)).replace(second=0, microsecond=0)
    local += timedelta(minutes=(-local.minute) % 15)
    for _ in range(int(timedelta(days=_LOOKAHEAD_DAYS) / _STEP)):
        if hours.allows(local):
            return ensure_utc(local)
        local += _STEP
    return None


def _problem(channel: Channel, hours: PostingHours, at: datetime) -> Problem:
    from publisher.timeutil import fmt_local

    nxt = next_allowed(hours, at)
    code = "hours_outside" if hours.mode == "refuse" else "hours_outside_warn"
    params = {
        "channel": channel.name,
        "window": describe(hours),
        "at": fmt_local(at),
        "next": fmt_local(nxt) if nxt else "-",
    }
    return Problem(code, f"{channel.name}: outside its posting hours", params)


def refusals(channels: Iterable[Channel], at: datetime | None) -> list[Problem]:
    """A problem for each channel whose rules refuse ``at`` (``mode: refuse``)."""
    if at is None:
        return []
    out = []
    for channel in channels:
        hours = of(channel)
        if hours.mode == "refuse" and hours.limited and not hours.allows(at):
            out.append(_problem(channel, hours, at))
    return out


#: How many dates a repeating post's warning names before «và N lần khác».
NAMED_DATES = 3


def warnings(
    channels: Iterable[Channel],
    at: datetime | None,
    recurrence: str = "none",
    until: date | None = None,
) -> list[Problem]:
    """A note for each channel whose rules only warn and whose hours ``at`` is outside.

    With a repeat rule (``recurrence``, last local day ``until``), every occurrence within the
    horizon the engine creates ahead (:func:`.recurrence.within_horizon`) is checked and the
    dates outside are named (at most :data:`NAMED_DATES`, then how many more); a channel whose
    rules refuse has refused the first date already (:func:`refusals`), its later dates are
    said here."""
    from publisher.services.publishing.recurrence import within_horizon

    if at is None:
        return []
    dates = within_horizon(at, recurrence, until)
    out = []
    for channel in channels:
        hours = of(channel)
        if not hours.limited:
            continue
        checked = dates if hours.mode == "warn" else dates[1:]
        outside = [d for d in checked if not hours.allows(d)]
        if not outside:
            continue
        if len(dates) == 1:
            out.append(_problem(channel, hours, at))
        else:
            out.append(_repeat_problem(channel, hours, outside))
    return out


def _repeat_problem(channel: Channel, hours: PostingHours, outside: list[datetime]) -> Problem:
    named = outside[:NAMED_DATES]
    more = len(outside) - len(named)
    code = "hours_outside_repeat" + ("_warn" if hours.mode == "warn" else "")
    params: dict[str, Any] = {
        "channel": channel.name,
        "window": describe(hours),
        "time": to_local(named[0]).strftime("%H:%M"),
        "dates": ", ".join(to_local(d).strftime("%d/%m/%Y") for d in named),
        "more": more,
    }
    return Problem(
        code + ("_more" if more else ""),
        f"{channel.name}: occurrences outside its posting hours",
        params,
    )


@dataclass
class HoursCheck:
    """What the compose page shows about a time on the chosen channels, translated."""

    refused: list[str]
    warned: list[str]
    #: «Fanpage: 07:30, 11:30» for each chosen channel with best times.
    best: list[str]


def check_time(
    session: Session,
    actor: Actor,
    channel_ids: Sequence[int],
    at: datetime | None,
    recurrence: str = "none",
    until: date | None = None,
) -> HoursCheck:
    """The chosen channels' rules applied to ``at`` (and, for a repeating post, to its later
    dates: :func:`warnings`). Raises NotFound / PermissionDenied for a channel the actor
    cannot use."""
    from publisher.services.publishing.channels import get_channel

    actor.require("post.compose")
    channels = [get_channel(session, actor, cid) for cid in channel_ids]
    best = [f"{c.name}: {', '.join(_hhmm(b) for b in of(c).best)}" for c in channels if of(c).best]
    return HoursCheck(
        [problem_text(p) for p in refusals(channels, at)],
        [problem_text(p) for p in warnings(channels, at, recurrence, until)],
        best,
    )


def set_hours(
    session: Session,
    actor: Actor,
    channel_ref: str | int,
    *,
    start: str = "",
    end: str = "",
    days: Iterable[int] | None = None,
    mode: str = "refuse",
    best: str | Sequence[str] = "",
) -> Channel:
    """Store a channel's rules from what a person typed (see :func:`build`; all empty clears
    them), audited as ``channel.hours`` with before and after. Posts already approved keep
    their times. Raises PermissionDenied (``channel.manage``), NotFound, InvalidInput."""
    from publisher.services.publishing.channels import get_channel

    actor.require("channel.manage")
    hours = build(start=start, end=end, days=days, mode=mode, best=best)
    channel = get_channel(session, actor, channel_ref)
    actor.require_org(channel.org_id)
    before = dict(channel.posting_hours or {})
    channel.posting_hours = hours.to_json() if hours.limited or hours.best else {}
    session.add(channel)
    audit.record(
        session,
        actor,
        "channel.hours",
        "channel",
        channel.id,
        org_id=channel.org_id,
        before=before,
        after=channel.posting_hours,
    )
    return channel
