"""A channel's posting hours: a time outside a refusing channel's hours cannot be composed,
submitted, approved or dragged there (the post stays where it was), a warning channel only
says so, the best times are suggested; the rules are checked when set and audited."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest
from sqlmodel import select

from publisher.db import session_scope
from publisher.errors import InvalidInput, PermissionDenied, ValidationFailed
from publisher.models import AuditEvent, Channel, Post
from publisher.services.publishing import drafts, posting_hours, posts
from publisher.services.publishing.posting_hours import build
from publisher.services.publishing.posts import PostInput
from publisher.timeutil import parse_local
from tests.factories import ADMIN, make_office, telegram_channel

#: Saturday 10/10/2026 (the frozen clock is Thursday 01/10/2026 07:00 local).
SAT_08 = parse_local("10/10/2026 08:00")
SAT_23 = parse_local("10/10/2026 23:00")
MON_08 = parse_local("12/10/2026 08:00")


@pytest.fixture
def office(db: Any, clock: Any) -> Any:
    return make_office(channels={"Fanpage": telegram_channel(), "Telegram": telegram_channel()})


def _set(office: Any, name: str, **rules: Any) -> None:
    with session_scope() as s:
        posting_hours.set_hours(s, ADMIN, office.channels[name].id, **rules)


def _compose(office: Any, due: Any, channels: list[str] | None = None) -> int:
    with session_scope() as s:
        post = posts.compose(
            s,
            office.actor("officer"),
            PostInput(text="Hội thảo KH&CN", channels=channels or ["Fanpage"], due_at=due),
        )
        return post.id or 0


def test_hours_allow_inside_refuse_outside_and_wrap_past_midnight() -> None:
    day = build(start="07:00", end="21:30")
    assert day.allows(SAT_08) and not day.allows(SAT_23)
    night = build(start="22:00", end="02:00")
    assert night.allows(SAT_23) and not night.allows(SAT_08)
    weekdays = build(days=[0, 1, 2, 3, 4])
    assert weekdays.allows(MON_08) and not weekdays.allows(SAT_08)
    assert not build().limited and build().allows(SAT_23)


def test_the_next_allowed_time_is_the_start_of_the_next_window() -> None:
    weekdays = build(start="07:00", end="21:30", days=[0, 1, 2, 3, 4])
    assert posting_hours.next_allowed(weekdays, SAT_23) == parse_local("12/10/2026 07:00")


@pytest.mark.parametrize(
    ("rules", "key"),
    [
        ({"start": "7h", "end": "21:00"}, "hours.error.time"),
        ({"start": "25:00", "end": "21:00"}, "hours.error.time"),
        ({"start": "07:00"}, "hours.error.both"),
        ({"start": "07:00", "end": "07:00"}, "hours.error.same"),
        ({"days": []}, "hours.error.days"),
        ({"days": [7]}, "hours.error.days"),
        ({"mode": "maybe"}, "hours.error.mode"),
        ({"start": "07:00", "end": "21:00", "best": "22:30"}, "hours.error.best_outside"),
    ],
)
def test_bad_rules_are_refused_with_a_reason(rules: dict[str, Any], key: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        build(**rules)
    assert exc.value.key == key


def test_a_wrong_best_time_is_quoted_as_typed_without_the_space_after_the_comma() -> None:
    # «07:30, abc» said «Giờ « abc» không hợp lệ»: the space after the comma was quoted.
    with pytest.raises(InvalidInput) as exc:
        build(best="07:30, abc")
    assert exc.value.message("vi").startswith("Giờ «abc» không hợp lệ")


def test_setting_hours_needs_an_administrator_and_is_audited(office: Any) -> None:
    with session_scope() as s, pytest.raises(PermissionDenied):
        posting_hours.set_hours(
            s, office.actor("editor"), office.channels["Fanpage"].id, start="07:00", end="21:00"
        )
    _set(office, "Fanpage", start="07:00", end="21:30", best="07:30, 19:30")
    with session_scope() as s:
        channel = s.get(Channel, office.channels["Fanpage"].id)
        assert channel is not None
        assert channel.posting_hours == {
            "mode": "refuse",
            "start": "07:00",
            "end": "21:30",
            "best": ["07:30", "19:30"],
        }
        row = s.exec(select(AuditEvent).where(AuditEvent.action == "channel.hours")).one()
        assert row.after["start"] == "07:00" and row.before == {}


def test_composing_outside_a_refusing_channels_hours_is_refused_with_the_nearest_time(
    office: Any,
) -> None:
    _set(office, "Fanpage", start="07:00", end="21:30")
    with pytest.raises(ValidationFailed) as exc:
        _compose(office, SAT_23)
    message = exc.value.message()
    assert "«Fanpage» chỉ đăng trong khung 07:00–21:30" in message
    assert "11/10/2026 07:00" in message  # the nearest allowed time
    with session_scope() as s:
        assert s.exec(select(Post)).first() is None  # nothing half-written
    assert _compose(office, SAT_08)  # inside: fine
    assert _compose(office, SAT_23, ["Telegram"])  # a channel without rules: fine


def test_a_warning_channel_lets_the_post_through_and_says_why(office: Any) -> None:
    _set(office, "Fanpage", start="07:00", end="21:30", mode="warn", best="19:30")
    post_id = _compose(office, SAT_23)
    with session_scope() as s:
        check = posting_hours.check_time(
            s, office.actor("officer"), [office.channels["Fanpage"].id], SAT_23
        )
        notes = drafts.hours_warnings(s, office.actor("officer"), post_id)
    assert check.refused == []
    assert len(check.warned) == 1 and "vẫn được đăng" in check.warned[0]
    assert check.best == ["Fanpage: 19:30"]
    assert notes == check.warned


def test_the_compose_check_names_the_refusal_before_saving(office: Any) -> None:
    _set(office, "Fanpage", days=[0, 1, 2, 3, 4])
    with session_scope() as s:
        check = posting_hours.check_time(
            s, office.actor("officer"), [office.channels["Fanpage"].id], SAT_08
        )
    assert len(check.refused) == 1 and "T2, T3, T4, T5, T6" in check.refused[0]


def test_dragging_a_post_outside_the_hours_is_refused_and_it_stays(office: Any) -> None:
    post_id = _compose(office, SAT_08)
    _set(office, "Fanpage", start="07:00", end="21:30")
    with session_scope() as s, pytest.raises(ValidationFailed):
        posts.reschedule(s, office.actor("officer"), post_id, SAT_23)
    with session_scope() as s:
        post = s.get(Post, post_id)
        assert post is not None and post.due_at == SAT_08
        posts.reschedule(s, office.actor("officer"), post_id, MON_08)
    with session_scope() as s:
        post = s.get(Post, post_id)
        assert post is not None and post.due_at == MON_08


def test_a_post_whose_channel_changed_its_hours_cannot_be_approved_at_that_time(
    office: Any,
) -> None:
    post_id = _compose(office, SAT_23)
    with session_scope() as s:
        posts.submit(s, office.actor("officer"), post_id)
    _set(office, "Fanpage", start="07:00", end="21:30")
    with session_scope() as s, pytest.raises(ValidationFailed):
        posts.approve(s, office.actor("editor"), post_id)
    with session_scope() as s:
        post = s.get(Post, post_id)
        assert post is not None and post.status == "in_review"


def test_a_hand_edited_broken_rule_reads_as_no_rule(office: Any) -> None:
    with session_scope() as s:
        channel = s.get(Channel, office.channels["Fanpage"].id)
        assert channel is not None
        channel.posting_hours = {"start": "nonsense", "end": 5}
        s.add(channel)
    with session_scope() as s:
        channel = s.get(Channel, office.channels["Fanpage"].id)
        assert channel is not None
        assert posting_hours.of(channel) == posting_hours.PostingHours()
    assert build(start="7:05", end="9:00").start == time(7, 5)


def test_the_cli_sets_and_shows_a_channels_hours(office: Any) -> None:
    import json

    from typer.testing import CliRunner

    from publisher.cli import app

    runner = CliRunner()
    done = runner.invoke(
        app,
        ["channel", "hours", "Fanpage", "--from", "07:00", "--until", "21:30", "--days", "0,1,2"],
    )
    assert done.exit_code == 0, done.stderr
    assert "07:00–21:30, T2, T3, T4" in done.stdout
    shown = json.loads(runner.invoke(app, ["channel", "hours", "Fanpage", "--json"]).stdout)
    assert shown["posting_hours"]["days"] == [0, 1, 2]
    bad = runner.invoke(app, ["channel", "hours", "Fanpage", "--from", "07:00"])
    assert bad.exit_code == 1 and bad.stderr.strip().splitlines() == [
        "Cần nhập cả giờ bắt đầu và giờ kết thúc (hoặc để trống cả hai)"
    ]
    cleared = runner.invoke(app, ["channel", "hours", "Fanpage", "--clear", "--json"])
    assert json.loads(cleared.stdout)["posting_hours"] == {}


def _warned(office: Any, due: Any, rule: str, until: Any = None) -> list[str]:
    with session_scope() as s:
        return posting_hours.check_time(
            s, office.actor("officer"), [office.channels["Fanpage"].id], due, rule, until
        ).warned


def test_a_monthly_post_is_warned_about_the_later_date_that_falls_on_a_weekend(
    office: Any,
) -> None:
    # Monday 12/10 is inside; a month later is Thursday 12/11, two months later Saturday
    # 12/12 (within the 62 days the engine creates a monthly post's occurrences ahead).
    _set(office, "Fanpage", days=[0, 1, 2, 3, 4], mode="warn")
    assert _warned(office, MON_08, "none") == []
    [note] = _warned(office, MON_08, "monthly")
    assert "12/12/2026" in note and "12/10/2026" not in note and "12/11/2026" not in note
    assert "lúc 08:00" in note and "vẫn được đăng" in note, note


def test_a_weekly_post_outside_the_hours_names_three_dates_and_counts_the_rest(
    office: Any,
) -> None:
    _set(office, "Fanpage", start="07:00", end="21:30", mode="warn")
    [note] = _warned(office, SAT_23, "weekly")
    # 10/10 and the four Saturdays within 28 days after it: three named, two counted.
    assert "10/10/2026, 17/10/2026, 24/10/2026 và 2 lần khác" in note, note
    [short] = _warned(office, SAT_23, "weekly", date(2026, 10, 20))  # «đến ngày» 20/10
    assert "10/10/2026, 17/10/2026 (" in short and "lần khác" not in short, short
    with session_scope() as s:
        post = posts.compose(
            s,
            office.actor("officer"),
            PostInput(
                text="Bản tin tuần", channels=["Fanpage"], due_at=SAT_23, recurrence="weekly"
            ),
        )
        assert drafts.hours_warnings(s, office.actor("officer"), post.id or 0) == [note]


def test_a_refusing_channel_says_which_later_repeat_falls_outside(office: Any) -> None:
    _set(office, "Fanpage", days=[0, 1, 2, 3, 4])
    with session_scope() as s:
        check = posting_hours.check_time(
            s, office.actor("officer"), [office.channels["Fanpage"].id], MON_08, "monthly"
        )
    assert check.refused == []  # the first date is inside: the post can be sent
    [note] = check.warned
    assert "«Fanpage» chỉ đăng trong khung" in note and "12/12/2026" in note, note
