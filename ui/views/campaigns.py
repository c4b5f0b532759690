"""Chiến dịch: the national days with countdowns, the year's campaigns, create a campaign,
scaffold the lead-up plan (D-14 … D+1) of an occurrence."""

from __future__ import annotations

from datetime import date

import streamlit as st

from publisher.i18n import get_language, t
from publisher.services.publishing import campaign_media as plan_media
from publisher.services.publishing import campaigns
from publisher.services.publishing.channels import list_channels
from publisher.services.studio import render_jobs as renders_svc
from publisher.timeutil import to_local, utcnow
from ui import common
from ui.components import render_jobs
from ui.components.public_feeds import feeds_section

actor = common.guard("campaign.view")
common.page_header("ui.campaigns.title", "ui.campaigns.caption")
today = to_local(utcnow()).date()
en = get_language() == "en"

upcoming = common.read(campaigns.upcoming, actor, today)
channel_opts = [c for c in common.read(list_channels, actor) if c.enabled]

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


PLAN_JOBS = "cp_plan_jobs"


def _plan_jobs(job_ids: list[int]) -> renders_svc.JobBoard:
    """The plan's own renders, then the channel versions made from them still to come."""
    return common.read(renders_svc.jobs_board, actor, job_ids, common.lang(), with_fits=True)


year_col, _ = st.columns([1, 4])
# The year of the next occurrence: late in the year, this year's days have all passed.
next_year = min((o.on.year for o in upcoming), default=today.year)
year = year_col.number_input(
    t("ui.campaigns.year"), min_value=2024, max_value=2100, value=next_year, step=1, key="cp_year"
)
in_year = common.read(campaigns.list_campaigns, actor, int(year))
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
    width="stretch",
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
                t("ui.compose.campaign"),
                list(opts),
                format_func=lambda k: opts.get(k, k),
                key="cp_plan_slug",
            )
            # A plan is text and pictures: loudspeakers play only the bulletins of their page.
            names = {
                c.id: c.name for c in channel_opts if c.id is not None and c.kind != "grassroots"
            }
            chans = st.multiselect(
                t("ui.compose.channels"),
                list(names),
                format_func=lambda i: names.get(i, str(i)),
                default=list(names),
                key="cp_plan_ch",
                placeholder=t("ui.compose.channels_placeholder"),
            )
            with_media = st.checkbox(t("ui.campaigns.with_media"), value=True, key="cp_plan_media")
            send = st.checkbox(t("ui.campaigns.submit_plan"), value=True, key="cp_plan_submit")
            go = st.form_submit_button(t("ui.campaigns.plan_button"), type="primary")
        if go and slug:
            occ = next(o for o in upcoming if o.campaign.slug == slug)
            targets = [c for c in chans if c]
            outcome = common.write(
                plan_media.plan_occurrence,
                actor,
                slug,
                occ.on.year,
                targets,
                with_media=with_media,
                submit=send,
                lang=get_language(),
            )
            if outcome is not None:
                result, media_plan, sent = outcome
                st.success(
                    t(
                        "ui.campaigns.planned",
                        created=len(result.created),
                        existing=len(result.existing),
                        skipped=len(result.skipped_past),
                    )
                )
                if send:
                    st.success(t("ui.campaigns.submitted", count=len(sent)))
                if media_plan is not None:
                    st.info(
                        t(
                            "ui.campaigns.media_queued",
                            queued=media_plan.queued,
                            existing=media_plan.existing,
                        )
                    )
                    st.session_state[PLAN_JOBS] = [j.id for j in media_plan.jobs if j.id]
        job_ids = st.session_state.get(PLAN_JOBS) or []
        if job_ids:
            # The plan's cards and clip (and, once they exist, each channel's version).
            st.markdown(f"**{t('ui.campaigns.plan_renders')}**")
            render_jobs.live_jobs(actor, lambda: _plan_jobs(job_ids), key="cp_rj")
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
                day: date = on
                made = common.write(
                    campaigns.create_campaign,
                    actor,
                    name,
                    on=day,
                    yearly=yearly,
                    hashtag=hashtag,
                    description=description,
                    success=t("ui.campaigns.created", name=name),
                )
                if made is not None:
                    st.rerun()

feeds_section(actor, int(year), in_year)
