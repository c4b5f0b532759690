"""One render job as the pages show it: kind, status, deadline, a progress bar while it is
queued or rendering (with "Hủy" for editors), the failure in plain language, and the
finished card or clip.

Used by the renders page, the media studio (its "render video") and the review page (the
post's own renders); the pages decide when to poll.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from publisher.i18n import t
from publisher.services.accounts.actor import Actor
from publisher.services.studio import render_jobs as renders_svc
from ui import common

ACTIVE = ("queued", "rendering")
#: How often a page with running renders refreshes them (seconds).
POLL_SECONDS = 1.5


def job_card(
    row: dict[str, Any],
    asset: renders_svc.JobFile | None,
    actor: Actor,
    *,
    key: str = "rj",
    show_post: bool = True,
    preview_width: int = 320,
) -> None:
    """Draw one job; the cancel button (editors, admins) cancels it and reruns the app."""
    with st.container(border=True):
        c1, c2 = st.columns([5, 1])
        post = t("ui.renders.post", id=row["post_id"]) if show_post and row["post_id"] else ""
        c1.markdown(f"**#{row['id']} · {row['kind_label']}** · {row['status_label']} {post}")
        if row["deadline_local"] and row["status"] in ACTIVE:
            c1.caption(t("ui.renders.deadline", at=row["deadline_local"]))
        if row["status"] in ACTIVE:
            c1.progress(row["progress"] / 100, text=f"{row['progress']}%")
            if actor.can("post.review") and c2.button(
                t("ui.renders.cancel"), key=f"{key}_cancel_{row['id']}", icon=":material/cancel:"
            ):
                job_id = int(row["id"])
                done = common.write(
                    renders_svc.cancel, actor, job_id, success=t("cli.jobs.cancelled", id=job_id)
                )
                if done is not None:
                    st.rerun()
        if row["error"]:
            c1.error(row["error"], icon=":material/error:")
        if asset is not None and row["kind"] != "fit":
            path = str(asset.path)
            if asset.kind == "video":
                c1.video(path)
            else:
                c1.image(path, width=preview_width)


def live_jobs(
    actor: Actor,
    load_board: Callable[[], renders_svc.JobBoard],
    *,
    key: str,
    active_note: str = "",
    show_post: bool = True,
    preview_width: int = 320,
) -> None:
    """Draw the jobs ``load_board`` returns (it calls a ``renders`` service through
    :func:`ui.common.read`) and keep them current: while any is queued or
    rendering the drawing refreshes every ``POLL_SECONDS``; when the last one finishes, the
    whole page is redrawn once (so what the renders made shows up elsewhere on it too)."""
    active = load_board().active

    @st.fragment(run_every=POLL_SECONDS if active else None)
    def _poll() -> None:
        board = load_board()
        if active and not board.active:
            st.rerun()
        if active and active_note:
            st.caption(active_note)
        for row in board.rows:
            job_card(
                row,
                board.files.get(row["asset_id"] or 0),
                actor,
                key=key,
                show_post=show_post,
                preview_width=preview_width,
            )

    _poll()
