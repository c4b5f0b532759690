"""Hộp cát: what the platform emulators received — a trainee sees their posts "go out" —
and what people were told: the emails the sandbox's mail catcher took and the notification
bot's private Telegram messages, with the outbox they came from."""

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
st.button(t("ui.sandbox.refresh"), icon=":material/refresh:", key="sb_refresh")

try:
    messages = common.read(sandbox.sent_messages, actor, 100)
except PublisherError as exc:
    common.show_error(exc)
    st.stop()
emails = [m for m in messages if m.channel == "email"]
direct = [m for m in messages if m.channel == "telegram"]

posts_tab, mail_tab, dm_tab, outbox_tab = st.tabs(
    [
        f":material/public: {t('ui.sandbox.tab_posts')}",
        f":material/mail: {t('ui.sandbox.tab_email')}",
        f":material/send: {t('ui.sandbox.tab_telegram')}",
        f":material/outbox: {t('ui.sandbox.tab_outbox')}",
    ],
    key="sb_tab",
)


def _recipient(person: str, address: str) -> str:
    return f"{person} · {address}" if person else address


with mail_tab:
    st.caption(t("ui.sandbox.email_help", n=common.fmt_int(len(emails))))
    if not emails:
        st.info(t("ui.sandbox.email_empty"), icon=":material/mail:")
    for i, m in enumerate(emails):
        with st.container(border=True, key=f"sb_mail_{i}"):
            icon = ":material/mark_email_read:" if m.accepted else ":material/error:"
            st.markdown(f"{icon} **{common.esc(m.subject or t('ui.sandbox.no_subject'))}**")
            st.caption(
                t("ui.sandbox.email_to", to=_recipient(m.person, m.to), at=common.fmt_dt(m.at))
                + ("" if m.accepted else f" · {t('ui.sandbox.not_accepted')}")
            )
            st.text(m.text or "—")

with dm_tab:
    st.caption(t("ui.sandbox.telegram_help", n=common.fmt_int(len(direct))))
    if not direct:
        st.info(t("ui.sandbox.telegram_empty"), icon=":material/send:")
    for i, m in enumerate(direct):
        with st.container(border=True, key=f"sb_dm_{i}"):
            bot = t("ui.sandbox.notify_bot") if m.notify_bot else t("ui.sandbox.other_bot")
            icon = ":material/chat:" if m.accepted else ":material/error:"
            st.markdown(f"{icon} **{common.esc(bot)}** → {common.esc(m.person or m.to)}")
            st.caption(
                t("ui.sandbox.telegram_at", at=common.fmt_dt(m.at), chat=m.to)
                + ("" if m.accepted else f" · {t('ui.sandbox.not_accepted')}")
            )
            st.text(m.text or "—")

with outbox_tab:
    # The product's side: what it queued and whether the worker sent it (any transport).
    st.caption(t("ui.sandbox.outbox_help"))
    sent = common.read(notifications.outbox, actor, 50)
    if not sent:
        st.info(t("ui.notify.outbox_empty"))
    else:
        st.dataframe(
            [
                {
                    t("ui.notify.col_when"): common.fmt_dt(n.created_at),
                    t("ui.notify.col_to"): name,
                    t("ui.notify.col_channel"): "Telegram" if n.channel == "telegram" else "Email",
                    t("ui.notify.col_status"): t(f"ui.notify.status.{n.status}"),
                    t("ui.notify.col_text"): n.body.split("\n", 1)[0],
                }
                for n, name in sent
            ],
            hide_index=True,
            width="stretch",
        )

with posts_tab:
    platform = st.segmented_control(
        t("ui.sandbox.platform"),
        ["all", *sandbox.platforms()],
        default="all",
        key="sb_platform",
        format_func=lambda p: t("ui.sandbox.all") if p == "all" else common.kind_label(p),
    )
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
                    json.dumps(r, ensure_ascii=False, indent=1, default=str)[:6000],
                    language="json",
                )
