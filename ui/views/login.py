"""Đăng nhập: users of the database, argon2 hashes, lock-out after repeated failures; a
successful login issues the session token that keeps a browser reload logged in."""

from __future__ import annotations

import streamlit as st

from publisher.errors import PublisherError
from publisher.i18n import t
from publisher.services.accounts import users
from ui import common

_, middle, _ = st.columns([1, 1.2, 1])
with middle:
    st.markdown(f"### :material/campaign: {t('ui.app.name')}")
    st.caption(t("ui.login.subtitle"))
    common.language_switch("login_lang", collapsed=True)
    common.show_flash()
    with st.form("login", border=True):
        st.subheader(t("ui.login.title"))
        username = st.text_input(t("ui.login.username"), key="login_username")
        password = st.text_input(t("ui.login.password"), type="password", key="login_password")
        submitted = st.form_submit_button(t("ui.login.submit"), type="primary", width="stretch")
    if submitted:
        if not username.strip() or not password:
            st.error(t("ui.login.missing"))
        else:
            try:
                # Checks the password and issues the token that keeps a reload logged in.
                done = users.login(username, password, source=common.client_source())
            except PublisherError as exc:
                st.error(exc.message(), icon=":material/lock:")
            else:
                common.login_as(done.actor, done.full_name, common.lang(), token=done.token)
                st.rerun()
    st.caption(t("ui.login.help"))
