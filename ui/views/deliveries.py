"""Lượt đăng & cảnh báo: each post's deliveries per channel — status, link on the platform,
errors in plain language — with retry / cancel / verified / not-published actions, and the
open alerts of the organisation."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any

import streamlit as st

from publisher.i18n import t
from publisher.services.accounts import alerts
from publisher.services.operations import sandbox
from publisher.services.publishing import deliveries, posts, zalo_broadcast
from publisher.services.publishing.posts import PostFilter
from publisher.services.statuses import PostStatus
from publisher.timeutil import utcnow
from ui import common
from ui.components import alert_text, pager, platform_actions

actor = common.guard("alert.view")
common.page_header("ui.deliveries.title", "ui.deliveries.caption")
can_manage = actor.can("delivery.manage")
SHOWN = (
    PostStatus.SCHEDULED,
    PostStatus.PUBLISHING,
    PostStatus.PUBLISHED,
    PostStatus.PARTIALLY_FAILED,
    PostStatus.FAILED,
    PostStatus.CANCELLED,
)

#: How often the page looks again while deliveries are being sent.
REFRESH = timedelta(seconds=4)
SOON = timedelta(minutes=2)
QP = st.query_params


def _signature(data: dict[int, list[Any]]) -> tuple[tuple[int, str], ...]:
    return tuple(sorted((d.id or 0, str(d.status)) for dels in data.values() for d, _ in dels))


def _flying(data: dict[int, list[Any]], statuses: list[str]) -> bool:
    """Deliveries in flight: sending, or pending and due within :data:`SOON`."""
    if PostStatus.PUBLISHING in statuses:
        return True
    soon = utcnow() + SOON
    return any(
        d.status == "sending" or (d.status == "pending" and d.due_at <= soon)
        for dels in data.values()
        for d, _ in dels
    )


@st.fragment(run_every=REFRESH)
def _follow(post_ids: list[int], seen: tuple[tuple[int, str], ...]) -> None:
    """While deliveries are in flight, check every few seconds and draw the page again when
    one of them changed (no button to press)."""
    now = _signature(common.read(deliveries.for_posts, post_ids))
    if now != seen:
        st.rerun(scope="app")
    st.caption(t("ui.deliveries.following"), help=None)


tab_d, tab_a = st.tabs([t("ui.deliveries.tab_deliveries"), t("ui.deliveries.tab_alerts")])

with tab_a:
    open_alerts = common.read(alerts.list_alerts, actor)
    if not open_alerts:
        st.success(t("ui.deliveries.no_alerts"), icon=":material/task_alt:")
    for alert in open_alerts:
        icon = {"error": ":material/error:", "warning": ":material/warning:"}.get(
            alert.severity, ":material/info:"
        )
        with st.container(border=True):
            a1, a2 = st.columns([5, 1])
            a1.markdown(
                f"{icon} **{common.esc(alert_text.message(alert.message_key, alert.params))}**"
            )
            a1.caption(f"{common.fmt_dt(alert.created_at)} · {alert_text.kind(alert.kind)}")
            if actor.can("alert.resolve") and a2.button(
                t("ui.deliveries.resolve"), key=f"al_{alert.id}", icon=":material/done:"
            ):
                alert_id = alert.id or 0
                if (
                    common.write(
                        partial(alerts.resolve, actor=actor, alert_id=alert_id),
                        success=t("ui.deliveries.resolved"),
                    )
                    is not None
                ):
                    st.rerun()


def _status_changed() -> None:
    """Keep the status filter in the URL, as the calendar does; a new filter starts at
    its first page."""
    value = st.session_state.get("dl_status")
    if value:
        QP["trang_thai"] = str(value)
    else:
        QP.pop("trang_thai", None)
    pager.reset()


with tab_d:
    # The filter and the page come from the URL on every run (a reload, a shared link).
    st.session_state["dl_status"] = next((s for s in SHOWN if s == QP.get("trang_thai")), None)
    status = st.selectbox(
        t("ui.calendar.status"),
        [None, *SHOWN],
        key="dl_status",
        format_func=lambda v: common.status_label(v) if v else t("ui.deliveries.all_active"),
        on_change=_status_changed,
    )
    rows = []
    for st_ in [status] if status else SHOWN:
        rows += common.read(posts.list_posts, actor, PostFilter(status=st_, limit=100))
    rows.sort(key=lambda p: (p.due_at is None, p.due_at), reverse=True)
    # A page of posts at a time (long on a phone otherwise): «Trang x/y» below the list.
    page = pager.current(len(rows))
    listed = page.of(rows)
    shown_ids = [p.id or 0 for p in listed]
    data = common.read(deliveries.for_posts, shown_ids)
    in_sandbox = common.read(sandbox.sandbox_channels, actor)
    #: Zalo OA broadcasts to followers: sent, unknown, or why not (beyond the alert).
    broadcast = common.read(
        zalo_broadcast.outcomes, actor, [d.id or 0 for dels in data.values() for d, _ in dels]
    )
    if _flying(data, [p.status for p in listed]):
        _follow(shown_ids, _signature(data))
    if not rows:
        st.info(t("ui.deliveries.empty"))
    else:
        # True totals over every post of the filter, not only the page listed below.
        tally = common.read(deliveries.status_counts, actor, [status] if status else SHOWN)
        m = st.columns(4)
        m[0].metric(t("ui.deliveries.m_sent"), tally.get("sent", 0))
        m[1].metric(t("ui.deliveries.m_pending"), tally.get("pending", 0) + tally.get("sending", 0))
        m[2].metric(
            t("ui.deliveries.m_attention"),
            sum(tally.get(k, 0) for k in ("failed", "unconfirmed", "missed")),
        )
        m[3].metric(t("ui.deliveries.m_cancelled"), tally.get("cancelled", 0))
    for p in listed:
        dels = data.get(p.id or 0, [])
        head = (
            f"{common.badge(p.status)} #{p.id} · {p.title or p.text[:60]} · "
            f"{common.fmt_dt(p.due_at)}"
        )
        attention = any(d.status in ("failed", "unconfirmed", "missed") for d, _ in dels)
        with st.expander(head, expanded=attention):
            for d, ch in dels:
                c1, c2, c3 = st.columns([2.2, 2.6, 2.2])
                c1.markdown(f"**{common.esc(ch.name)}**  \n{common.badge(d.status)}")
                info = [
                    t("ui.deliveries.due", at=common.fmt_dt(d.due_at)),
                    t("ui.deliveries.attempts", n=d.attempts),
                ]
                if d.sent_at:
                    info.append(t("ui.deliveries.sent_at", at=common.fmt_dt(d.sent_at)))
                c2.caption(" · ".join(info))
                if (d.id or 0) in broadcast:
                    b_status, b_key = broadcast[d.id or 0]
                    b_icon = {"sent": ":material/campaign:", "not_sent": ":material/block:"}
                    c2.caption(
                        f"{b_icon.get(b_status, ':material/help:')} "
                        f"{t('ui.broadcast.label')}: {t(b_key, channel=ch.name)}"
                    )
                if d.url and ch.id in in_sandbox:  # the emulator's post: see it in «Hộp cát»
                    c2.page_link(
                        "views/sandbox.py",
                        label=t("ui.deliveries.open_in_sandbox"),
                        icon=":material/inventory_2:",
                    )
                elif d.url:
                    c2.markdown(f"[{t('ui.deliveries.open_on_platform')}]({d.url})")
                if d.error_kind and d.status != "sent":
                    key = f"ui.error_kind.{d.error_kind}"
                    plain = t(key) if t(key) != key else d.error_kind
                    c2.error(plain + (f" — {d.last_error[:200]}" if d.last_error else ""))
                if not can_manage:
                    continue
                did = d.id or 0
                if d.status == "sent":
                    with c3:
                        platform_actions.for_delivery(actor, did)
                if d.status in ("failed", "missed", "cancelled") and c3.button(
                    t("ui.deliveries.retry"), key=f"dl_retry_{did}", icon=":material/replay:"
                ):
                    if (
                        common.write(
                            partial(deliveries.retry, actor=actor, delivery_id=did),
                            success=t("ui.deliveries.retried"),
                        )
                        is not None
                    ):
                        st.rerun()
                if d.status == "unconfirmed":
                    url = c3.text_input(t("ui.deliveries.verified_url"), key=f"dl_url_{did}")
                    if c3.button(
                        t("ui.deliveries.mark_verified"),
                        key=f"dl_ok_{did}",
                        icon=":material/verified:",
                    ):
                        if (
                            common.write(
                                partial(
                                    deliveries.mark_verified,
                                    actor=actor,
                                    delivery_id=did,
                                    url=url or None,
                                ),
                                success=t("ui.deliveries.verified"),
                            )
                            is not None
                        ):
                            st.rerun()
                    if c3.button(
                        t("ui.deliveries.mark_not_published"),
                        key=f"dl_no_{did}",
                        icon=":material/replay:",
                    ):
                        if (
                            common.write(
                                partial(
                                    deliveries.mark_not_published, actor=actor, delivery_id=did
                                ),
                                success=t("ui.deliveries.resent"),
                            )
                            is not None
                        ):
                            st.rerun()
            if p.status in (PostStatus.SCHEDULED, PostStatus.PUBLISHING) and can_manage:
                pid = p.id or 0
                if st.button(
                    t("ui.deliveries.cancel_post"), key=f"dl_cancel_{pid}", icon=":material/cancel:"
                ):
                    if (
                        common.write(
                            partial(posts.cancel, actor=actor, post_id=pid),
                            success=t("ui.deliveries.cancelled", id=pid),
                        )
                        is not None
                    ):
                        st.rerun()
    pager.controls(page, "dl")
