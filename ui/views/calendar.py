"""Lịch: a FullCalendar (streamlit-calendar, bundled: nothing fetched from the internet) with
month, week (hours) and list views; one colour per status with its legend; national days
and campaigns marked; filters kept in the URL. Click a day or an hour to write a post there;
drag a post to another day or hour (the same checks and audit as editing: refused, it stays
where it was); click a post to see its previews."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import streamlit as st
from streamlit_calendar import calendar as full_calendar

from publisher.errors import PublisherError
from publisher.i18n import get_language, t
from publisher.services.accounts import orgs
from publisher.services.publishing import calendar as cal
from publisher.services.publishing import campaigns, posts
from publisher.services.publishing import drafts as composer
from publisher.services.publishing.channels import list_channels
from publisher.services.statuses import PostStatus
from publisher.services.studio import library as media_svc
from publisher.timeutil import local_datetime, to_local, utcnow
from ui import common
from ui.components.post_view import channel_previews

actor = common.guard("post.view")
common.page_header("ui.calendar.title", "ui.calendar.caption")
today = to_local(utcnow()).date()
VIEWS = {"month": "dayGridMonth", "week": "timeGridWeek", "list": "listMonth"}
#: One colour per post status (the legend shows them all; «Bị trả lại» is not «Thất bại»).
COLOURS: dict[str, str] = {
    "draft": "#6b7280",
    "in_review": "#d97706",
    "rejected": "#be185d",
    "scheduled": "#1d4ed8",
    "publishing": "#7c3aed",
    "published": "#15803d",
    "partially_failed": "#b45309",
    "failed": "#dc2626",
    "cancelled": "#9ca3af",
}
MOVABLE = {"draft", "rejected", "in_review", "scheduled"}
QP = st.query_params


# --- state in the URL: view, day and filters survive a reload and can be shared -------------
def _int(name: str) -> int:
    """An id filter from the URL (0: all; a selectbox cannot show None as an option)."""
    value = QP.get(name)
    return int(value) if value and value.isdigit() else 0


def _day() -> date:
    try:
        return date.fromisoformat(QP.get("ngay", ""))
    except ValueError:
        return today


def _set(name: str, value: object) -> None:
    if value in (None, ""):
        QP.pop(name, None)
    else:
        QP[name] = str(value)


def _shift(sign: int) -> None:
    d, view = _day(), QP.get("xem", "month")
    if view == "week":
        d += timedelta(days=7 * sign)
    else:
        m = d.month - 1 + sign
        d = date(d.year + m // 12, m % 12 + 1, 1)
    _set("ngay", d.isoformat())


def _filter_changed(name: str, key: str) -> None:
    _set(name, st.session_state.get(key))


view = QP.get("xem", "month")
view = view if view in VIEWS else "month"
ref = _day()
channel_opts = common.read(list_channels, actor)
camp_opts = common.read(campaigns.upcoming, actor)
org_opts = common.read(orgs.list_orgs, actor) if actor.all_orgs else []

# Widgets take their values from the URL on every run (a shared link, the back button).
st.session_state["cal_view"] = view
for key, name in (("cal_channel", "kenh"), ("cal_campaign", "chien_dich"), ("cal_org", "don_vi")):
    st.session_state[key] = _int(name)
STATUSES = [str(s) for s in PostStatus]
st.session_state["cal_status"] = QP.get("trang_thai") if QP.get("trang_thai") in STATUSES else ""

nav_row = st.container(horizontal=True, vertical_alignment="center")
nav_row.segmented_control(
    t("ui.calendar.view"),
    list(VIEWS),
    key="cal_view",
    format_func=lambda v: t(f"ui.calendar.{v}"),
    label_visibility="collapsed",
    on_change=lambda: _set("xem", st.session_state.get("cal_view") or "month"),
)
nav_row.button(
    "", icon=":material/chevron_left:", on_click=_shift, args=(-1,), key="cal_prev",
    help=t("ui.calendar.previous"),
)  # fmt: skip
nav_row.button(
    "", icon=":material/chevron_right:", on_click=_shift, args=(1,), key="cal_next",
    help=t("ui.calendar.next"),
)  # fmt: skip
nav_row.button(t("ui.calendar.today"), on_click=lambda: _set("ngay", None), key="cal_today")

filters = st.columns(4 if org_opts else 3)
ch_map = {c.id: c.name for c in channel_opts}
channel_id = filters[0].selectbox(
    t("ui.calendar.channel"),
    [0, *ch_map],
    key="cal_channel",
    format_func=lambda i: ch_map.get(i, f"#{i}") if i else t("ui.calendar.all"),
    label_visibility="collapsed",
    on_change=_filter_changed,
    args=("kenh", "cal_channel"),
)
cp_map = {o.campaign.id: o.campaign.name for o in camp_opts}
campaign_id = filters[1].selectbox(
    t("ui.calendar.campaign"),
    [0, *cp_map],
    key="cal_campaign",
    format_func=lambda i: cp_map.get(i, f"#{i}") if i else t("ui.calendar.all_campaigns"),
    label_visibility="collapsed",
    on_change=_filter_changed,
    args=("chien_dich", "cal_campaign"),
)
status = filters[2].selectbox(
    t("ui.calendar.status"),
    ["", *STATUSES],
    key="cal_status",
    format_func=lambda v: common.status_label(v) if v else t("ui.calendar.all_statuses"),
    label_visibility="collapsed",
    on_change=_filter_changed,
    args=("trang_thai", "cal_status"),
)
org_id = 0
if org_opts:
    om = {o.id: o.name for o in org_opts}
    org_id = filters[3].selectbox(  # type: ignore[assignment]
        t("ui.calendar.org"),
        [0, *om],
        key="cal_org",
        format_func=lambda i: om.get(i, f"#{i}") if i else t("ui.calendar.all_orgs"),
        label_visibility="collapsed",
        on_change=_filter_changed,
        args=("don_vi", "cal_org"),
    )

if view == "week":
    start, end = cal.week_bounds(ref)
    heading = f"{common.fmt_day(start)} – {common.fmt_day(end)}"
else:
    start, end = cal.month_bounds(ref.year, ref.month)
    heading = t(
        "ui.calendar.month_title", month=ref.month, year=ref.year,
        month_name=t(f"ui.month.{ref.month}"),
    )  # fmt: skip


def _wall_to_utc(text: str) -> datetime:
    """FullCalendar's ISO time (wall clock labelled Z) as an aware UTC datetime."""
    naive = datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)
    return local_datetime(naive.date(), naive.hour, naive.minute)


def _warn_hours(post_id: int) -> None:
    """After a move: say when the new time is outside a channel's usual (warning) hours."""
    notes = common.read(composer.hours_warnings, actor, post_id)
    if notes:
        _, message = st.session_state.get("flash", ("success", ""))
        detail = "; ".join(notes)
        common.flash("warning", f"{message} — {t('ui.hours.calendar_warn', detail=detail)}")


def _handle(value: dict[str, Any]) -> None:
    callback = value.get("callback")
    if callback == "eventChange":
        change = value["eventChange"]
        post_id = int(change["event"]["id"])
        due = _wall_to_utc(change["event"]["start"])
        moved = common.write(
            posts.reschedule,
            actor,
            post_id,
            due,
            success=t("ui.calendar.moved", id=post_id, at=common.fmt_dt(due)),
        )
        if moved is not None:
            st.session_state["cal_open"] = post_id
            _warn_hours(post_id)
        # Moved or refused (the reason is shown above the calendar): a new key draws the
        # calendar again from the database, so a refused post is back where it was.
        st.session_state["cal_round"] = st.session_state.get("cal_round", 0) + 1
    elif callback == "dateClick" and actor.can("post.compose"):
        click = value["dateClick"]
        naive = datetime.fromisoformat(click["date"].replace("Z", "+00:00")).replace(tzinfo=None)
        at = time(8, 0) if click.get("allDay") else naive.time().replace(second=0)
        st.session_state["compose_at"] = (naive.date(), at)
        st.switch_page("views/compose.py")
    elif callback == "eventClick":
        event_id = str(value["eventClick"]["event"].get("id", ""))
        if event_id.isdigit():
            st.session_state["cal_open"] = int(event_id)


def _calendar_key() -> str:
    round_ = st.session_state.get("cal_round", 0)
    return f"cal_{view}_{ref.isoformat()}_{channel_id}_{campaign_id}_{status}_{org_id}_{round_}"


# The calendar's last action (a drag, a click) is handled before the posts are read, so
# what is drawn below is already the result.
pending = st.session_state.get(_calendar_key())
if isinstance(pending, dict) and pending.get("callback"):
    signature = repr(sorted(pending.items(), key=lambda kv: kv[0]))
    if st.session_state.get("cal_last") != signature:
        st.session_state["cal_last"] = signature
        _handle(pending)
        common.show_flash()


flt = cal.CalendarFilter(
    org_id=org_id or None,
    channel_id=channel_id or None,
    campaign_id=campaign_id or None,
    status=status or None,
)
period = common.read(cal.period, actor, start, end, flt)

st.subheader(heading)
legend = " ".join(
    f'<span class="lg"><i style="background:{colour}"></i>{common.esc(common.status_label(s))}'
    "</span>"
    for s, colour in COLOURS.items()
)
st.html(
    "<style>.lg{display:inline-flex;align-items:center;gap:4px;margin:0 10px 4px 0;"
    "font-size:13px}.lg i{width:12px;height:12px;border-radius:3px;display:inline-block}</style>"
    f'<div data-testid="cal-legend">{legend} <span class="lg">· '
    f"{common.esc(t('ui.calendar.total', n=period.total))}</span></div>"
)
if actor.can("post.compose"):
    st.caption(t("ui.calendar.how"))


def _wall(value: datetime) -> str:
    """A local time as FullCalendar's wall-clock string (the calendar runs in 'UTC', so the
    browser's own time zone never shifts what the office sees)."""
    return to_local(value).replace(tzinfo=None).isoformat(timespec="minutes")


def _event(e: cal.Entry) -> dict[str, Any]:
    due = e.local
    movable = (
        e.status in MOVABLE
        and actor.can("post.compose")
        and (e.status in ("draft", "rejected") or actor.can("post.review"))
        and due > to_local(utcnow())
    )
    colour = COLOURS.get(e.status, "#6b7280")
    return {
        "id": str(e.post_id),
        # The time is part of the title: FullCalendar's own time label depends on locale
        # data the bundle lacks.
        "title": f"{due:%H:%M} · #{e.post_id} {e.title}"
        + (f" · {t('ui.signoff.badge')}" if e.awaiting_signoff else ""),
        "start": due.replace(tzinfo=None).isoformat(timespec="minutes"),
        "end": (due + timedelta(minutes=60)).replace(tzinfo=None).isoformat(timespec="minutes"),
        "backgroundColor": colour,
        "borderColor": colour,
        "textColor": "#ffffff",
        "editable": movable,
        "durationEditable": False,
        "extendedProps": {"status": common.status_label(e.status)},
    }


events = [_event(e) for d in period.days() for e in period.entries.get(d, [])]
en = get_language() == "en"
for on, marks in period.markers.items():
    for m in marks:
        events.append(
            {
                "id": f"mark-{m.slug}-{on}",
                "title": "★ " + (m.name_en if en else m.name),
                "start": on.isoformat(),
                "allDay": True,
                "editable": False,
                "backgroundColor": "#fff3cd",
                "borderColor": "#F2A900",
                "textColor": "#7a4b00",
                "classNames": ["cal-mark"],
            }
        )

options: dict[str, Any] = {
    "initialView": VIEWS[view],
    "initialDate": ref.isoformat(),
    "headerToolbar": False,
    "timeZone": "UTC",
    "locale": "vi" if not en else "en-gb",
    "firstDay": 1,
    "height": "auto",
    "editable": actor.can("post.compose"),
    "eventStartEditable": True,
    "eventDurationEditable": False,
    "selectable": False,
    "dayMaxEvents": False,
    "eventDisplay": "block",
    "displayEventTime": False,
    "slotLabelFormat": {"hour": "2-digit", "minute": "2-digit", "hour12": False},
    "slotMinTime": "06:00:00",
    "slotMaxTime": "23:00:00",
    "slotDuration": "00:30:00",
    "allDayText": t("ui.calendar.all_day"),
    "noEventsText": t("ui.calendar.empty"),
    "nowIndicator": True,
    "now": _wall(utcnow()),
}
CSS = """
.fc .fc-event, .fc .fc-event-main, .fc .fc-event-title, .fc .fc-list-event-title{
  white-space:normal !important; overflow:visible; font-size:12px; line-height:1.25}
.fc .fc-daygrid-event{padding:1px 3px; margin-top:2px}
.fc .fc-daygrid-day.fc-day-today, .fc .fc-timegrid-col.fc-day-today{background:#fff8e6}
.fc .fc-col-header-cell{background:#0B3D91; color:#fff}
.fc .fc-col-header-cell a{color:#fff}
.fc .fc-daygrid-day-number{font-weight:700; color:#334}
.fc-event.cal-mark{font-weight:600}
/* week view: a short slot cuts long titles; hovering (or focusing) a post shows all of it */
.fc .fc-timegrid-event-harness:hover, .fc .fc-timegrid-event-harness:focus-within{
  z-index:50 !important}
.fc .fc-timegrid-event-harness:hover > .fc-timegrid-event,
.fc .fc-timegrid-event-harness:focus-within > .fc-timegrid-event{
  bottom:auto !important; min-height:100%; box-shadow:0 2px 10px rgba(0,0,0,.35)}
.fc .fc-timegrid-event .fc-event-main{overflow:visible}
/* ... and cuts it at the box otherwise: the white text was painted over the cells below */
.fc .fc-timegrid-event{overflow:hidden}
.fc .fc-timegrid-slot{height:2.2em}
.fc .fc-event[draggable], .fc .fc-event.fc-event-draggable{cursor:grab}
@media (max-width: 600px){ .fc{font-size:11px} .fc .fc-event-title{font-size:10.5px} }
"""
full_calendar(
    events=events,
    options=options,
    custom_css=CSS,
    callbacks=["dateClick", "eventClick", "eventChange"],
    key=_calendar_key(),
)


if not events:
    st.info(t("ui.calendar.empty"))

# «Dời lịch»: the same move without dragging (and on a phone, where dragging is awkward).
movable = [e for e in events if e.get("editable") and str(e["id"]).isdigit()]
if movable:
    with st.expander(t("ui.calendar.move"), icon=":material/event_repeat:"):
        labels: dict[int, str] = {int(e["id"]): str(e["title"]) for e in movable}
        with st.form("cal_move_form", border=False):
            pick = st.selectbox(
                t("ui.calendar.move_post"), list(labels), format_func=lambda i: labels[i]
            )
            m1, m2 = st.columns(2)
            new_day = m1.date_input(t("ui.compose.date"), value=None, format="DD/MM/YYYY")
            new_time = m2.time_input(t("ui.compose.time"), value=None, step=300)
            if st.form_submit_button(t("ui.calendar.move_go"), type="primary"):
                if pick is None or new_day is None or new_time is None:
                    st.error(t("ui.calendar.move_missing"))
                else:
                    due = common.local_due(new_day, new_time)
                    if common.write(
                        posts.reschedule,
                        actor,
                        pick,
                        due,
                        success=t("ui.calendar.moved", id=pick, at=common.fmt_dt(due)),
                    ):
                        _warn_hours(pick)
                        st.session_state["cal_round"] = st.session_state.get("cal_round", 0) + 1
                        st.rerun()

chosen = st.session_state.get("cal_open")
if chosen:
    st.markdown(f"##### :material/open_in_new: {t('ui.calendar.open')}")
    try:
        post = common.read(posts.get_post, actor, chosen)
    except PublisherError:  # a stale id (deleted, another organisation's): forget it
        st.session_state.pop("cal_open", None)
    else:
        info = common.read(posts.detail, actor, chosen)
        assets = [common.read(media_svc.get_asset, actor, m["id"]) for m in info["media"]]
        st.markdown(
            f"{common.badge(post.status)} **#{post.id} {common.esc(post.title or '')}** · "
            f"{common.fmt_dt(post.due_at)}"
        )
        if post.review_comment:
            st.warning(t("ui.review.comment_was", comment=post.review_comment))
        shown = common.read(
            composer.previews,
            common.read(posts.variant_texts, post),
            assets,
            due_at=post.due_at,
            link=post.link,
            campaign=info["campaign"],
            title=post.title,
        )
        channel_previews(shown, post.due_at, key="cal")
        if post.status in ("draft", "rejected") and actor.can("post.compose"):
            if st.button(t("ui.calendar.edit"), icon=":material/edit:", key="cal_edit"):
                st.session_state["compose_load"] = chosen
                st.switch_page("views/compose.py")
