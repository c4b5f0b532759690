"""«Sửa trên nền tảng» / «Xoá khỏi nền tảng» for a sent delivery, only where the platform
allows it (``services.publishing.remote``); each attempt is audited with its outcome."""

from __future__ import annotations

from typing import Any

import streamlit as st

from publisher.errors import PublisherError
from publisher.i18n import t
from publisher.services.accounts.actor import Actor
from publisher.services.publishing import remote
from ui import common


def _run(fn: Any, *args: Any, success: str) -> None:
    try:
        fn(*args)
    except PublisherError as exc:
        common.show_error(exc)
        return
    common.flash("success", success)
    st.rerun()


def for_delivery(actor: Actor, delivery_id: int) -> None:
    """The actions of one sent delivery (nothing at all where they are impossible)."""
    copy = common.read(remote.copy_of, actor, delivery_id)
    if copy.deleted:
        st.caption(f":material/delete: {t('ui.platform.was_deleted')}")
        return
    if not copy.changeable:
        return
    with st.popover(t("ui.platform.edit"), icon=":material/edit_note:"):
        text = st.text_area(
            t("ui.platform.text"), value=copy.text, key=f"pf_text_{delivery_id}", height=140
        )
        if st.button(t("ui.platform.save"), key=f"pf_save_{delivery_id}", type="primary"):
            _run(
                remote.edit_on_platform,
                actor,
                delivery_id,
                text,
                success=t("ui.platform.edited", channel=copy.channel),
            )
        st.divider()
        sure = st.checkbox(t("ui.platform.confirm"), key=f"pf_sure_{delivery_id}")
        if st.button(
            t("ui.platform.delete"),
            key=f"pf_delete_{delivery_id}",
            icon=":material/delete:",
            disabled=not sure,
        ):
            _run(
                remote.delete_on_platform,
                actor,
                delivery_id,
                success=t("ui.platform.deleted", channel=copy.channel),
            )
