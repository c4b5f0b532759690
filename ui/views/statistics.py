"""Thống kê: engagement figures, trends, breakdowns, top posts, year-over-year campaigns and
the KPIs against the plan with traffic lights. Reads only, through the services."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from publisher.errors import PublisherError
from publisher.i18n import t
from publisher.services.accounts.orgs import list_orgs
from publisher.services.insight import audience, engagement, kpi, stats
from publisher.services.insight.periods import Period, date_range, parse_period
from publisher.services.insight.reports.fmt import num
from publisher.services.publishing import channels as channels_svc
from publisher.timeutil import to_local, utcnow
from ui import common

actor = common.guard("stats.view")
common.page_header("ui.stats.title", "ui.stats.caption")
today = to_local(utcnow()).date()
COUNTERS = ("reactions", "comments", "shares", "views", "clicks")
#: Whole-number axes with Vietnamese thousands ("14.000", never "0.000000" or "14,000").
COUNT_AXIS: dict[str, Any] = {
    "format": ",d",
    "tickMinStep": 1,
    "labelExpr": "replace(format(datum.value, ',d'), regexp(',', 'g'), '.')",
}
LIGHT = {"green": "green", "amber": "orange", "red": "red"}


def _periods() -> dict[str, str]:
    half = 1 if today.month <= 6 else 2
    prev = f"{today.year}-H1" if half == 2 else f"{today.year - 1}-H2"
    return {
        f"{today.year}-H{half}": t("ui.stats.period.this_half"),
        prev: t("ui.stats.period.last_half"),
        str(today.year): t("ui.stats.period.this_year"),
        str(today.year - 1): t("ui.stats.period.last_year"),
        "custom": t("ui.stats.period.custom"),
    }


def _filters() -> tuple[Period, stats.StatsFilter] | None:
    periods = _periods()
    orgs = common.read(list_orgs, actor)
    campaigns = common.read(stats.campaign_choices, actor)
    c1, c2, c3, c4, c5 = st.columns([2, 2, 1.3, 2, 1.3])
    code = c1.selectbox(
        t("ui.stats.period"), list(periods), format_func=periods.__getitem__, key="st_period"
    )
    try:
        if code == "custom":
            picked = c1.date_input(
                t("ui.stats.range"),
                (today - timedelta(days=30), today),
                format="DD/MM/YYYY",
                key="st_range",
            )
            if not isinstance(picked, tuple) or len(picked) != 2:
                st.info(t("ui.stats.pick_range"))
                return None
            period = date_range(picked[0], picked[1])
        else:
            period = parse_period(code)
    except PublisherError as exc:
        common.show_error(exc)
        return None
    org_options: dict[int | None, str] = {o.id: o.name for o in orgs}
    if actor.all_orgs:
        org_options = {None: t("ui.stats.all_orgs"), **org_options}
    elif actor.is_coordinator:  # every unit of the province, and each one
        org_options = {None: t("ui.stats.whole_province"), **org_options}
    org_id = c2.selectbox(
        t("ui.stats.org"), list(org_options), format_func=org_options.__getitem__, key="st_org"
    )
    kinds: dict[str | None, str] = {None: t("ui.stats.all")} | {
        k: t(f"stats.kind.{k}") for k in channels_svc.kinds()
    }
    kind = c3.selectbox(
        t("stats.col.platform"), list(kinds), format_func=kinds.__getitem__, key="st_kind"
    )
    camp: dict[int | None, str] = {None: t("ui.stats.all")} | {c[0]: c[1] for c in campaigns}
    campaign_id = c4.selectbox(
        t("stats.col.campaign"), list(camp), format_func=camp.__getitem__, key="st_campaign"
    )
    types: dict[str | None, str] = {None: t("ui.stats.all")} | {
        k: t(f"stats.content.{k}") for k in stats.CONTENT_TYPES
    }
    content = c5.selectbox(
        t("stats.col.content_type"), list(types), format_func=types.__getitem__, key="st_content"
    )
    flt = stats.StatsFilter(
        start=period.start_utc,
        end=period.end_utc,
        org_id=org_id,
        kind=kind,
        campaign_id=campaign_id,
        content_type=content,
    )
    return period, flt


def _metrics(tot: dict[str, Any]) -> None:
    keys = ("posts", "deliveries", "engagement", "clicks", *COUNTERS[:4])
    for row in (keys[:4], keys[4:]):  # two rows: large Vietnamese numbers stay readable
        for col, key in zip(st.columns(4), row, strict=True):
            value = tot.get(key)
            col.metric(
                t(f"stats.col.{key}"),
                num(value) if value is not None else "—",
                help=t("ui.stats.na_help") if value is None else None,
            )
    when = tot.get("collected_at")
    c1, c2 = st.columns([4, 1])
    c1.caption(
        t("ui.stats.collected", at=common.fmt_dt(when)) if when else t("ui.stats.never_collected")
    )
    if c2.button(
        t("ui.stats.collect_now"), icon=":material/refresh:", key="st_collect", width="stretch"
    ):
        _collect_now()


def _collect_now() -> None:
    """«Thu thập ngay»: collect the actor's channels now, with a progress bar."""
    bar = st.progress(0.0, text=t("ui.stats.collecting"))

    def step(done: int, total: int, channel: str) -> None:
        share = done / total if total else 1.0
        bar.progress(
            share, text=t("ui.stats.collecting_channel", channel=channel) if channel else ""
        )

    result = engagement.collect_now(actor, progress=step)
    bar.empty()
    failed = result.failed_channels
    common.flash(
        "warning" if failed else "success",
        t(
            "stats.collect.done",
            snapshots=result.snapshots,
            channels=len(result.channels),
            failed=len(failed),
        ),
    )
    st.rerun()


def _frame(rows: list[dict[str, Any]], label: str) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                label: r.get("label") if r.get("label") is not None else t("stats.no_campaign"),
                **{
                    t(f"stats.col.{c}"): _shown(r.get(c))
                    for c in ("posts", "deliveries", *COUNTERS, "engagement")
                },
            }
            for r in rows
        ]
    )


def _shown(value: Any) -> str:
    """A figure as people read it: "12.345", "0,5"; a dash where the platform gives none
    (never "None")."""
    return "—" if value is None else num(value)


def _label(key: str) -> str:
    """``2026-07`` -> ``07/2026``, ``2026-07-15`` -> ``15/07/2026`` (Vietnamese order)."""
    parts = key.split("-")
    return "/".join(reversed(parts)) if all(p.isdigit() for p in parts) else key


def _trend(rows: list[dict[str, Any]], unit: str) -> None:
    if not rows:
        st.info(t("stats.empty"))
        return
    frame = pd.DataFrame(
        [
            {"bucket": _label(str(r["key"])), "engagement": r["engagement"], "posts": r["posts"]}
            for r in rows
        ]
    )
    base = alt.Chart(frame).encode(
        x=alt.X(
            "bucket:N",
            sort=None,
            title=t(f"ui.stats.unit.{unit}"),
            axis=alt.Axis(labelAngle=0 if unit == "month" else -45),
        )
    )
    bars = base.mark_bar(color="#0B3D91").encode(
        y=alt.Y("engagement:Q", title=t("stats.col.engagement"), axis=alt.Axis(**COUNT_AXIS)),
        tooltip=[
            alt.Tooltip("bucket:N", title=t(f"ui.stats.unit.{unit}")),
            alt.Tooltip("engagement:Q", title=t("stats.col.engagement")),
            alt.Tooltip("posts:Q", title=t("stats.col.posts")),
        ],
    )
    line = base.mark_line(color="#F2A900", point=True, strokeWidth=3).encode(
        y=alt.Y("posts:Q", title=t("stats.col.posts"), axis=alt.Axis(**COUNT_AXIS))
    )
    st.altair_chart(alt.layer(bars, line).resolve_scale(y="independent"), width="stretch")


def _breakdown(flt: stats.StatsFilter) -> None:
    dims = {
        "org": "stats.col.org",
        "channel": "stats.col.channel",
        "kind": "stats.col.platform",
        "campaign": "stats.col.campaign",
        "content_type": "stats.col.content_type",
        "theme": "report.table.by_theme.col",
        "audience": "report.table.by_audience.col",
    }
    by = st.segmented_control(
        t("ui.stats.group_by"),
        list(dims),
        default="channel",
        format_func=lambda k: t(dims[k]),
        key="st_by",
    )
    by = by or "channel"
    rows = common.read(stats.breakdown, actor, flt, by, limit=50)
    if not rows:
        st.info(t("stats.empty"))
        return
    for r in rows:
        if by == "kind":
            r["label"] = t(f"stats.kind.{r['key']}")
        elif by == "content_type":
            r["label"] = t(f"stats.content.{r['key']}")
        elif by in ("theme", "audience"):
            r["label"] = t(f"topic.{by}.{r['key']}") if r["key"] else t("topic.none")
    label = t(dims[by])
    frame = _frame(rows, label)
    plot = pd.DataFrame(
        [{label: r["label"], "engagement": r.get("engagement") or 0} for r in rows[:20]]
    )
    chart = (
        alt.Chart(plot)
        .mark_bar(color="#0B3D91")
        .encode(
            x=alt.X("engagement:Q", title=t("stats.col.engagement"), axis=alt.Axis(**COUNT_AXIS)),
            y=alt.Y(f"{label}:N", sort="-x", title=None),
        )
    )
    st.altair_chart(chart, width="stretch")
    st.dataframe(frame, hide_index=True, width="stretch")


def _top(flt: stats.StatsFilter) -> None:
    rows = common.read(stats.top_posts, actor, flt, limit=10)
    if not rows:
        st.info(t("stats.empty"))
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("stats.col.rank"): i + 1,
                    t("stats.col.post"): (r["title"] or r["text"] or "")[:120],
                    t("stats.col.org"): r["org"],
                    t("stats.col.sent_at"): common.fmt_dt(r["sent_at"]),
                    t("stats.col.engagement"): _shown(r["engagement"]),
                    t("stats.col.reactions"): _shown(r.get("reactions")),
                    t("stats.col.clicks"): _shown(r.get("clicks")),
                }
                for i, r in enumerate(rows)
            ]
        ),
        hide_index=True,
        width="stretch",
    )


def _yoy(flt: stats.StatsFilter) -> None:
    names = {c[0]: c[1] for c in common.read(stats.campaign_choices, actor)}
    if not names:
        st.info(t("stats.empty"))
        return
    c1, c2 = st.columns([3, 2])
    campaign_id = c1.selectbox(
        t("stats.col.campaign"), list(names), format_func=names.__getitem__, key="st_yoy_campaign"
    )
    years = c2.multiselect(
        t("stats.col.year"),
        list(range(today.year - 3, today.year + 2)),
        default=[today.year - 1, today.year],
        key="st_yoy_years",
    )
    if not years:
        return
    rows = common.read(
        stats.year_over_year,
        actor,
        campaign_id,
        sorted(years),
        stats.StatsFilter(org_id=flt.org_id, kind=flt.kind),
    )
    frame = pd.DataFrame(
        [
            {
                t("stats.col.year"): str(r["year"]),
                t("stats.col.posts"): r["posts"],
                t("stats.col.orgs"): r["orgs"],
                t("stats.col.engagement"): r["engagement"],
                **{t(f"stats.col.{c}"): _shown(r.get(c)) for c in COUNTERS},
            }
            for r in rows
        ]
    )
    st.altair_chart(
        alt.Chart(frame)
        .mark_bar(color="#0B3D91")
        .encode(
            x=alt.X(f"{t('stats.col.year')}:N", axis=alt.Axis(labelAngle=0)),
            y=alt.Y(f"{t('stats.col.engagement')}:Q", axis=alt.Axis(**COUNT_AXIS)),
        ),
        width="stretch",
    )
    # The chart needs the number; the table shows it as people read it («1.236», like the rest).
    shown = frame.assign(**{t("stats.col.engagement"): [_shown(r["engagement"]) for r in rows]})
    st.dataframe(shown, hide_index=True, width="stretch")


def _audience(flt: stats.StatsFilter) -> None:
    """Followers of the channels that say how many (Zalo OA), with the last change."""
    rows = common.read(audience.current, actor, flt.org_id)
    if not rows:
        return
    with st.expander(t("ui.stats.audience"), expanded=True):
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        t("stats.col.channel"): r["channel"],
                        t("stats.col.followers"): num(r["count"]),
                        t("stats.col.change"): "" if r["change"] is None else f"{r['change']:+d}",
                        t("stats.col.follows_7d"): num(r["follows"]),
                        t("stats.col.unfollows_7d"): num(r["unfollows"]),
                        t("stats.col.messages_7d"): num(r["messages"]),
                        t("stats.col.collected_at"): common.fmt_dt(r["at"]),
                    }
                    for r in rows
                ]
            ),
            hide_index=True,
            width="stretch",
        )


def _kpis(period: Period, org_id: int | None) -> None:
    kpis = common.read(kpi.all_kpis, actor, period, org_id, today=today)
    cols = st.columns(len(kpis))
    for col, k in zip(cols, kpis, strict=True):
        unit = "%" if k.unit == "%" else " " + t("kpi.unit.posts")
        with col.container(border=True):
            st.markdown(f"**{t(f'kpi.{k.key}')}**")
            if not k.denominator:  # nothing to measure: no data, not «0%» met or not
                st.markdown("### —")
                st.markdown(
                    f":gray-badge[{t('stats.not_available')}] "
                    f"{t('ui.stats.target', target=num(k.target) + unit)}"
                )
                continue
            st.markdown(f"### {num(k.value)}{unit}")
            st.markdown(
                f":{LIGHT[k.status]}-badge[{t(f'kpi.status.{k.status}')}] "
                f"{t('ui.stats.target', target=num(k.target) + unit)}"
            )
    coverage = kpis[0]
    with st.expander(t("ui.stats.tasks", covered=coverage.numerator, total=coverage.denominator)):
        if coverage.detail:
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            t("stats.col.task_code"): d["code"],
                            t("stats.col.task_title"): d["title"],
                            t("stats.col.task_covered"): t(
                                "common.yes" if d["covered"] else "common.no"
                            ),
                            t("stats.col.task_where"): ", ".join(d["channels"]),
                            t("stats.col.first_published"): common.fmt_dt(d["first_published"]),
                        }
                        for d in coverage.detail
                    ]
                ),
                hide_index=True,
                width="stretch",
            )
        else:
            st.info(t("ui.stats.no_tasks"))
    days = kpis[1].detail
    if days:
        with st.expander(t("ui.stats.days")):
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            t("stats.col.campaign"): d["campaign"],
                            t("stats.col.date"): common.fmt_day(d["date"]),
                            t("stats.col.published_orgs"): f"{d['published']}/{d['organisations']}",
                            t("stats.col.share"): d["share"],
                            t("stats.col.missing"): ", ".join(d["missing"]),
                        }
                        for d in days
                    ]
                ),
                hide_index=True,
                width="stretch",
            )


chosen = _filters()
if chosen is not None:
    period, flt = chosen
    try:
        totals = common.read(stats.totals, actor, flt)
        unit = "month" if (period.end - period.start).days > 62 else "day"
        trend = common.read(stats.breakdown, actor, flt, unit)
    except PublisherError as exc:
        common.show_error(exc)
        st.stop()
    _metrics(totals)
    _audience(flt)
    st.caption(t("stats.note.telegram_views"))
    tabs = st.tabs(
        [
            t("ui.stats.tab.trend"),
            t("ui.stats.tab.breakdown"),
            t("ui.stats.tab.top"),
            t("ui.stats.tab.yoy"),
            t("ui.stats.tab.kpi"),
        ]
    )
    with tabs[0]:
        _trend(trend, unit)
    with tabs[1]:
        _breakdown(flt)
    with tabs[2]:
        _top(flt)
    with tabs[3]:
        _yoy(flt)
    with tabs[4]:
        _kpis(period, flt.org_id)
