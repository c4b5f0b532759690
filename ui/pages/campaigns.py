"""Chiến dịch: the national days with countdowns, the year's campaigns, create a campaign,
scaffold the lead-up plan (D-14 … D+1) of an occurrence."""

from __future__ import annotations

from datetime import date

import streamlit as st

from publisher.i18n import get_language, t
from publisher.services import campaigns, plan_media, plans
from publisher.services.channels import list_channels
from publisher.timeutil import to_local, utcnow
from ui import common

actor = common.guard("campaign.view")
common.page_header("ui.campaigns.title", "ui.campaigns.caption")
today = to_local(utcnow()).date()
en = get_language() == "en"

with common.read() as s:
    upcoming = campaigns.upcoming(s, actor, today)
    channel_opts = [c for c in list_channels(s, actor) if c.enabled]

national = [o for o in upcoming if o.campaign.kind == "national"]
cols = st.columns(max(1, len(national)))
for col_, occ in zip(cols, national, strict=False):
    with col_.container(border=True):
        name = occ.campaign.name_en if en and occ.campaign.name_en else occ.campaign.name
        st.markdown(f"**{common.esc(name)}**")
        days = (occ.on - today).days
        st.metric(
            t("ui.campaigns.countdown"),
            t("ui.campaigns.days_left", n=days),
            help=occ.campaign.hashtag or None,
        )
        st.caption(f"{common.fmt_day(occ.on)} · {occ.campaign.hashtag}")


def _left(on: date) -> str:
    days = (on - today).days
    return t("ui.campaigns.days_left", n=days) if days >= 0 else t("ui.campaigns.past")


year_col, _ = st.columns([1, 4])
year = year_col.number_input(
    t("ui.campaigns.year"), min_value=2024, max_value=2100, value=today.year, step=1, key="cp_year"
)
with common.read() as s:
    in_year = campaigns.list_campaigns(s, actor, int(year))
st.subheader(t("ui.campaigns.in_year", year=int(year)))
st.dataframe(
    [
        {
            t("ui.campaigns.col_date"): common.fmt_day(o.on),
            t("ui.campaigns.col_name"): o.campaign.name_en
            if en and o.campaign.name_en
            else o.campaign.name,
            t("ui.campaigns.col_kind"): t(f"ui.campaigns.kind_{o.campaign.kind}"),
            t("ui.campaigns.col_hashtag"): o.campaign.hashtag,
            t("ui.campaigns.col_days"): _left(o.on),
        }
        for o in in_year
    ],
    hide_index=True,
    use_container_width=True,
)

left, right = st.columns(2, gap="large")
with left:
    st.subheader(t("ui.campaigns.plan"))
    if not actor.can("campaign.plan"):
        st.info(t("ui.no_access"))
    else:
        st.caption(t("ui.campaigns.plan_help"))
        opts = {o.campaign.slug: f"{o.campaign.name} ({common.fmt_day(o.on)})" for o in upcoming}
        with st.form("cp_plan"):
            slug = st.selectbox(
                t("ui.compose.campaign"), list(opts), format_func=opts.get, key="cp_plan_slug"
            )
            chans = st.multiselect(
                t("ui.compose.channels"),
                [c.id for c in channel_opts],
                format_func={c.id: c.name for c in channel_opts}.get,
                default=[c.id for c in channel_opts],
                key="cp_plan_ch",
                placeholder=t("ui.compose.channels_placeholder"),
            )
            with_media = st.checkbox(t("ui.campaigns.with_media"), value=True, key="cp_plan_media")
            go = st.form_submit_button(t("ui.campaigns.plan_button"), type="primary")
        if go and slug:
            occ = next(o for o in upcoming if o.campaign.slug == slug)
            targets = [c for c in chans if c]
            media_plan = None
            if with_media:
                # Countdown cards, the day's clip and the recap card go to the render queue.
                planned = common.write(
                    lambda s: plan_media.scaffold_with_media(
                        s, actor, slug, occ.on.year, targets, lang=get_language()
                    )
                )
                result, media_plan = planned if planned is not None else (None, None)
            else:
                result = common.write(
                    lambda s: plans.scaffold(s, actor, slug, occ.on.year, targets)
                )
            if media_plan is not None:
                st.info(
                    t(
                        "ui.campaigns.media_queued",
                        queued=media_plan.queued,
                        existing=media_plan.existing,
                    )
                )
            if result is not None:
                st.success(
                    t(
                        "ui.campaigns.planned",
                        created=len(result.created),
                        existing=len(result.existing),
                        skipped=len(result.skipped_past),
                    )
                )
with right:
    st.subheader(t("ui.campaigns.create"))
    if not actor.can("campaign.manage"):
        st.info(t("ui.no_access"))
    else:
        with st.form("cp_new", clear_on_submit=True):
            name = st.text_input(t("ui.campaigns.name"), key="cp_name")
            on = st.date_input(
                t("ui.campaigns.date"), value=None, format="DD/MM/YYYY", key="cp_date"
            )
            yearly = st.checkbox(t("ui.campaigns.yearly"), key="cp_yearly")
            hashtag = st.text_input(
                t("ui.campaigns.hashtag"), key="cp_hashtag", placeholder="#ChuyenDoiSo"
            )
            description = st.text_area(t("ui.campaigns.description"), key="cp_desc")
            create = st.form_submit_button(t("ui.campaigns.create_button"), type="primary")
        if create:
            if on is None:
                st.error(t("ui.campaigns.date_required"))
            else:
                made = common.write(
                    lambda s: campaigns.create_campaign(
                        s,
                        actor,
                        name,
                        on=on,
                        yearly=yearly,
                        hashtag=hashtag,
                        description=description,
                    ),
                    t("ui.campaigns.created", name=name),
                )
                if made is not None:
                    st.rerun()
