"""Báo cáo: the semi-annual report (DOCX) and its figures (XLSX) for a period and an
organisation, ready to download; the S&T task register import for the coverage KPI."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import streamlit as st

from publisher.errors import InvalidInput, PublisherError
from publisher.i18n import t
from publisher.services.accounts.orgs import list_orgs
from publisher.services.insight import reports, tasks
from publisher.services.insight.periods import date_range
from publisher.services.insight.reports.reminder import due_report
from publisher.timeutil import fmt_date, to_local, utcnow
from ui import common
from ui.components import alert_text
from ui.components.public_feeds import results_section
from ui.components.report_collection import collection_section

actor = common.guard("report.export")
common.page_header("ui.reports.title", "ui.reports.caption")
today = to_local(utcnow()).date()


def _periods() -> list[str]:
    """Half-years that have begun, newest first (back to 2025, when the plan started)."""
    out = []
    year, half = today.year, 1 if today.month <= 6 else 2
    while year >= 2025:
        out.append(f"{year}-H{half}")
        year, half = (year, 1) if half == 2 else (year - 1, 2)
    return out


due = due_report(today)
if due is not None:
    deadline, half = due
    st.warning(
        t(
            "alert.report_due",
            period=alert_text.period_label(f"{today.year}-H{half}"),  # «6 tháng cuối năm 2026»
            deadline=fmt_date(deadline),
            days_left=(deadline - today).days,
        ),
        icon=":material/event:",
    )

orgs = common.read(list_orgs, actor)
org_options: dict[str | None, str] = {o.slug: o.name for o in orgs}
if actor.all_orgs:
    org_options = {None: t("ui.stats.all_orgs"), **org_options}
elif actor.is_coordinator:
    org_options = {None: t("ui.stats.whole_province"), **org_options}
CUSTOM = "custom"

with st.form("report_form"):
    c1, c2, c3 = st.columns([2, 3, 1])
    period = c1.selectbox(
        t("report.period"),
        [*_periods(), CUSTOM],
        format_func=lambda c: (
            t("ui.stats.period.custom") if c == CUSTOM else alert_text.period_label(c)
        ),
        key="rp_period",
    )
    picked = c1.date_input(
        t("ui.reports.range"),
        (date(today.year, 1, 1), today),
        format="DD/MM/YYYY",
        key="rp_range",
        help=t("ui.reports.range_help"),
    )
    org = c2.selectbox(
        t("ui.stats.org"), list(org_options), format_func=org_options.__getitem__, key="rp_org"
    )
    fmt = c3.radio(
        t("ui.reports.format"),
        list(reports.FORMATS),
        key="rp_format",
        format_func=lambda f: f.upper(),
    )
    submitted = st.form_submit_button(
        t("ui.reports.generate"), icon=":material/description:", type="primary"
    )

if submitted:
    try:
        with st.spinner(t("ui.reports.working")):
            chosen: Any = period
            if period == CUSTOM:
                if not isinstance(picked, tuple) or len(picked) != 2:
                    raise InvalidInput("error.report_range_or_period")
                chosen = date_range(picked[0], picked[1])
            content, name = common.read(reports.generate, actor, chosen, fmt, org, common.lang())
    except PublisherError as exc:
        common.show_error(exc)
    else:
        st.session_state["rp_result"] = (content, name, fmt)

result = st.session_state.get("rp_result")
if result:
    content, name, kind = result
    mime = (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if kind == "docx"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    st.success(t("ui.reports.ready", name=name))
    st.download_button(
        t("ui.reports.download", name=name),
        data=content,
        file_name=name,
        mime=mime,
        icon=":material/download:",
        key="rp_download",
    )
    if kind == "docx":
        st.caption(t("ui.reports.author_note"))

collection_section(actor, orgs, today)
results_section(actor, today)

if actor.can("task.manage"):
    st.divider()
    st.subheader(t("ui.reports.tasks_title"))
    st.caption(t("ui.reports.tasks_caption"))
    upload = st.file_uploader(t("ui.reports.tasks_file"), type=["csv", "xlsx"], key="rp_tasks")
    if upload is not None and st.button(
        t("ui.reports.tasks_import"), key="rp_tasks_import", icon=":material/upload_file:"
    ):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / Path(upload.name).name
            path.write_bytes(upload.getvalue())
            imported = common.write(tasks.import_tasks, actor, path)
        if imported is not None:
            st.success(t("task.imported", **imported.as_dict()))
