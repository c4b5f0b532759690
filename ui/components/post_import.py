"""«Nhập nhiều bài từ tệp»: a CSV/XLSX table of posts, checked line by line and previewed
before anything is created (``services.publishing.imports``); all lines or none."""

from __future__ import annotations

import streamlit as st

from publisher.i18n import t
from publisher.services.accounts.actor import Actor
from publisher.services.publishing import imports
from ui import common

K = "imp_"


def import_panel(actor: Actor) -> None:
    """The expander on the compose page."""
    with st.expander(t("ui.import.title"), icon=":material/upload_file:"):
        st.caption(t("ui.import.help"))
        st.download_button(
            t("ui.import.template"),
            imports.template_csv(common.lang()),
            file_name="ke-hoach-bai-dang-mau.csv"
            if common.lang() == "vi"
            else "posts-template.csv",
            mime="text/csv",
            key=K + "template",
            icon=":material/download:",
        )
        round_ = st.session_state.get(K + "round", 0)
        upload = st.file_uploader(
            t("ui.import.file"), type=["csv", "xlsx"], key=f"{K}file_{round_}"
        )
        if upload is None:
            return
        content = upload.getvalue()
        result = common.write(imports.check, actor, upload.name, content)
        if result is None:  # the file itself is not a usable table: said above
            return
        bad = {e.line: e.reason for e in result.errors}
        lines = sorted([*(r.line for r in result.rows), *bad])
        by_line = {r.line: r for r in result.rows}
        table = []
        for line in lines:
            row = by_line.get(line)
            table.append(
                {
                    t("ui.import.col.line"): line,
                    t("ui.import.col.ok"): "✗" if line in bad else "✓",
                    t("ui.import.col.time"): common.fmt_dt(row.due_at) if row else "",
                    t("ui.import.col.channels"): ", ".join(row.channels) if row else "",
                    t("ui.import.col.text"): (row.text[:90] if row else bad[line]),
                }
            )
        if result.errors:
            st.error(
                t("import.refused", count=len(result.errors))
                + "\n"
                + "\n".join(f"- {e.text()}" for e in result.errors),
                icon=":material/block:",
            )
        else:
            st.success(t("ui.import.ready", n=len(result.rows)), icon=":material/check_circle:")
        st.dataframe(table, hide_index=True, width="stretch")
        if st.button(
            t("ui.import.go", n=len(result.rows)),
            key=K + "go",
            type="primary",
            icon=":material/playlist_add_check:",
            disabled=bool(result.errors),
        ):
            done = common.write(imports.run, actor, upload.name, content)
            if done is not None:
                ids = ", ".join(f"#{i}" for i in done.created)
                common.flash("success", t("cli.import_done", count=len(done.created), ids=ids))
                st.session_state[K + "round"] = round_ + 1
                st.rerun()
