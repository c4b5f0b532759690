"""Đổi mật khẩu: every logged-in user changes their own password (the current one is checked
like a login and shares its lock-out); other browsers' sessions end, this one continues."""

from __future__ import annotations

import streamlit as st

from publisher.i18n import t
from publisher.services.accounts import users
from ui import common

actor = common.guard("user.own_password")
common.page_header("ui.password.title")
st.caption(t("ui.password.caption", username=actor.username))

_, middle, _ = st.columns([0.05, 1, 1.2])
with middle:
    with st.form("pw_change", clear_on_submit=True):
        current = st.text_input(t("ui.password.current"), type="password", key="pw_current")
        new = st.text_input(
            t("ui.password.new"),
            type="password",
            key="pw_new",
            help=t("ui.password.new_help", min=users.MIN_PASSWORD),
        )
        repeat = st.text_input(t("ui.password.repeat"), type="password", key="pw_repeat")
        submitted = st.form_submit_button(
            t("ui.password.submit"), type="primary", icon=":material/key:", key="pw_submit"
        )
    if submitted:
        if not current or not new or not repeat:
            st.error(t("ui.password.missing"), icon=":material/error:")
        elif new != repeat:
            st.error(t("ui.password.mismatch"), icon=":material/error:")
        else:
            token = common.write(
                users.change_own_password,
                actor,
                current,
                new,
                source=common.client_source(),
                success=t("ui.password.changed"),
            )
            if token is not None:
                common.replace_token(token)  # this browser stays logged in
                st.rerun()
    st.caption(
        t(
            "ui.password.lockout_note",
            max=users.MAX_FAILED_LOGINS,
            seconds=int(users.FIRST_DELAY.total_seconds()),
            minutes=int(users.MAX_DELAY.total_seconds() // 60),
        )
    )
