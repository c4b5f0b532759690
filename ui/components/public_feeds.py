"""The public feeds and pages in the interface: a unit's feed URLs and embed snippet (the
campaigns page), and the coordinator's control that publishes a campaign year's results on
its public page (the reports page). Services only."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from publisher.i18n import t
from publisher.services.accounts.actor import Actor
from publisher.services.insight import public_links, results
from publisher.services.publishing import campaigns
from ui import common


def _urls(links: dict[str, Any]) -> None:
    st.markdown(
        f"- {t('ui.feeds.page')}: {links['page']}\n"
        f"- Atom: {links['atom']}\n- RSS: {links['rss']}\n- JSON Feed: {links['json']}"
    )


def feeds_section(actor: Actor, year: int, in_year: list[Any]) -> None:
    """The actor's unit feeds and embed snippet, and one campaign year's."""
    st.divider()
    st.subheader(t("ui.feeds.title"))
    st.caption(t("ui.feeds.intro"))
    if actor.org_id is not None:
        unit = common.read(public_links.links_for_unit, actor)
        st.markdown(f"**{common.esc(unit['title'])}**")
        _urls(unit)
        st.caption(t("ui.feeds.embed"))
        st.code(unit["snippet"], language="html")
    options = {o.campaign.slug: o.campaign.name for o in in_year}
    if options:
        slug = st.selectbox(
            t("ui.feeds.campaign_pick", year=year),
            list(options),
            format_func=lambda s: options[s],
            key="pf_campaign",
        )
        camp = common.read(public_links.links_for_campaign, actor, slug, year)
        _urls(camp)
        st.caption(t("ui.feeds.campaign_embed"))
        st.code(camp["snippet"], language="html")


def results_section(actor: Actor, today: date) -> None:
    """Publish or withdraw a campaign year's results (the coordinator)."""
    if not actor.can(results.PERMISSION):
        return
    st.divider()
    st.subheader(t("ui.feeds.results_title"))
    st.caption(t("ui.feeds.results_caption"))
    left, right = st.columns([1, 3])
    year = int(
        left.number_input(
            t("ui.campaigns.year"), min_value=2024, max_value=2100, value=today.year, key="pr_year"
        )
    )
    occ = common.read(campaigns.list_campaigns, actor, year)
    options = {o.campaign.slug: o.campaign.name for o in occ}
    if not options:
        st.info(t("ui.feeds.results_none"))
        return
    slug = right.selectbox(
        t("ui.feeds.campaign_pick", year=year),
        list(options),
        format_func=lambda s: options[s],
        key="pr_campaign",
    )
    state = common.read(public_links.results_state, actor, slug, year)
    if state:
        when = str(state.get("published_at", ""))[:10]
        day = f"{when[8:10]}/{when[5:7]}/{when[:4]}" if len(when) == 10 else when
        st.success(t("ui.feeds.results_state_on", year=year, when=day))
    else:
        st.info(t("ui.feeds.results_state_off", year=year))
    a, b = st.columns(2)
    if a.button(t("ui.feeds.publish_results"), key="pr_publish", type="primary"):
        done = common.write(
            results.publish,
            actor,
            slug,
            year,
            success=t("feeds.results.published", campaign=options[slug], year=year),
        )
        if done is not None:
            st.rerun()
    if state and b.button(t("ui.feeds.withdraw_results"), key="pr_withdraw"):
        common.write(
            results.withdraw,
            actor,
            slug,
            year,
            success=t("feeds.results.withdrawn", campaign=options[slug], year=year),
        )
        st.rerun()
