"""Tài khoản: the users an administrator manages — add an account, change its role and
organisation (its web sessions end), deactivate or activate it, reset a forgotten password
(a generated one, shown once). One «Thao tác» menu per row keeps the table within 1440 px."""

from __future__ import annotations

from functools import partial

import streamlit as st

from publisher.i18n import t
from publisher.services.accounts import orgs, users
from ui import common

actor = common.guard("user.manage")
common.page_header("ui.users.title", "ui.users.caption")

rows = common.read(users.list_users, actor)
org_list = common.read(orgs.list_orgs, actor)
org_names = {o.id: o.name for o in org_list}
shown_once: tuple[str, str, str] | None = None  # (message key, username, password)

with st.expander(t("ui.users.create"), icon=":material/person_add:"):
    with st.form("us_create", border=False, clear_on_submit=True):
        a, b = st.columns(2)
        username = a.text_input(t("ui.users.col_username"), max_chars=80)
        full_name = b.text_input(t("ui.users.col_full_name"), max_chars=200)
        c1, d1, e1 = st.columns(3)
        role = c1.selectbox(
            t("ui.users.col_role"), list(users.ROLES), format_func=lambda r: t(f"ui.role.{r}")
        )
        org_id = d1.selectbox(
            t("ui.users.col_org"), list(org_names), format_func=lambda i: org_names.get(i, "—")
        )
        password = e1.text_input(t("ui.users.password_optional"), type="password")
        if st.form_submit_button(t("ui.users.create_do"), type="primary", icon=":material/add:"):
            made = common.write(
                partial(
                    users.create_user,
                    actor=actor,
                    username=username,
                    role=role,
                    org=org_id if org_id is not None else "",
                    password=password or None,
                    full_name=full_name.strip(),
                )
            )
            if made is not None:
                user, first = made
                shown_once = ("ui.users.created", user.username, first)
                rows = common.read(users.list_users, actor)

if not rows:
    st.info(t("ui.users.empty"))
    st.stop()

WIDTHS = [1.1, 1.7, 1.4, 2.0, 1.5, 1.5, 1.6]
head = st.columns(WIDTHS)
for column, key in zip(
    head,
    ("username", "full_name", "role", "org", "last_login", "status"),
    strict=False,  # the last column (the menu) has no heading
):
    column.markdown(f"**{t('ui.users.col_' + key)}**")

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
    if user.id == actor.user_id:  # one's own account: nothing here (ask another admin)
        c[6].button(
            t("ui.users.actions"),
            key=f"us_toggle_{uid}",
            icon=":material/more_horiz:",
            disabled=True,
            help=t("ui.users.own_account"),
            width="stretch",
        )
        continue
    with c[6].popover(t("ui.users.actions"), icon=":material/more_horiz:", width="stretch"):
        st.markdown(f"**{common.esc(user.username)}**")
        with st.form(f"us_role_{uid}", border=True):
            st.caption(t("ui.users.role_change"))
            new_role = st.selectbox(
                t("ui.users.col_role"),
                list(users.ROLES),
                index=list(users.ROLES).index(user.role) if user.role in users.ROLES else 0,
                format_func=lambda r: t(f"ui.role.{r}"),
            )
            org_keys = list(org_names)
            new_org = st.selectbox(
                t("ui.users.col_org"),
                org_keys,
                index=org_keys.index(user.org_id) if user.org_id in org_keys else 0,
                format_func=lambda i: org_names.get(i, "—"),
            )
            if st.form_submit_button(t("ui.users.role_do"), type="primary"):
                done = common.write(
                    partial(
                        users.change_role,
                        actor=actor,
                        username=user.username,
                        role=new_role,
                        org=new_org if new_org is not None else "",
                    ),
                    success=t(
                        "ui.users.role_changed",
                        username=user.username,
                        role=t(f"ui.role.{new_role}"),
                        org=org_names.get(new_org, "—"),
                    ),
                )
                if done is not None:
                    st.rerun()
        label = t("ui.users.deactivate") if user.is_active else t("ui.users.activate")
        if st.button(
            label,
            key=f"us_toggle_{uid}",
            icon=":material/person_off:" if user.is_active else ":material/person_check:",
            width="stretch",
        ):
            done = common.write(
                partial(
                    users.set_active,
                    actor=actor,
                    username=user.username,
                    active=not user.is_active,
                ),
                success=t(
                    "ui.users.deactivated" if user.is_active else "ui.users.activated",
                    username=user.username,
                ),
            )
            if done is not None:
                st.rerun()
        st.caption(t("ui.users.reset_confirm", username=user.username))
        if st.button(
            t("ui.users.reset_do"), key=f"us_reset_{uid}", icon=":material/key:", width="stretch"
        ):
            new_password = common.write(
                partial(users.set_password, actor=actor, username=user.username)
            )
            if new_password is not None:
                shown_once = ("ui.users.reset_done", user.username, new_password)

if shown_once:  # shown in this run only, never kept in the session
    key, name, secret = shown_once
    st.success(t(key, username=name), icon=":material/key:")
    st.code(secret, language=None)

st.caption(t("ui.users.hint"))
