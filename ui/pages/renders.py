"""Bản dựng: the render queue of the organisation — queued and running renders with progress
(editors may cancel), failures in plain language, finished cards and clips previewed."""

from __future__ import annotations

from typing import Any

import streamlit as st

from publisher.i18n import t
from publisher.models import MediaAsset
from publisher.services import media as media_svc
from publisher.services import renders as renders_svc
from ui import common

actor = common.guard("media.view")
common.page_header("ui.renders.title", "ui.renders.caption")
can_cancel = actor.can("post.review")
ACTIVE = ["queued", "rendering"]
FILTERS = {"active": ACTIVE, "failed": ["failed"], "done": ["done"], "all": None}

choice = st.segmented_control(
    t("ui.renders.show"),
    list(FILTERS),
    default="active",
    key="rj_filter",
    format_func=lambda k: t(f"ui.renders.filter_{k}"),
)


def _load(statuses: list[str] | None) -> tuple[list[dict[str, Any]], dict[int, MediaAsset]]:
    with common.read() as s:
        jobs = renders_svc.list_jobs(s, actor, status=statuses, limit=200)
        rows = [renders_svc.describe(j, common.lang()) for j in jobs]
        assets = {
            a.id: a
            for a in (s.get(MediaAsset, j.result_asset_id) for j in jobs if j.result_asset_id)
            if a is not None and a.id is not None
        }
    return rows, assets


def _job(row: dict[str, Any], asset: MediaAsset | None) -> None:
    with st.container(border=True):
        c1, c2 = st.columns([5, 1])
        post = t("ui.renders.post", id=row["post_id"]) if row["post_id"] else ""
        c1.markdown(f"**#{row['id']} · {row['kind_label']}** · {row['status_label']} {post}")
        if row["deadline_local"]:
            c1.caption(t("ui.renders.deadline", at=row["deadline_local"]))
        if row["status"] in ACTIVE:
            c1.progress(row["progress"] / 100, text=f"{row['progress']}%")
            if can_cancel and c2.button(
                t("ui.renders.cancel"), key=f"rj_cancel_{row['id']}", icon=":material/cancel:"
            ):
                job_id = int(row["id"])
                if (
                    common.write(
                        lambda s: renders_svc.cancel(s, actor, job_id),
                        t("cli.jobs.cancelled", id=job_id),
                    )
                    is not None
                ):
                    st.rerun()
        if row["error"]:
            c1.error(row["error"], icon=":material/error:")
        if asset is not None and row["kind"] != "fit":
            path = str(media_svc.asset_file(asset))
            if asset.kind == "video":
                c1.video(path)
            else:
                c1.image(path, width=320)


@st.fragment(run_every=2.0 if choice == "active" else None)
def _queue() -> None:
    rows, assets = _load(FILTERS.get(choice or "active"))
    if not rows:
        st.info(t("ui.renders.empty"), icon=":material/task_alt:")
        return
    running = sum(1 for r in rows if r["status"] == "rendering")
    queued = sum(1 for r in rows if r["status"] == "queued")
    m1, m2 = st.columns(2)
    m1.metric(t("renders.status.rendering"), running)
    m2.metric(t("renders.status.queued"), queued)
    for row in rows:
        _job(row, assets.get(row["asset_id"]) if row["asset_id"] else None)


_queue()
