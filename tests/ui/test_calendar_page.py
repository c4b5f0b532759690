"""The calendar page's wiring, without a browser: the URL keeps the view and the filters,
a drag (the component's value) moves the post through ``posts.reschedule`` or is refused in
one line, a click on a day opens the compose page at that day. The real drag in Chromium is
in test_browser_workday.py."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import select

from publisher.db import session_scope
from publisher.models import AuditEvent, Post
from publisher.timeutil import to_local, utcnow
from tests.ui.conftest import compose, texts


def _key(at, view: str, day: date) -> str:
    """The calendar component's key as the page builds it (no filters)."""
    round_ = at.session_state["cal_round"] if "cal_round" in at.session_state else 0
    return f"cal_{view}_{day.isoformat()}_0_0__0_{round_}"


def _wall(value: datetime) -> str:
    return to_local(value).replace(tzinfo=None).isoformat(timespec="seconds") + ".000Z"


def test_the_url_keeps_the_view_and_the_filters(office, app_as):
    at = app_as(office, "officer", "views/calendar.py")
    at.query_params["xem"] = "list"
    at.query_params["trang_thai"] = "draft"
    at.run()
    assert not at.exception
    assert at.session_state["cal_view"] == "list" and at.session_state["cal_status"] == "draft"
    at.selectbox(key="cal_status").set_value("in_review").run()
    assert at.query_params["trang_thai"] in ("in_review", ["in_review"])
    legend = " ".join(h.proto.body for h in at.get("html"))
    for status in ("Nháp", "Chờ duyệt", "Bị trả lại", "Đã lên lịch", "Đã đăng", "Thất bại"):
        assert status in legend, status


def _drag(at, post_id: int, to: datetime, day: date) -> None:
    value = {
        "callback": "eventChange",
        "eventChange": {"event": {"id": str(post_id), "start": _wall(to)}},
    }
    at.session_state[_key(at, "month", day)] = value
    at.run()


def test_a_drag_moves_the_post_and_a_drag_to_the_past_is_refused(office, app_as):
    due = (utcnow() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    post_id = compose(office, due_at=due)
    at = app_as(office, "officer", "views/calendar.py")
    day = to_local(utcnow()).date()
    later = due + timedelta(days=1, hours=2)
    _drag(at, post_id, later, day)
    assert not at.exception
    assert any("Đã dời bài" in s.value for s in at.success), texts(at)
    with session_scope() as s:
        assert s.get(Post, post_id).due_at == later
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "post.reschedule")).first()
    _drag(at, post_id, utcnow() - timedelta(days=1), day)
    assert any("đã qua" in e.value for e in at.error), texts(at)
    with session_scope() as s:
        assert s.get(Post, post_id).due_at == later


def test_a_click_on_a_day_or_an_hour_writes_a_post_for_then(office, app_as):
    at = app_as(office, "officer", "views/calendar.py")
    day = to_local(utcnow()).date()
    at.session_state[_key(at, "month", day)] = {
        "callback": "dateClick",
        "dateClick": {"date": "2026-10-20T00:00:00.000Z", "allDay": True},
    }
    at.run()  # the page switches to «Soạn bài», which takes the day
    assert not at.exception
    assert "compose_at" not in at.session_state
    # Compose's date and time are text fields (dd/mm/yyyy, HH:MM) filled from the clicked day.
    assert at.session_state["c_date"] == "20/10/2026"
    assert at.session_state["c_time"] == "08:00"
    manager = app_as(office, "manager", "views/calendar.py")  # may not compose: nothing
    manager.session_state[_key(manager, "month", day)] = {
        "callback": "dateClick",
        "dateClick": {"date": "2026-10-20T09:30:00.000Z", "allDay": False},
    }
    manager.run()
    assert "compose_at" not in manager.session_state
