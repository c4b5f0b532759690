"""Hộp cát: what the platform emulators received — a trainee sees their posts "go out"."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import streamlit as st

from publisher.errors import PublisherError
from publisher.i18n import t
from publisher.services.accounts import notifications
from publisher.services.operations import sandbox
from ui import common

actor = common.guard("sandbox.view")
common.page_header("ui.sandbox.title", "ui.sandbox.caption")

# What the notifications said, by Telegram and email (the emails go to the SMTP server the
# demo runs; this list is the outbox, whatever the transport).
with st.expander(t("ui.notify.outbox"), icon=":material/notifications:"):
    sent = common.read(notifications.outbox, actor, 50)
    if not sent:
        st.info(t("ui.notify.outbox_empty"))
    else:
        st.dataframe(
            [
                {
                    t("ui.notify.col_when"): common.fmt_dt(n.created_at),
                    t("ui.notify.col_to"): f"#{n.user_id}",
                    t("ui.notify.col_channel"): "Telegram" if n.channel == "telegram" else "Email",
                    t("ui.notify.col_status"): t(f"ui.notify.status.{n.status}"),
                    t("ui.notify.col_text"): n.body.split("\n", 1)[0],
                }
                for n in sent
            ],
            hide_index=True,
            width="stretch",
        )
platform = st.segmented_control(
    t("ui.sandbox.platform"),
    ["all", *sandbox.platforms()],
    default="all",
    key="sb_platform",
    format_func=lambda p: t("ui.sandbox.all") if p == "all" else common.kind_label(p),
)
st.button(t("ui.sandbox.refresh"), icon=":material/refresh:", key="sb_refresh")
try:
    rows = common.read(sandbox.received, actor, None if platform in (None, "all") else platform)
except PublisherError as exc:
    common.show_error(exc)
    st.stop()

published = [r for r in rows if r.get("published")]
c1, c2, c3 = st.columns(3)
c1.metric(t("ui.sandbox.requests"), len(rows))
c2.metric(t("ui.sandbox.published"), len(published))
c3.metric(t("ui.sandbox.refused"), sum(1 for r in rows if r.get("accepted") is False))
if not rows:
    st.info(t("ui.sandbox.empty"))
for r in rows:
    when = datetime.fromtimestamp(float(r.get("received_at") or 0), UTC)
    ok = r.get("published") or r.get("accepted")
    icon = ":material/check_circle:" if ok else ":material/error:"
    kind = common.kind_label(str(r.get("platform")))
    head = f"{kind} · {common.fmt_dt(when)} · {r.get('method')} · {r.get('account') or ''}"
    with st.container(border=True):
        st.markdown(
            f"{icon} **{common.esc(head)}**"
            + (f" · :green-badge[{t('ui.sandbox.is_published')}]" if r.get("published") else "")
            + (f" · :red-badge[{common.esc(r.get('fault'))}]" if r.get("fault") else "")
        )
        text = r.get("text")
        if text:
            st.text(str(text)[:1500])
        if r.get("external_id"):
            st.caption(t("ui.sandbox.external_id", id=r.get("external_id")))
        with st.expander(t("ui.sandbox.raw")):
            st.code(
                json.dumps(r, ensure_ascii=False, indent=1, default=str)[:6000], language="json"
            )
