"""Bản tin phát thanh cơ sở: the commune officer picks this week's approved posts (or a
campaign's), edits the script written for listening, makes the bulletin with the machine
voice or their own (recorded here or uploaded), listens, sends it for review to be played on
the grassroots channels, and later confirms which communes played it."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import streamlit as st

from publisher.errors import PublisherError
from publisher.i18n import t
from publisher.services.insight import reach
from publisher.services.publishing import bulletins, campaigns
from publisher.services.publishing import channels as channels_svc
from publisher.timeutil import to_local, utcnow
from ui import common

actor = common.guard("post.compose")
common.page_header("ui.bulletin.title", "ui.bulletin.caption")
today = to_local(utcnow()).date()
state = st.session_state


def _post_label(p: Any) -> str:
    when = common.fmt_dt(p.due_at) if p.due_at else "—"
    head = p.title or (p.text or "").strip().splitlines()[0] if (p.title or p.text) else ""
    return f"{when} · {head[:80]}"


# -- 1. what the bulletin reads --------------------------------------------------------------
st.subheader(t("ui.bulletin.step_source"))
source = st.segmented_control(
    t("ui.bulletin.source"),
    ["week", "campaign"],
    default="week",
    key="bt_source",
    format_func=lambda k: t(f"ui.bulletin.source_{k}"),
)
picked: list[Any] = []
if source == "campaign":
    occurrences = common.read(campaigns.list_campaigns, actor, today.year)
    names = {o.campaign.slug: f"{o.campaign.name} ({common.fmt_day(o.on)})" for o in occurrences}
    c1, c2 = st.columns([3, 1])
    slug = c1.selectbox(
        t("ui.bulletin.campaign"),
        list(names),
        format_func=lambda k: names.get(k, str(k)),
        key="bt_campaign",
    )
    year = c2.number_input(
        t("ui.bulletin.year"), min_value=2025, max_value=2030, value=today.year, key="bt_year"
    )
else:
    week = common.read(bulletins.week_posts, actor, today)
    by_id = {p.id: p for p in week}
    chosen = st.multiselect(
        t("ui.bulletin.posts"),
        list(by_id),
        default=list(by_id)[:6],
        format_func=lambda i: _post_label(by_id[i]),
        key="bt_posts",
        placeholder=t("ui.bulletin.posts_placeholder"),
    )
    if not week:
        st.info(t("ui.bulletin.no_week_posts"), icon=":material/info:")

if st.button(t("ui.bulletin.draft"), icon=":material/edit_note:", key="bt_draft"):
    try:
        if source == "campaign":
            rows = common.read(
                bulletins.source_posts, actor, campaign=slug, year=int(year) if slug else None
            )
        else:
            rows = common.read(bulletins.source_posts, actor, post_ids=chosen)
        state["bt_script"] = common.read(bulletins.draft_script, actor, rows, today)
    except PublisherError as exc:
        common.show_error(exc)

# -- 2. the script -----------------------------------------------------------------------------
st.subheader(t("ui.bulletin.step_script"))
script = st.text_area(
    t("ui.bulletin.script"),
    key="bt_script",
    height=260,
    help=t("ui.bulletin.script_help"),
)

# -- 3. the voice -------------------------------------------------------------------------------
st.subheader(t("ui.bulletin.step_voice"))
voice = st.radio(
    t("ui.bulletin.voice"),
    ["espeak", "provider", "person"],
    format_func=lambda k: t(f"ui.bulletin.voice_{k}"),
    horizontal=True,
    key="bt_voice",
)
recording: bytes | None = None
recording_name = "recording"
if voice == "person":
    st.caption(t("ui.bulletin.person_help"))
    tab_rec, tab_up = st.tabs([t("ui.bulletin.record"), t("ui.bulletin.upload")])
    with tab_rec:
        recorded = st.audio_input(t("ui.bulletin.record_label"), key="bt_rec")
    with tab_up:
        uploaded = st.file_uploader(
            t("ui.bulletin.upload_label"),
            type=["mp3", "wav", "m4a", "ogg", "webm", "aac"],
            key="bt_upload",
        )
    chosen_file = uploaded or recorded
    if chosen_file is not None:
        recording = chosen_file.getvalue()
        recording_name = getattr(chosen_file, "name", "") or "recording"

if st.button(t("ui.bulletin.make"), type="primary", icon=":material/graphic_eq:", key="bt_make"):
    if voice == "person" and recording is None:
        st.error(t("ui.bulletin.need_recording"), icon=":material/mic_off:")
    else:
        with st.spinner(t("ui.bulletin.making")):
            made = common.write(
                bulletins.make,
                actor,
                script,
                voice="espeak" if voice == "person" else str(voice),
                recording=recording,
                recording_name=recording_name,
                title=t("ui.bulletin.asset_title", day=common.fmt_day(today)),
            )
        if made is not None:
            state["bt_made"] = made.as_dict()

# -- 4. listen ---------------------------------------------------------------------------------
made_info = state.get("bt_made")
if made_info:
    st.subheader(t("ui.bulletin.step_listen"))
    m1, m2, m3 = st.columns(3)
    m1.metric(
        t("ui.bulletin.duration"), t("ui.bulletin.seconds", s=f"{made_info['duration_s']:.0f}")
    )
    m2.metric(t("ui.bulletin.loudness"), f"{made_info['loudness_lufs']:.1f} LUFS")
    m3.metric(t("ui.bulletin.format"), f"MP3 {made_info['bitrate_kbps']} kbit/s")
    try:
        with open(made_info["file"], "rb") as handle:
            st.audio(handle.read(), format="audio/mpeg")
    except OSError:
        st.warning(t("ui.bulletin.file_gone"))

    # -- 5. schedule -----------------------------------------------------------------------
    st.subheader(t("ui.bulletin.step_schedule"))
    systems = [c for c in common.read(channels_svc.list_channels, actor) if c.kind == "grassroots"]
    if not systems:
        st.info(t("ui.bulletin.no_systems"), icon=":material/info:")
    else:
        with st.form("bt_schedule"):
            targets = st.multiselect(
                t("ui.bulletin.systems"),
                [c.name for c in systems],
                default=[c.name for c in systems],
            )
            d1, d2 = st.columns(2)
            day = d1.date_input(
                t("ui.bulletin.day"), value=today + timedelta(days=1), format="DD/MM/YYYY"
            )
            at = d2.time_input(t("ui.bulletin.time"), value=time(6, 0))
            if st.form_submit_button(t("ui.bulletin.schedule"), icon=":material/send:"):
                post = common.write(
                    bulletins.schedule,
                    actor,
                    int(made_info["asset_id"]),
                    targets,
                    common.local_due(day if isinstance(day, date) else today, at),
                    success=t("ui.bulletin.scheduled"),
                )
                if post is not None:
                    state.pop("bt_made", None)
                    st.rerun()

# -- 6. reach ----------------------------------------------------------------------------------
st.divider()
st.subheader(t("ui.bulletin.step_reach"))
st.caption(t("ui.bulletin.reach_help"))
sent = common.read(reach.bulletin_deliveries, actor)
if not sent:
    st.info(t("ui.bulletin.no_sent"), icon=":material/info:")
else:
    communes = common.read(reach.communes)
    commune_names = {c.slug: c.name for c in communes}
    st.dataframe(
        [
            {
                t("ui.bulletin.col_bulletin"): row["title"],
                t("ui.bulletin.col_system"): row["channel"],
                t("ui.bulletin.col_sent"): common.fmt_dt(row["sent_at"]),
                t("ui.bulletin.col_played"): ", ".join(
                    commune_names.get(c, c) for c in row["communes"]
                )
                or "—",
            }
            for row in sent
        ],
        hide_index=True,
        use_container_width=True,
    )
    with st.form("bt_played"):
        labels = {r["delivery_id"]: f"{r['title']} → {r['channel']}" for r in sent}
        delivery = st.selectbox(
            t("ui.bulletin.col_bulletin"), list(labels), format_func=lambda k: labels.get(k, str(k))
        )
        commune = st.selectbox(
            t("ui.bulletin.commune"),
            list(commune_names),
            format_func=lambda k: commune_names.get(k, str(k)),
        )
        if st.form_submit_button(t("ui.bulletin.confirm"), icon=":material/check_circle:"):
            if commune is None or delivery is None:
                st.error(t("error.reach_commune"))
            else:
                common.write(
                    reach.confirm_played,
                    actor,
                    int(delivery),
                    str(commune),
                    success=t("ui.bulletin.confirmed"),
                )
                st.rerun()
