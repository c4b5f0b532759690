"""Tài khoản: the users an administrator manages — role, organisation, last login,
deactivating or activating an account (its web sessions end at once), and resetting a
forgotten password (a generated one, shown once)."""

from __future__ import annotations

from functools import partial

import streamlit as st

from publisher.i18n import t
from publisher.services.accounts import orgs, users
from ui import common

actor = common.guard("user.manage")
common.page_header("ui.users.title", "ui.users.caption")

rows = common.read(users.list_users, actor)
org_names = {o.id: o.name for o in common.read(orgs.list_orgs, actor)}

if not rows:
    st.info(t("ui.users.empty"))
    st.stop()

WIDTHS = [1.3, 1.8, 1.6, 2.1, 1.4, 1.5, 1.7, 1.8]
head = st.columns(WIDTHS)
for column, key in zip(
    head,
    ("username", "full_name", "role", "org", "last_login", "status"),
    strict=False,  # the last columns (the buttons) have no heading
):
    column.markdown(f"**{t('ui.users.col_' + key)}**")

reset: tuple[str, str] | None = None
for user in rows:
    uid = user.id or 0
    c = st.columns(WIDTHS, vertical_alignment="center")
    c[0].markdown(f"`{common.esc(user.username)}`")
    c[1].markdown(common.esc(user.full_name) or "—")
    c[2].markdown(t(f"ui.role.{user.role}"))
    c[3].markdown(common.esc(org_names.get(user.org_id, "—")))
    c[4].markdown(common.fmt_dt(user.last_login_at))
    if user.is_active:
        c[5].markdown(f":green-badge[{t('ui.users.active')}]")
    else:
        c[5].markdown(f":gray-badge[{t('ui.users.inactive')}]")
    own = user.id == actor.user_id
    label = t("ui.users.deactivate") if user.is_active else t("ui.users.activate")
    if c[6].button(
        label,
        key=f"us_toggle_{uid}",
        icon=":material/person_off:" if user.is_active else ":material/person_check:",
        disabled=own,
        help=t("ui.users.own_account") if own else None,
        type="tertiary",
    ):
        done = common.write(
            partial(
                users.set_active, actor=actor, username=user.username, active=not user.is_active
            ),
            success=t(
                "ui.users.deactivated" if user.is_active else "ui.users.activated",
                username=user.username,
            ),
        )
        if done is not None:
            st.rerun()
    with c[7].popover(
        t("ui.users.reset"),
        icon=":material/key:",
        disabled=own,
        help=t("ui.users.reset_own") if own else None,
        type="tertiary",
    ):
        st.markdown(t("ui.users.reset_confirm", username=user.username))
        if not own and st.button(t("ui.users.reset_do"), key=f"us_reset_{uid}", type="primary"):
            password = common.write(
                partial(users.set_password, actor=actor, username=user.username)
            )
            if password is not None:
                reset = (user.username, password)

if reset:  # shown in this run only, never kept in the session
    st.success(t("ui.users.reset_done", username=reset[0]), icon=":material/key:")
    st.code(reset[1], language=None)

st.caption(t("ui.users.hint"))
