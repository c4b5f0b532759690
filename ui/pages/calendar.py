"""Lịch: month and week views of posts, coloured by status, with national days and
campaigns marked; filters; open a post to see its previews and deliveries."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from publisher.i18n import get_language, t
from publisher.services import calendar as cal
from publisher.services import campaigns, composer, orgs, posts
from publisher.services.channels import list_channels
from publisher.services.statuses import PostStatus
from publisher.timeutil import to_local, utcnow
from ui import common
from ui.components.post_view import channel_previews

actor = common.guard("post.view")
common.page_header("ui.calendar.title", "ui.calendar.caption")
MAX_IN_CELL = 4
MAX_IN_WEEK = 40
today = to_local(utcnow()).date()
if "cal_day" not in st.session_state:
    st.session_state["cal_day"] = today


def _shift(days: int = 0, months: int = 0) -> None:
    d: date = st.session_state["cal_day"]
    if months:
        m = d.month - 1 + months
        d = date(d.year + m // 12, m % 12 + 1, 1)
    st.session_state["cal_day"] = d + timedelta(days=days)


def _today() -> None:
    st.session_state["cal_day"] = today


channel_opts = common.read(list_channels, actor)
camp_opts = common.read(campaigns.upcoming, actor)
org_opts = common.read(orgs.list_orgs, actor) if actor.all_orgs else []

# Two rows: the view and its navigation sized to their labels, then the filters side by side
# (in one row of eight columns «Tuần» and «Mọi chiến dịch» were cut off).
nav_row = st.container(horizontal=True, vertical_alignment="center")
filters = st.columns(4 if org_opts else 3)
view = (
    nav_row.segmented_control(
        t("ui.calendar.view"),
        ["month", "week"],
        default="month",
        key="cal_view",
        format_func=lambda v: t(f"ui.calendar.{v}"),
        label_visibility="collapsed",
    )
    or "month"
)
step = (lambda k: _shift(months=k)) if view == "month" else (lambda k: _shift(days=7 * k))
nav_row.button(
    "",
    icon=":material/chevron_left:",
    on_click=step,
    args=(-1,),
    key="cal_prev",
    help=t("ui.calendar.previous"),
)
nav_row.button(
    "",
    icon=":material/chevron_right:",
    on_click=step,
    args=(1,),
    key="cal_next",
    help=t("ui.calendar.next"),
)
nav_row.button(t("ui.calendar.today"), on_click=_today, key="cal_today")
ch_map = {c.id: c.name for c in channel_opts}
channel_id = filters[0].selectbox(
    t("ui.calendar.channel"),
    [None, *ch_map],
    key="cal_channel",
    format_func=lambda i: ch_map[i] if i else t("ui.calendar.all"),
    label_visibility="collapsed",
)
cp_map = {o.campaign.id: o.campaign.name for o in camp_opts}
campaign_id = filters[1].selectbox(
    t("ui.calendar.campaign"),
    [None, *cp_map],
    key="cal_campaign",
    format_func=lambda i: cp_map[i] if i else t("ui.calendar.all_campaigns"),
    label_visibility="collapsed",
)
status = filters[2].selectbox(
    t("ui.calendar.status"),
    [None, *PostStatus],
    key="cal_status",
    format_func=lambda v: common.status_label(v) if v else t("ui.calendar.all_statuses"),
    label_visibility="collapsed",
)
org_id = None
if org_opts:
    om = {o.id: o.name for o in org_opts}
    org_id = filters[3].selectbox(
        t("ui.calendar.org"),
        [None, *om],
        key="cal_org",
        format_func=lambda i: om[i] if i else t("ui.calendar.all_orgs"),
        label_visibility="collapsed",
    )

ref: date = st.session_state["cal_day"]
if view == "month":
    start, end = cal.month_bounds(ref.year, ref.month)
    heading = t(
        "ui.calendar.month_title",
        month=ref.month,
        year=ref.year,
        month_name=t(f"ui.month.{ref.month}"),
    )
else:
    start, end = cal.week_bounds(ref)
    heading = f"{common.fmt_day(start)} – {common.fmt_day(end)}"
flt = cal.CalendarFilter(
    org_id=org_id, channel_id=channel_id, campaign_id=campaign_id, status=status
)
period = common.read(
    cal.period, actor, start, end, flt, per_day=MAX_IN_CELL if view == "month" else MAX_IN_WEEK
)

st.subheader(heading)
legend = " ".join(
    common.badge(x) for x in ("draft", "in_review", "scheduled", "published", "failed")
)
st.markdown(f"{legend} :small[· {t('ui.calendar.total', n=period.total)}]")

en = get_language() == "en"
weekdays = [t(f"ui.calendar.wd{i}") for i in range(7)]
cells = []
for d in period.days():
    entries = period.entries.get(d, [])
    marks = "".join(
        f'<div class="cal-mark">★ {common.esc(m.name_en if en else m.name)}</div>'
        for m in period.markers.get(d, [])
    )
    items = "".join(
        f'<div class="cal-post" style="border-left-color:{common.status_hex(e.status)}" '
        f'title="{common.esc(common.status_label(e.status))}">'
        f"<b>{e.local:%H:%M}</b> #{e.post_id} {common.esc(e.title)}</div>"
        for e in entries
    )
    extra = sum(period.day_counts.get(d, {}).values()) - len(entries)
    more = (
        f'<div class="cal-more">{common.esc(t("ui.calendar.more", n=extra))}</div>'
        if extra > 0
        else ""
    )
    classes = (
        "cal-cell"
        + (" cal-other" if view == "month" and d.month != ref.month else "")
        + (" cal-today" if d == today else "")
        + (" cal-marked" if marks else "")
    )
    cells.append(
        f'<td class="{classes}"><div class="cal-day">{d.day:02d}/{d.month:02d}</div>'
        f"{marks}{items}{more}</td>"
    )
rows = "".join("<tr>" + "".join(cells[i : i + 7]) + "</tr>" for i in range(0, len(cells), 7))
height = "118px" if view == "month" else "420px"
st.html(f"""<style>
.cal{{width:100%;border-collapse:collapse;table-layout:fixed;font-family:sans-serif}}
.cal th{{background:#0B3D91;color:#fff;padding:6px;font-weight:600;font-size:13px}}
.cal-cell{{border:1px solid #d9dee7;vertical-align:top;height:{height};padding:4px;
 background:#fff;overflow:hidden}}
.cal-other{{background:#f5f6f8;color:#9aa1ad}}.cal-today{{outline:2px solid #F2A900;
 outline-offset:-2px}}
.cal-marked{{background:#fff8e6}}
.cal-day{{font-size:12px;font-weight:700;color:#334}}
.cal-mark{{font-size:11px;color:#a15c00;font-weight:600;margin:1px 0}}
.cal-post{{font-size:11.5px;border-left:4px solid #999;background:#f3f6fb;margin:2px 0;
 padding:1px 4px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;border-radius:2px}}
.cal-more{{font-size:11px;color:#555}}
</style><table class="cal"><tr>{"".join(f"<th>{w}</th>" for w in weekdays)}</tr>{rows}</table>""")

all_entries = [e for d in period.days() for e in period.entries.get(d, [])]
if all_entries:
    st.markdown(f"##### :material/open_in_new: {t('ui.calendar.open')}")
    labels = {e.post_id: f"#{e.post_id} · {e.local:%d/%m %H:%M} · {e.title}" for e in all_entries}
    chosen = st.selectbox(
        t("ui.calendar.open_pick"),
        [None, *labels],
        key="cal_open",
        format_func=lambda i: labels[i] if i else "—",
    )
    if chosen:
        from publisher.services import media as media_svc

        post = common.read(posts.get_post, actor, chosen)
        info = common.read(posts.detail, actor, chosen)
        assets = [common.read(media_svc.get_asset, actor, m["id"]) for m in info["media"]]
        st.markdown(
            f"{common.badge(post.status)} **{common.esc(post.title or '')}** · "
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
                st.switch_page("pages/compose.py")
else:
    st.info(t("ui.calendar.empty"))
