"""Posting hours in the browser's pages (AppTest): an administrator sets a channel's hours on
the channels page, the compose page refuses a time outside them before saving (and only
warns for a warning channel, suggesting its best times), the calendar's «Dời lịch» refuses
a move outside them and the post stays."""

from __future__ import annotations

from datetime import time

from sqlmodel import select

from publisher.db import session_scope
from publisher.models import Channel, Post
from publisher.services.publishing import posting_hours
from publisher.timeutil import parse_local
from tests.factories import ADMIN
from tests.ui.conftest import compose, texts
from tests.ui.test_actions import _fill


def _hours(office, name: str, **rules) -> None:
    with session_scope() as s:
        posting_hours.set_hours(s, ADMIN, office.channels[name].id, **rules)


def test_an_administrator_sets_a_channels_hours_on_the_channels_page(office, app_as):
    at = app_as(office, "admin", "views/channels.py")
    cid = office.channels["Telegram"].id
    at.text_input(key=f"ch_{cid}_h_start").input("07:00")
    at.text_input(key=f"ch_{cid}_h_end").input("21:30")
    at.multiselect(key=f"ch_{cid}_h_days").set_value([0, 1, 2, 3, 4])
    at.text_input(key=f"ch_{cid}_h_best").input("07:30, 19:30")
    at.button(key=f"FormSubmitter:ch_hours_{cid}-Lưu khung giờ").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with session_scope(readonly=True) as s:
        channel = s.exec(select(Channel).where(Channel.id == cid)).one()
    assert channel.posting_hours["days"] == [0, 1, 2, 3, 4]
    assert "Khung giờ đăng: 07:00–21:30, T2, T3, T4, T5, T6 (ngoài giờ: không cho đăng)" in (
        texts(at)
    )


def test_a_wrong_time_in_the_hours_form_is_one_vietnamese_error(office, app_as):
    at = app_as(office, "admin", "views/channels.py")
    cid = office.channels["Telegram"].id
    at.text_input(key=f"ch_{cid}_h_start").input("7 giờ")
    at.text_input(key=f"ch_{cid}_h_end").input("21:30")
    at.button(key=f"FormSubmitter:ch_hours_{cid}-Lưu khung giờ").click().run()
    assert any("Giờ «7 giờ» không hợp lệ" in e.value for e in at.error)
    with session_scope(readonly=True) as s:
        assert s.exec(select(Channel).where(Channel.id == cid)).one().posting_hours == {}


def test_compose_refuses_a_time_outside_the_hours_before_saving(office, app_as):
    _hours(office, "Telegram", start="07:00", end="21:30")
    at = _fill(app_as(office, "officer", "views/compose.py"), office, "Tin buổi tối")
    at.text_input(key="c_date").input("10/10/2026").run()
    at.text_input(key="c_time").input("23:00").run()
    errors = " ".join(e.value for e in at.error)
    assert "«Telegram» chỉ đăng trong khung 07:00–21:30" in errors, errors
    assert not at.success and at.button(key="c_btn_submit").disabled
    at.text_input(key="c_time").input("20:00").run()
    assert not at.error and at.success


def test_compose_only_warns_for_a_warning_channel_and_suggests_its_best_times(office, app_as):
    _hours(office, "Telegram", start="07:00", end="21:30", mode="warn", best="19:30")
    at = _fill(app_as(office, "officer", "views/compose.py"), office, "Tin buổi tối")
    at.text_input(key="c_date").input("10/10/2026").run()
    at.text_input(key="c_time").input("23:00").run()
    assert any("vẫn được đăng" in w.value for w in at.warning)
    assert "Giờ đẹp của kênh — Telegram: 19:30" in texts(at)
    assert at.success and not at.button(key="c_btn_submit").disabled


def test_the_calendar_refuses_a_move_outside_the_hours_and_the_post_stays(office, app_as):
    post_id = compose(office)  # 10/10/2026 08:00
    _hours(office, "Telegram", start="07:00", end="21:30")
    at = app_as(office, "officer", "views/calendar.py")
    form = at.get("form")
    assert form, "the «Dời lịch» form is shown"
    at.selectbox[-1].set_value(post_id)
    at.date_input[-1].set_value(parse_local("11/10/2026 00:00").date())
    at.time_input[-1].set_value(time(23, 0))
    at.button(key="FormSubmitter:cal_move_form-Dời lịch").click().run()
    assert any("07:00–21:30" in e.value for e in at.error), [e.value for e in at.error]
    with session_scope(readonly=True) as s:
        assert s.get(Post, post_id).due_at == parse_local("10/10/2026 08:00")


def test_compose_warns_about_a_later_repeat_outside_the_hours_and_names_it(office, app_as):
    # Monday 12/10/2026 is a weekday; two months later, 12/12/2026, is a Saturday.
    _hours(office, "Telegram", days=[0, 1, 2, 3, 4], mode="warn")
    at = _fill(app_as(office, "officer", "views/compose.py"), office, "Bản tin tháng")
    at.text_input(key="c_date").input("12/10/2026").run()
    assert not [w.value for w in at.warning if "Telegram" in w.value]
    at.selectbox(key="c_repeat").set_value("monthly").run()
    [note] = [w.value for w in at.warning if "«Telegram»" in w.value]
    assert "12/12/2026" in note and "vẫn được đăng" in note, note
    assert not at.button(key="c_btn_submit").disabled  # a warning never blocks
