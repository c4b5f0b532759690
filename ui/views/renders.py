"""Bản dựng: the render queue of the organisation — queued and running renders with progress
(editors may cancel), failures in plain language, finished cards and clips previewed."""

from __future__ import annotations

import streamlit as st

from publisher.i18n import t
from publisher.services.studio import render_jobs as renders_svc
from ui import common
from ui.components import render_jobs

actor = common.guard("media.view")
common.page_header("ui.renders.title", "ui.renders.caption")
ACTIVE = ["queued", "rendering"]
FILTERS = {"active": ACTIVE, "failed": ["failed"], "done": ["done"], "all": None}

choice = st.segmented_control(
    t("ui.renders.show"),
    list(FILTERS),
    default="active",
    key="rj_filter",
    format_func=lambda k: t(f"ui.renders.filter_{k}"),
)


@st.fragment(run_every=2.0 if choice == "active" else None)
def _queue() -> None:
    board = common.read(
        renders_svc.queue_board, actor, FILTERS.get(choice or "active"), common.lang(), limit=200
    )
    rows = board.rows
    if not rows:
        st.info(t("ui.renders.empty"), icon=":material/task_alt:")
        return
    running = sum(1 for r in rows if r["status"] == "rendering")
    queued = sum(1 for r in rows if r["status"] == "queued")
    m1, m2 = st.columns(2)
    m1.metric(t("renders.status.rendering"), running)
    m2.metric(t("renders.status.queued"), queued)
    for row in rows:
        asset = board.files.get(row["asset_id"]) if row["asset_id"] else None
        render_jobs.job_card(row, asset, actor)


_queue()
