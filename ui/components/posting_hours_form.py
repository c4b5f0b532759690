"""«Khung giờ đăng» of a channel: what its rules are (every role reads them on the channels
page) and the form administrators set them with."""

from __future__ import annotations

from functools import partial
from typing import Any

import streamlit as st

from publisher.i18n import t
from publisher.services.accounts.actor import Actor
from publisher.services.publishing import posting_hours
from ui import common

DAYS = list(range(7))
DAY_KEYS = (
    "hours.day.mon",
    "hours.day.tue",
    "hours.day.wed",
    "hours.day.thu",
    "hours.day.fri",
    "hours.day.sat",
    "hours.day.sun",
)


def summary(channel: Any) -> str | None:
    """«Khung giờ đăng: 07:00–21:30, T2…T6 (ngoài giờ: không cho đăng) · Giờ đẹp: 07:30»."""
    hours = posting_hours.of(channel)
    if not hours.limited and not hours.best:
        return None
    parts = []
    if hours.limited:
        parts.append(
            t(
                "ui.hours.summary",
                window=posting_hours.describe(hours),
                mode=t(f"ui.hours.mode.{hours.mode}"),
            )
        )
    if hours.best:
        parts.append(t("ui.hours.best_summary", times=", ".join(f"{b:%H:%M}" for b in hours.best)))
    return " · ".join(parts)


def form(channel: Any, actor: Actor) -> None:
    """The rules' form in an expander (administrators)."""
    cid = channel.id or 0
    hours = posting_hours.of(channel)
    with st.expander(t("ui.hours.edit")), st.form(f"ch_hours_{cid}"):
        st.caption(t("ui.hours.help"))
        c1, c2 = st.columns(2)
        start = c1.text_input(
            t("ui.hours.start"),
            value=f"{hours.start:%H:%M}" if hours.start else "",
            placeholder="07:00",
            key=f"ch_{cid}_h_start",
        )
        end = c2.text_input(
            t("ui.hours.end"),
            value=f"{hours.end:%H:%M}" if hours.end else "",
            placeholder="21:30",
            key=f"ch_{cid}_h_end",
        )
        days = st.multiselect(
            t("ui.hours.days"),
            DAYS,
            default=sorted(hours.days),
            format_func=lambda d: t(DAY_KEYS[d]),
            key=f"ch_{cid}_h_days",
            placeholder=t("ui.hours.days_none"),
        )
        mode = st.radio(
            t("ui.hours.mode"),
            list(posting_hours.MODES),
            index=list(posting_hours.MODES).index(hours.mode),
            format_func=lambda m: t(f"ui.hours.mode.{m}"),
            key=f"ch_{cid}_h_mode",
            horizontal=True,
        )
        best = st.text_input(
            t("ui.hours.best"),
            value=", ".join(f"{b:%H:%M}" for b in hours.best),
            placeholder="07:30, 11:30, 19:30",
            key=f"ch_{cid}_h_best",
        )
        if st.form_submit_button(t("ui.hours.save"), type="primary"):
            saved = common.write(
                partial(
                    posting_hours.set_hours,
                    actor=actor,
                    channel_ref=cid,
                    start=start,
                    end=end,
                    days=days,
                    mode=mode,
                    best=best,
                ),
                success=t("ui.hours.saved", name=channel.name),
            )
            if saved is not None:
                st.rerun()
