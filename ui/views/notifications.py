"""Thông báo: what the user is told and where — an email address, the Telegram account
linked by a one-time code, and for each event whether it comes by Telegram and/or email."""

from __future__ import annotations

import streamlit as st

from publisher.i18n import t
from publisher.services.accounts import notifications
from ui import common

actor = common.guard("user.own_password")
common.page_header("ui.notify.title", "ui.notify.caption")

prefs = common.read(notifications.preferences, actor)

st.markdown(f"##### :material/send: {t('ui.notify.telegram')}")
if prefs["telegram_linked"]:
    st.success(t("ui.notify.linked", name=prefs["telegram_name"] or "—"), icon=":material/link:")
    if st.button(t("ui.notify.unlink"), key="nt_unlink", icon=":material/link_off:"):
        if common.write(notifications.unlink_telegram, actor, success=t("ui.notify.unlinked")):
            st.rerun()
else:
    st.info(t("ui.notify.not_linked"), icon=":material/link_off:")
    if st.button(t("ui.notify.make_code"), key="nt_code", icon=":material/qr_code_2:"):
        st.session_state["nt_code_value"] = common.write(notifications.new_link_code, actor)
    code = st.session_state.get("nt_code_value")
    if code:
        st.code(code, language=None)
        url = notifications.link_url(code)
        st.caption(t("ui.notify.code_help_link" if url else "ui.notify.code_help", code=code))
        if url:
            st.link_button(t("ui.notify.open_bot"), url, icon=":material/open_in_new:")

st.markdown(f"##### :material/tune: {t('ui.notify.event')}")
with st.form("nt_prefs", border=True):
    email = st.text_input(
        t("ui.notify.email"), value=prefs["email"], max_chars=254, placeholder="ten@sokhcn.gov.vn"
    )
    if not prefs["email"]:
        st.caption(t("ui.notify.need_email"))
    chosen: dict[str, list[str]] = {}
    # Labelled ticks (no header row): on a phone the columns stack, and each tick still
    # says what it is.
    for event in notifications.EVENTS:
        row = st.columns([3, 1, 1], vertical_alignment="center")
        row[0].markdown(f"**{t(f'notify.event.{event}')}**")
        on = prefs["events"][event]
        channels = []
        if row[1].checkbox("Telegram", value="telegram" in on, key=f"nt_tg_{event}"):
            channels.append("telegram")
        if row[2].checkbox("Email", value="email" in on, key=f"nt_em_{event}"):
            channels.append("email")
        chosen[event] = channels
    if st.form_submit_button(t("ui.notify.save"), type="primary", icon=":material/save:"):
        common.write(
            notifications.set_preferences,
            actor,
            email=email,
            events=chosen,
            success=t("ui.notify.saved"),
        )
